// Puts the wasm runtimes into dist/, next to the bundled TypeScript:
// build/wasm/qcomp.wasm (single-thread, a standalone module driven by js/src/wasm.ts)
// and the pthreads build qcomp-mt.wasm with its Emscripten glue (qcomp-mt.mjs, which
// js/src/wasm.ts imports, and qcomp-mt.worker.js, which it starts as Web Workers).
// The two modules are stored gzipped (qcomp.wasm.gz, qcomp-mt.wasm.gz; deterministic:
// zlib level 9, no file name, mtime 0): raw, they alone would take the package past its
// 500 KB budget. js/src/wasm.ts inflates them with DecompressionStream.
// Usage: node scripts/copy-wasm.mjs [wasm build dir]   (default: build/wasm)
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { constants, gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.resolve(root, process.argv[2] ?? process.env.QCOMP_WASM_DIR ?? 'build/wasm');
const dist = path.join(root, 'dist');

const gzipped = ['qcomp.wasm', 'qcomp-mt.wasm'];
const copied = ['qcomp-mt.mjs', 'qcomp-mt.worker.js'];

async function read(name) {
  const from = path.join(buildDir, name);
  try {
    return await readFile(from);
  } catch {
    console.error(`copy-wasm: ${path.relative(root, from)} is missing; build the wasm runtime first:\n` +
      '  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release && cmake --build build/wasm -j2');
    process.exit(1);
  }
}

await mkdir(dist, { recursive: true });
for (const name of gzipped) {
  const bytes = await read(name);
  const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
  await writeFile(path.join(dist, `${name}.gz`), gz);
  await rm(path.join(dist, name), { force: true });  // left by builds before the modules were gzipped
  console.log(`copy-wasm: ${path.relative(root, path.join(buildDir, name))} (${bytes.byteLength} B) -> dist/${name}.gz (${gz.byteLength} B)`);
}
for (const name of copied) {
  await read(name);
  await copyFile(path.join(buildDir, name), path.join(dist, name));
  console.log(`copy-wasm: ${path.relative(root, path.join(buildDir, name))} -> dist/${name}`);
}
