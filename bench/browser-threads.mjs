// Threads in Chromium: the single-thread build (qcomp.wasm, 1 thread) against the
// threaded build (qcomp-mt.wasm, N threads) on the same bundles, in one cross-origin
// isolated page (COOP/COEP headers), at batch 32 and batch 1. Warm-up by time, models
// interleaved round by round, medians; prints a markdown table with the command and
// the machine's load average before and after (timings on a loaded machine are noisy).
// Not a test: performance figures go to docs/BENCHMARKS.md.
// Usage: node bench/browser-threads.mjs [--models lenet300,lenet5] [--variants fp32,int8]
//          [--batches 32,1] [--threads 2] [--warmup-ms 2000] [--rounds 15] [--round-ms 100]
// Bundles: build/sweep/<model>/<variant>.qcb (bench/make-sweeps.sh) or build/models (scripts/convert-fixtures.sh).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, openHarness } from '../tests/browser/harness.mjs';
import { findBundle, repoRoot } from './lib/paths.mjs';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'lenet300,lenet5' },
    variants: { type: 'string', default: 'fp32,int8' },
    batches: { type: 'string', default: '32,1' },
    threads: { type: 'string', default: '2' },
    'warmup-ms': { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '15' },
    'round-ms': { type: 'string', default: '100' },
  },
});
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const threads = Number(args.threads);
const timing = { warmupMs: Number(args['warmup-ms']), rounds: Number(args.rounds), roundMs: Number(args['round-ms']) };
const loadText = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

const loadBefore = loadText();
const browser = await launchChromium();
const browserVersion = `Chromium ${browser.version()}`;
const harness = await openHarness(browser, { isolated: true });
const rows = [];
try {
  const env = await harness.page.evaluate(() => ({ isolated: window.harness.crossOriginIsolated, cores: window.harness.hardwareConcurrency }));
  if (!env.isolated) throw new Error('the harness page is not cross-origin isolated');
  for (const model of list(args.models)) {
    for (const variant of list(args.variants)) {
      const file = findBundle(model, variant);
      if (!file) {
        console.error(`skip ${model} ${variant}: no bundle (bash bench/make-sweeps.sh ${model}, or scripts/convert-fixtures.sh)`);
        continue;
      }
      const url = `../../${path.relative(repoRoot, file).split(path.sep).join('/')}`;
      const single = await harness.page.evaluate((u) => window.harness.load(u, { threads: 1 }), url);
      const multi = await harness.page.evaluate(([u, t]) => window.harness.load(u, { threads: t }), [url, threads]);
      if (multi.runtime.build !== 'pthreads' || multi.runtime.threads !== threads) {
        throw new Error(`expected the threaded build with ${threads} threads, got ${JSON.stringify(multi.runtime)}`);
      }
      for (const batch of list(args.batches).map(Number)) {
        const [one, many] = await harness.page.evaluate(([ids, b, t]) => window.harness.time(ids, b, t),
          [[single.id, multi.id], batch, timing]);
        rows.push({ model, variant, batch, one, many });
        console.error(`${model} ${variant} batch ${batch}: ${one.median.toFixed(3)} ms -> ${many.median.toFixed(3)} ms ` +
          `(${(one.median / many.median).toFixed(2)}x; best rounds ${(one.best / many.best).toFixed(2)}x)`);
      }
    }
  }
  if (harness.errors.length) throw harness.errors[0];
} finally {
  await harness.close();
  await browser.close();
}

const version = browserVersion;
console.log(`Command: \`${['node bench/browser-threads.mjs', ...process.argv.slice(2)].join(' ')}\``);
console.log(`${version}, ${os.cpus().length} cores, load average (1/5/15 min) ${loadBefore} before, ${loadText()} after.`);
console.log(`ms per run, median of ${timing.rounds} interleaved rounds (best round in parentheses: the least ` +
  `disturbed by other load); 1 thread = qcomp.wasm, ${threads} threads = qcomp-mt.wasm.\n`);
console.log(`| model | variant | batch | 1 thread (ms) | ${threads} threads (ms) | speed-up | speed-up, best rounds |`);
console.log('|---|---|---:|---:|---:|---:|---:|');
const ms = (t) => `${t.median.toFixed(3)} (${t.best.toFixed(3)})`;
for (const r of rows) {
  console.log(`| ${r.model} | ${r.variant} | ${r.batch} | ${ms(r.one)} | ${ms(r.many)} | ` +
    `${(r.one.median / r.many.median).toFixed(2)}x | ${(r.one.best / r.many.best).toFixed(2)}x |`);
}
