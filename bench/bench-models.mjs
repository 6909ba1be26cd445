// Benchmark (not a test): our runtime on the fp32 bundle and its compressed variants
// vs ONNX Runtime Web (wasm EP, 1 thread, SIMD) on the same ONNX model and inputs,
// and TensorFlow.js (wasm backend, 1 thread, SIMD) running the same weights, in Node. Prints a markdown report (or JSON with --json). Usage: npm run bench [-- options]
//   --json                    JSON instead of markdown
//   --json-out FILE           also write the JSON report to FILE
//   --models a,b              default lenet300,lenet5
//   --variants a,b            default fp32,f16,int8,q4,cb4,cb3,cb2,auto (those whose bundle exists)
//   --batches 1,32            batch sizes
//   --warmup-ms N             warm-up per runner per batch size (default 2000)
//   --rounds N                interleaved samples per runner (default 60)
//   --min-sample-ms N         a sample repeats run() until it lasts this long (default 2)
//   --cold-reps N             fresh processes per cold-start job (default 5; 0 skips)
//   --no-sizes                skip the artifact sizes
//   --no-tfjs                 skip TensorFlow.js
// Bundles come from build/sweep/<model>/<variant>.qcb (qcomp sweep), else build/models/.
// QCOMP_DIST=dir benchmarks a copy of dist/ elsewhere instead of the package's own dist/.
import os from 'node:os';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadFashionSubset, inputBatch, argmaxRows } from '../js/demo/fashion_data.mjs';
import { measureColdStarts } from './lib/cold-start.mjs';
import { markdownReport } from './lib/format.mjs';
import {
  distDir, findBundle, onnxPath, ortDistDir, qcompEntry, repoRoot, sweepReportPath, tfjsCoreDistDir, tfjsWasmDistDir,
} from './lib/paths.mjs';
import { configureOrt, configureTfjs, importTfjs, ortRunner, qcompRunner, tfjsRunner } from './lib/runners.mjs';
import { artifactSizes, fileSizes } from './lib/sizes.mjs';
import { interleavedRounds, warmUp } from './lib/timing.mjs';

const ALL_VARIANTS = ['fp32', 'f16', 'int8', 'q4', 'cb4', 'cb3', 'cb2', 'auto'];

function parseArgs(argv) {
  const opts = {
    json: false, models: ['lenet300', 'lenet5'], variants: ALL_VARIANTS, batches: [1, 32],
    warmupMs: 2000, rounds: 60, minSampleMs: 2, coldReps: 5, sizes: true, tfjs: true, jsonOut: undefined,
  };
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
  const num = (flag, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a non-negative number, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--no-sizes') opts.sizes = false;
    else if (a === '--no-tfjs') opts.tfjs = false;
    else if (a === '--json-out') opts.jsonOut = argv[++i];
    else if (a === '--models') opts.models = list(argv[++i] ?? '');
    else if (a === '--variants') opts.variants = list(argv[++i] ?? '');
    else if (a === '--batches') opts.batches = list(argv[++i] ?? '').map((b) => num('--batches', b));
    else if (a === '--warmup-ms') opts.warmupMs = num(a, argv[++i]);
    else if (a === '--rounds') opts.rounds = Math.max(1, Math.round(num(a, argv[++i])));
    else if (a === '--min-sample-ms') opts.minSampleMs = num(a, argv[++i]);
    else if (a === '--cold-reps') opts.coldReps = Math.round(num(a, argv[++i]));
    else throw new Error(`unknown option ${a} (see the header of bench/bench-models.mjs)`);
  }
  if (!opts.variants.includes('fp32')) opts.variants = ['fp32', ...opts.variants];
  return opts;
}

const log = (msg) => process.stderr.write(`${msg}\n`);

function packageVersion(dir) {
  return JSON.parse(readFileSync(path.join(dir, '..', 'package.json'), 'utf8')).version;
}

function machineInfo(ortVersion, tfjsVersion) {
  const cpus = os.cpus();
  return {
    node: process.versions.node, v8: process.versions.v8, cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown', platform: `${os.type()} ${os.release()} ${os.arch()}`,
    ort: ortVersion, tfjs: tfjsVersion,
  };
}

/** Accuracy etc. by variant name from a sweep's variants.json, when there is one. */
function sweepResults(model) {
  const file = sweepReportPath(model);
  if (!existsSync(file)) return new Map();
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return new Map((report.variants ?? []).map((v) => [v.name, v]));
}

/** Float32 inputs [B, 1, 28, 28] from the Fashion-MNIST subset, pixel / 255 (the fixtures' preprocessing). */
async function makeInputs(batches) {
  const subset = await loadFashionSubset(repoRoot);
  const table = new Float32Array(256).map((_, p) => Math.fround(p / 255));
  return new Map(batches.map((b) => [b, inputBatch(subset, table, 0, b)]));
}

// TF.js runs the same fp32 weights as ORT: only the summation order differs.
const TFJS_MAX_DIFF = 1e-4;

/** Agreement of each runner's argmax with ORT's on the largest batch; fails if our fp32 or TF.js is off. */
async function sanityCheck(runners, ort, batch) {
  const want = await ort.outputs(batch);
  const wantArgmax = argmaxRows(want, want.length / batch);
  const notes = [];
  for (const r of runners) {
    if (r === ort) continue;
    const got = await r.outputs(batch);
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    const gotArgmax = argmaxRows(got, got.length / batch);
    const agree = gotArgmax.filter((c, i) => c === wantArgmax[i]).length;
    if (r.variant === 'fp32' && !(maxDiff <= 1e-3)) {
      throw new Error(`${r.label}: logits differ from ONNX Runtime by ${maxDiff} on the batch of ${batch}`);
    }
    if (r.runtime === 'tfjs' && !(maxDiff <= TFJS_MAX_DIFF)) {
      throw new Error(`${r.label}: logits differ from ONNX Runtime by ${maxDiff} (> ${TFJS_MAX_DIFF}) on the batch of ${batch}`);
    }
    notes.push(`${r.label}: max |logit − ORT| ${maxDiff.toExponential(1)}, argmax agrees on ${agree}/${batch}`);
  }
  return `Sanity (same ${batch} images): ${notes.join('; ')}.`;
}

async function benchModel(name, opts, libs, inputs) {
  const sweep = sweepResults(name);
  const runners = [];
  const failures = [];
  for (const variant of opts.variants) {
    const file = findBundle(name, variant);
    if (!file) {
      log(`${name}: no ${variant} bundle (build/sweep/${name}/${variant}.qcb or build/models/); skipped`);
      continue;
    }
    try {
      const r = await qcompRunner(libs.qcomp, `qcomp ${variant}`, file, inputs);
      Object.assign(r, { runtime: 'qcomp', variant, accuracy: sweep.get(variant)?.accuracy });
      runners.push(r);
    } catch (e) {
      if (variant === 'fp32') throw e;
      log(`${name}: cannot run ${path.relative(repoRoot, file)}: ${e.message}; skipped`);
      failures.push(`${variant}: ${e.message}`);
    }
  }
  const ort = await ortRunner(libs.ort, 'ORT Web fp32 (ONNX)', onnxPath(name), inputs);
  Object.assign(ort, { runtime: 'ort', variant: 'fp32', accuracy: sweep.get('fp32')?.accuracy });
  runners.push(ort);
  if (libs.tfjs) {
    const tfjs = await tfjsRunner(libs.tfjs, 'TF.js wasm fp32 (ONNX weights)', onnxPath(name), inputs);
    Object.assign(tfjs, { runtime: 'tfjs', variant: 'fp32', accuracy: sweep.get('fp32')?.accuracy });
    runners.push(tfjs);
  }

  const sanity = await sanityCheck(runners, ort, Math.max(...opts.batches));
  const latency = runners.map(() => ({}));
  for (const batch of opts.batches) {
    const estimates = [];
    for (const r of runners) {
      log(`${name} batch ${batch}: warming up ${r.label} for ${opts.warmupMs} ms`);
      estimates.push(await warmUp(r, batch, opts.warmupMs));
    }
    log(`${name} batch ${batch}: ${opts.rounds} interleaved rounds over ${runners.length} runners`);
    const stats = await interleavedRounds(runners, batch, { rounds: opts.rounds, minSampleMs: opts.minSampleMs, estimates });
    stats.forEach((s, i) => { latency[i][batch] = s; });
  }
  const rows = runners.map((r, i) => ({
    label: r.label, runtime: r.runtime, variant: r.variant, file: path.relative(repoRoot, r.file),
    bundleBytes: r.bundleBytes, accuracy: r.accuracy, latency: latency[i],
  }));
  for (const r of runners) await r.dispose();
  return { name, batches: opts.batches, rows, sanity, failures };
}

/** Cold-start jobs: our fp32 and q4 bundles (those the latency runs could load) and ORT on the ONNX. */
function coldStartJobs(models) {
  const jobs = [];
  for (const model of models) {
    for (const row of model.rows) {
      if (row.runtime === 'qcomp' && (row.variant === 'fp32' || row.variant === 'q4')) {
        jobs.push({ model: model.name, label: row.label, kind: 'qcomp', file: path.join(repoRoot, row.file) });
      }
    }
    jobs.push({ model: model.name, label: 'ORT Web fp32 (ONNX)', kind: 'ort', file: onnxPath(model.name) });
    if (model.rows.some((r) => r.runtime === 'tfjs')) {
      jobs.push({ model: model.name, label: 'TF.js wasm fp32 (ONNX weights)', kind: 'tfjs', file: onnxPath(model.name) });
    }
  }
  return jobs;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const qcomp = await import(qcompEntry);
  const ort = (await import('onnxruntime-web')).default;
  configureOrt(ort);
  const ortVersion = packageVersion(ortDistDir);
  let tfjs;
  if (opts.tfjs) {
    tfjs = await importTfjs();
    await configureTfjs(tfjs);
  }
  const tfjsVersion = opts.tfjs ? packageVersion(tfjsWasmDistDir) : undefined;
  const inputs = await makeInputs(opts.batches);

  const report = {
    date: new Date().toISOString(), command: `node bench/bench-models.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(ortVersion, tfjsVersion),
    settings: { warmupMs: opts.warmupMs, rounds: opts.rounds, minSampleMs: opts.minSampleMs, coldReps: opts.coldReps },
    models: [], coldStarts: [], sizes: [],
  };
  for (const name of opts.models) report.models.push(await benchModel(name, opts, { qcomp, ort, tfjs }, inputs));

  if (opts.coldReps > 0) {
    const jobs = coldStartJobs(report.models);
    log(`cold starts: ${jobs.length} jobs x ${opts.coldReps} fresh processes`);
    report.coldStarts = measureColdStarts(jobs, opts.coldReps).map((c, i) => ({ model: jobs[i].model, ...c,
      file: path.relative(repoRoot, c.file) }));
  }
  if (opts.sizes) {
    log('artifact sizes (brotli 11 of ORT\'s .wasm is slow the first time; cached in build/bench/)');
    // The single-thread runtime, and what a cross-origin isolated page loads on top for threads.
    const threaded = (n) => n.startsWith('qcomp-mt.');
    report.sizes.push({ runtime: 'qcomp', ...artifactSizes(distDir, (n) => /\.(wasm|wasm\.gz|m?js)$/.test(n) && !threaded(n)) });
    report.sizes.push({ runtime: 'qcomp threaded build (extra)', ...artifactSizes(distDir, threaded) });
    report.sizes.push({ runtime: 'ORT Web (wasm EP)', ...artifactSizes(ortDistDir,
      (n) => n === 'ort-wasm-simd-threaded.wasm' || n === 'ort-wasm-simd-threaded.mjs' || n === 'ort.wasm.min.mjs') });
    if (opts.tfjs) {
      // What a page loads for single-threaded SIMD: core + wasm backend bundles and the SIMD .wasm.
      report.sizes.push({ runtime: 'TF.js (wasm backend)', ...fileSizes([
        path.join(tfjsCoreDistDir, 'tf-core.min.js'), path.join(tfjsWasmDistDir, 'tf-backend-wasm.min.js'),
        path.join(tfjsWasmDistDir, 'tfjs-backend-wasm-simd.wasm')]) });
    }
  }
  if (opts.jsonOut) writeFileSync(opts.jsonOut, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${markdownReport(report)}\n`);
}

main().catch((e) => {
  console.error(`bench: ${e?.stack ?? e}`);
  process.exit(1);
});
