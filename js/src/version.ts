/** Version of the qcomp-wasm package (kept equal to package.json by tests/node/api.test.mjs). */
export const version = '0.1.0';
