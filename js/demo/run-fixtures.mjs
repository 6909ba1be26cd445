#!/usr/bin/env node
// Runs every converted fixture bundle (build/models/*.qcb, or the bundles named on
// the command line) through the public package API on the bundled 1,000-image
// Fashion-MNIST subset and prints bundle size, accuracy and batch-1 latency.
//   npm run build && node js/demo/run-fixtures.mjs [bundle.qcb ...]
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadModel } from 'qcomp-wasm';
import { argmaxRows, inputBatch, loadFashionSubset, makePreprocessor } from './fashion_data.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BATCH = 100;
const WARMUP_MS = 1000;
const MIN_TIMED_RUNS = 50;
const MIN_TIMED_MS = 500;

function bundlesToRun() {
  const named = process.argv.slice(2);
  if (named.length > 0) return named.map((f) => path.resolve(f));
  const dir = path.join(repoRoot, 'build', 'models');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.qcb')).sort().map((f) => path.join(dir, f));
}

async function accuracyOf(model, subset, table) {
  const input = model.info.inputs[0].name;
  const output = model.info.outputs[0].name;
  let correct = 0;
  for (let start = 0; start < subset.count; start += BATCH) {
    const count = Math.min(BATCH, subset.count - start);
    const logits = (await model.run({ [input]: inputBatch(subset, table, start, count) }))[output];
    const classes = logits.data.length / count;
    argmaxRows(logits.data, classes).forEach((c, i) => { if (c === subset.labels[start + i]) correct++; });
  }
  return correct / subset.count;
}

/** Median batch-1 latency in ms after a time-based warm-up. */
async function medianLatency(model, subset, table) {
  const input = model.info.inputs[0].name;
  const feeds = (i) => ({ [input]: inputBatch(subset, table, i % subset.count, 1) });
  const prepared = Array.from({ length: 64 }, (_, i) => feeds(i));
  const warmupEnd = performance.now() + WARMUP_MS;
  for (let i = 0; performance.now() < warmupEnd; i++) await model.run(prepared[i % prepared.length]);
  const times = [];
  const timedStart = performance.now();
  while (times.length < MIN_TIMED_RUNS || performance.now() - timedStart < MIN_TIMED_MS) {
    const feed = prepared[times.length % prepared.length];
    const t0 = performance.now();
    await model.run(feed);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return { median: times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2, runs: times.length };
}

function fitsSubset(info, subset) {
  const dims = info.inputs[0]?.dims ?? [];
  const want = [1, subset.height, subset.width];
  return info.inputs.length === 1 && dims.length === 4 && want.every((d, i) => dims[i + 1] === d || dims[i + 1] < 0);
}

async function main() {
  const bundles = bundlesToRun();
  if (bundles.length === 0) {
    console.error('no bundles: convert the fixtures first, e.g.\n  build/native/qcomp convert models/lenet5.onnx -o build/models/lenet5.qcb ' +
      '--labels models/data/labels.txt --preprocess scale=0.00392156862745098,mean=0,std=1');
    process.exit(1);
  }
  const subset = await loadFashionSubset(repoRoot);
  const rows = [];
  for (const file of bundles) {
    const model = await loadModel(file);
    try {
      const { info } = model;
      const name = info.name || path.basename(file, '.qcb');
      if (!fitsSubset(info, subset)) {
        rows.push([name, info.bundleBytes, '(not a 28x28 classifier)', '', '']);
        continue;
      }
      const table = makePreprocessor(info.preprocess);
      const accuracy = await accuracyOf(model, subset, table);
      const latency = await medianLatency(model, subset, table);
      rows.push([name, info.bundleBytes, `${(accuracy * 100).toFixed(1)}%`, latency.median.toFixed(3), String(latency.runs)]);
    } finally {
      model.dispose();
    }
  }
  printTable(['model', 'bundle bytes', `accuracy (${subset.count} images)`, 'median ms (batch 1)', 'timed runs'], rows);
}

function printTable(header, rows) {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

main().catch((e) => {
  console.error(`${e.name ?? 'Error'}: ${e.message}`);
  process.exit(1);
});
