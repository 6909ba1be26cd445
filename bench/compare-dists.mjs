// Steady-state latency of two or more builds of the package side by side in one
// process (each dist/ copy brings its own runtime instance), interleaved so load
// spikes hit all of them. For checking that a build change keeps the speed.
// Usage: node bench/compare-dists.mjs BUNDLE.qcb BATCH DIST_DIR [DIST_DIR ...]
// Prints the median ms per run() call of each dist (1.5 s warm-up each, then 40
// rounds; a sample repeats run() until it lasts 3 ms). Input: [BATCH, 1, 28, 28].
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleavedMedians } from './lib/timing.mjs';

const [file, batchArg, ...dists] = process.argv.slice(2);
const batch = Number(batchArg);
if (!file || !Number.isInteger(batch) || batch < 1 || dists.length === 0) {
  console.error('usage: node bench/compare-dists.mjs BUNDLE.qcb BATCH DIST_DIR [DIST_DIR ...]');
  process.exit(2);
}
const bytes = new Uint8Array(await readFile(file));
const x = new Float32Array(batch * 28 * 28);
for (let i = 0; i < x.length; i++) x[i] = (i % 29) / 29;
const runners = [];
for (const dist of dists) {
  const lib = await import(pathToFileURL(path.join(path.resolve(dist), 'index.js')).href);
  const model = await lib.loadModel(bytes.slice());
  const feeds = { [model.info.inputs[0].name]: { data: x, dims: [batch, 1, 28, 28] } };
  runners.push({ dist, run: () => model.run(feeds) });
}
const medians = await interleavedMedians(runners);
console.log(`${path.basename(path.dirname(file))}/${path.basename(file)} batch ${batch}: ` +
  runners.map((r, i) => `${r.dist} ${medians[i].toFixed(3)} ms`).join(', '));
