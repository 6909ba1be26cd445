// Turns the compiled TypeScript (build/js: one ES module per source file, by tsc)
// into the package's dist/: one minified ES module dist/index.js (one file to
// fetch, resolve and parse instead of a dozen: faster import, smaller download)
// and the per-module .d.ts files beside it for the types.
// Usage: node scripts/bundle-js.mjs   (after tsc -p js/tsconfig.json)
import { build } from 'esbuild';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = path.join(root, 'build', 'js');
const dist = path.join(root, 'dist');

await mkdir(dist, { recursive: true });
for (const name of await readdir(compiled)) {
  if (name.endsWith('.d.ts')) await copyFile(path.join(compiled, name), path.join(dist, name));
}
await build({
  entryPoints: [path.join(compiled, 'index.js')],
  outfile: path.join(dist, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  external: ['node:*'],  // loaded only in Node, by env.ts's dynamic import
  minify: true,
  keepNames: true,  // error and Tensor classes keep their names (e.name === BundleFormatError.name)
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`bundle-js: ${path.relative(root, compiled)}/*.js -> dist/index.js`);
