// Copies the wasm runtimes into dist/, next to the bundled TypeScript:
// build/wasm/qcomp.wasm (single-thread, a standalone module driven by js/src/wasm.ts)
// and the pthreads build qcomp-mt.wasm with its Emscripten glue (qcomp-mt.mjs, which
// js/src/wasm.ts imports, and qcomp-mt.worker.js, which it starts as Web Workers).
// Usage: node scripts/copy-wasm.mjs [wasm build dir]   (default: build/wasm)
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.resolve(root, process.argv[2] ?? process.env.QCOMP_WASM_DIR ?? 'build/wasm');
const dist = path.join(root, 'dist');

const copies = ['qcomp.wasm', 'qcomp-mt.wasm', 'qcomp-mt.mjs', 'qcomp-mt.worker.js']
  .map((name) => [path.join(buildDir, name), path.join(dist, name)]);

await mkdir(dist, { recursive: true });
for (const [from, to] of copies) {
  try {
    await stat(from);
  } catch {
    console.error(`copy-wasm: ${path.relative(root, from)} is missing; build the wasm runtime first:\n` +
      '  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release && cmake --build build/wasm -j2');
    process.exit(1);
  }
  await copyFile(from, to);
  console.log(`copy-wasm: ${path.relative(root, from)} -> ${path.relative(root, to)}`);
}
