// Steady-state latency of several bundles (variants of one model) under one or more
// builds of the package, all in one process and interleaved, with each variant's
// speed relative to the build's own `fp32` bundle (or the first one listed).
// Usage: node bench/compare-variants.mjs BATCH BUNDLE_DIR VARIANT[,VARIANT...] DIST_DIR [DIST_DIR ...]
//   e.g. node bench/compare-variants.mjs 1 build/sweep/lenet5 fp32,int8,cb4,cb3,auto dist /tmp/dist-base
// Loads BUNDLE_DIR/<variant>.qcb; input [BATCH, 1, 28, 28]. Timing as bench/compare-dists.mjs:
// 1.5 s warm-up each, then ROUNDS (default 40) rounds; a sample repeats run() until it lasts 3 ms.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleavedMedians } from './lib/timing.mjs';

const [batchArg, dir, names, ...dists] = process.argv.slice(2);
const batch = Number(batchArg);
if (!Number.isInteger(batch) || batch < 1 || !dir || !names || dists.length === 0) {
  console.error('usage: node bench/compare-variants.mjs BATCH BUNDLE_DIR VARIANT[,VARIANT...] DIST_DIR [DIST_DIR ...]');
  process.exit(2);
}
const x = new Float32Array(batch * 28 * 28);
for (let i = 0; i < x.length; i++) x[i] = (i % 29) / 29;
const runners = [];
for (const dist of dists) {
  const lib = await import(pathToFileURL(path.join(path.resolve(dist), 'index.js')).href);
  for (const name of names.split(',')) {
    const model = await lib.loadModel(new Uint8Array(await readFile(path.join(dir, `${name}.qcb`))));
    const feeds = { [model.info.inputs[0].name]: { data: x, dims: [batch, 1, 28, 28] } };
    runners.push({ dist, name, run: () => model.run(feeds) });
  }
}
const medians = await interleavedMedians(runners, { rounds: Number(process.env.ROUNDS ?? 40) });
runners.forEach((r, i) => { r.median = medians[i]; });
for (const dist of dists) {
  const own = runners.filter((r) => r.dist === dist);
  const base = (own.find((r) => r.name === 'fp32') ?? own[0]).median;
  console.log(`batch ${batch} ${dist}: ` + own.map((r) => {
    return `${r.name} ${r.median.toFixed(3)} ms (${(base / r.median).toFixed(2)}x)`;
  }).join(', '));
}
