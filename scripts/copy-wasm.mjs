// Copies the wasm runtime (build/wasm/qcomp.wasm, a standalone module driven by
// js/src/wasm.ts) into dist/, next to the compiled TypeScript.
// Usage: node scripts/copy-wasm.mjs [wasm build dir]   (default: build/wasm)
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.resolve(root, process.argv[2] ?? process.env.QCOMP_WASM_DIR ?? 'build/wasm');
const dist = path.join(root, 'dist');

const copies = [
  [path.join(buildDir, 'qcomp.wasm'), path.join(dist, 'qcomp.wasm')],
];

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
