// Types of the Emscripten glue (build/wasm/qcomp.mjs, copied to dist/ by scripts/copy-wasm.mjs).
declare function createQcompModule(moduleArg?: Record<string, unknown>): Promise<unknown>;
export default createQcompModule;
