// Runs the wasm build of the kernel benchmark in this process (spawned by
// bench/kernels.mjs): node kernel-bench-wasm.mjs MODULE.cjs [bench options]
// The module is Emscripten's CommonJS glue (-sMODULARIZE); its JSON lines go to
// stdout and it exits with main()'s status (-sEXIT_RUNTIME).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modulePath, ...args] = process.argv.slice(2);
if (!modulePath) {
  console.error('usage: node kernel-bench-wasm.mjs MODULE.cjs [options]');
  process.exit(2);
}
const createKernelBench = createRequire(import.meta.url)(path.resolve(modulePath));
const wasmBinary = readFileSync(modulePath.replace(/\.cjs$/, '.wasm'));
await createKernelBench({ wasmBinary, arguments: args });
