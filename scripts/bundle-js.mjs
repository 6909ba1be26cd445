// Turns the compiled TypeScript (build/js: one ES module per source file, by tsc)
// into the package's dist/:
//   index.js    the ES module entry: the whole main-thread import path, one file
//   worker-client.js, classify.js, cache.js   what only some loads need (worker mode, classify, a cache),
//               imported by index.js on demand
//   worker.js   the module worker of loadModel(src, { worker: true }): a few lines that import index.js
//   index.cjs   the same API as one CommonJS file, for require() in Node
//   *.d.cts     the declarations (from tsc), one set for import and require: CommonJS-format
//               declarations serve both (an ES module may import a CommonJS one's named exports;
//               the reverse fails under TypeScript's node16 resolution). Only the modules that
//               index.d.cts reaches are shipped.
// The SHA-256 of dist/qcomp.wasm.gz is compiled in (a cached runtime must match it),
// so run scripts/copy-wasm.mjs first.
// Usage: node scripts/bundle-js.mjs   (after tsc -p js/tsconfig.json and copy-wasm)
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'build', 'js');
const dist = path.join(root, 'dist');

await mkdir(dist, { recursive: true });
let wasm;
try {
  wasm = await readFile(path.join(dist, 'qcomp.wasm.gz'));
} catch {
  console.error('bundle-js: dist/qcomp.wasm.gz is missing; run node scripts/copy-wasm.mjs first');
  process.exit(1);
}
const runtimeSha256 = createHash('sha256').update(wasm).digest('hex');

// Declarations: from index.d.ts, each module it reaches, written as <name>.d.cts importing
// the others as ./<name>.cjs.
const reached = new Set(['index']);
for (const name of reached) {
  const text = await readFile(path.join(compiled, `${name}.d.ts`), 'utf8');
  for (const m of text.matchAll(/(?:from\s+|import\()'\.\/([^']+)\.js'/g)) reached.add(m[1]);
  await writeFile(path.join(dist, `${name}.d.cts`), text.replace(/((?:from\s+|import\()'\.\/[^']+)\.js'/g, "$1.cjs'"));
}

const common = {
  bundle: true,
  target: 'es2022',
  external: ['node:*'], // loaded only in Node, by dynamic imports
  minify: true,
  // No keepNames: it named every function (~760 B brotli); the public classes set their names (js/src/errors.ts).
  legalComments: 'none',
  logLevel: 'warning',
  define: { __QCOMP_WASM_SHA256__: JSON.stringify(runtimeSha256) },
};
// Modules kept out of a bundle, imported at run time from the file of that name next to it.
const keepOut = (names) => ({
  name: 'keep-out',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^\\./(${names.join('|')})\\.js$`) }, (args) => ({ path: args.path, external: true }));
  },
});
// The main-thread import path: dist/index.js alone; worker mode and the cache are loaded on demand.
await build({ ...common, entryPoints: [path.join(compiled, 'index.js')], outfile: path.join(dist, 'index.js'),
  format: 'esm', platform: 'neutral', plugins: [keepOut(['worker-client', 'cache', 'classify'])] });
// worker-client.js takes its classes from index.js (one copy of each: instanceof holds).
await build({ ...common, entryPoints: [path.join(compiled, 'worker-client.js')], outfile: path.join(dist, 'worker-client.js'),
  format: 'esm', platform: 'neutral', plugins: [keepOut(['index'])] });
await build({ ...common, entryPoints: [path.join(compiled, 'classify.js')], outfile: path.join(dist, 'classify.js'),
  format: 'esm', platform: 'neutral', plugins: [keepOut(['index'])] });
await build({ ...common, entryPoints: [path.join(compiled, 'cache.js')], outfile: path.join(dist, 'cache.js'),
  format: 'esm', platform: 'neutral' });
// The worker is a realm of its own (errors cross as codes, not instances); it imports index.js
// next to it rather than carrying a second copy of the runtime's JavaScript.
await build({ ...common, entryPoints: [path.join(compiled, 'worker.js')], outfile: path.join(dist, 'worker.js'),
  format: 'esm', platform: 'neutral', plugins: [keepOut(['index'])] });
// CommonJS has no import.meta: the module's own file URL stands in for it (the wasm is found next to it).
await build({ ...common, entryPoints: [path.join(compiled, 'index.js')], outfile: path.join(dist, 'index.cjs'),
  format: 'cjs', platform: 'node',
  define: { ...common.define, 'import.meta.url': '__qcompModuleUrl' },
  banner: { js: 'const __qcompModuleUrl=require("node:url").pathToFileURL(__filename).href;' } });
// Emscripten's glue of the threaded build, minified (its names across files are string
// keys, Module["..."], which minification keeps).
const mtGlue = path.join(dist, 'qcomp-mt.mjs');
const glue = await transform(await readFile(mtGlue, 'utf8'), { minify: true, format: 'esm', target: 'es2020', legalComments: 'none' });
await writeFile(mtGlue, glue.code);
console.log(`bundle-js: ${path.relative(root, compiled)}/*.js -> dist/index.js, worker-client.js, classify.js, cache.js, worker.js, index.cjs, qcomp-mt.mjs (minified) ` +
  `(runtime sha256 ${runtimeSha256.slice(0, 12)}…)`);
