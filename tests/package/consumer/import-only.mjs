// Importing the package must not read, fetch or compile anything; loadModel then does.
// Records every fetch, WebAssembly compile/instantiate and fs read before and after
// the import. Prints { afterImport: [...], afterLoad: [...] }. Usage: node import-only.mjs BUNDLE.qcb
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const calls = [];
function spy(owner, name, label) {
  const original = owner[name];
  if (typeof original !== 'function') return;
  owner[name] = function (...args) {
    calls.push(`${label}${typeof args[0] === 'string' || args[0] instanceof URL ? ` ${String(args[0]).split('/').pop()}` : ''}`);
    return original.apply(this, args);
  };
}
spy(globalThis, 'fetch', 'fetch');
for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) spy(WebAssembly, name, `WebAssembly.${name}`);
spy(WebAssembly, 'Module', 'WebAssembly.Module');
for (const name of ['readFile', 'open']) spy(fsp, name, `fs.promises.${name}`);
for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) spy(fs, name, `fs.${name}`);
syncBuiltinESMExports();

const qcomp = await import('qcomp-wasm');
await new Promise((resolve) => setTimeout(resolve, 100));
// Node's ESM loader reads the package's modules with fs/promises too: those reads are the import itself.
const afterImport = calls.filter((c) => !/^fs\.promises\.readFile [^ ]+\.(js|mjs|cjs|json)$/.test(c));
const model = await qcomp.loadModel(process.argv[2]);
const afterLoad = [...calls];
model.dispose();
console.log(JSON.stringify({ afterImport, afterLoad }));
