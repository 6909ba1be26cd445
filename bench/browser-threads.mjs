// Threads in Chromium: the single-thread build (qcomp.wasm, 1 thread) against the
// threaded build (qcomp-mt.wasm, N threads) on the same bundles, in one cross-origin
// isolated page (COOP/COEP headers), at batch 32 and batch 1. Warm-up by time, models
// interleaved round by round, medians; prints a markdown table with the command and
// the machine's load average before and after (timings on a loaded machine are noisy).
// Not a test: performance figures go to docs/BENCHMARKS.md.
// Usage: node bench/browser-threads.mjs [--models lenet300,lenet5] [--variants fp32,int8]
//          [--batches 32,1] [--threads 2] [--warmup-ms 2000] [--rounds 15] [--round-ms 100]
// Bundles: build/sweep/<model>/<variant>.qcb (bench/make-sweeps.sh) or build/models (scripts/convert-fixtures.sh).
import { readFileSync, readdirSync } from 'node:fs';
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

// CPU seconds used so far by Chromium's renderer processes (Linux /proc; NaN elsewhere).
// Over a stretch of threaded runs, CPU / wall time says how many cores the threads
// really got: on a machine busy with other work it can stay at 1 whatever we do.
const CLOCK_TICKS = 100;
function rendererCpuSeconds() {
  let total = 0;
  try {
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.includes('--type=renderer')) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      } catch { /* the process ended */ }
    }
  } catch {
    return Number.NaN;
  }
  return total;
}

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
        // Cores the threaded runs got: the threaded model alone for a while.
        const cpu0 = rendererCpuSeconds(), wall0 = performance.now();
        await harness.page.evaluate(([id, b]) => window.harness.time([id], b, { warmupMs: 100, rounds: 10, roundMs: 100 }),
          [multi.id, batch]);
        const cores = (rendererCpuSeconds() - cpu0) / ((performance.now() - wall0) / 1000);
        rows.push({ model, variant, batch, one, many, cores });
        console.error(`${model} ${variant} batch ${batch}: ${one.median.toFixed(3)} ms -> ${many.median.toFixed(3)} ms ` +
          `(${(one.median / many.median).toFixed(2)}x; best rounds ${(one.best / many.best).toFixed(2)}x; ${cores.toFixed(2)} cores)`);
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
  `disturbed by other load); 1 thread = qcomp.wasm, ${threads} threads = qcomp-mt.wasm; cores: CPU time / wall ` +
  `time of the renderer while the threaded model runs alone (${threads} = the threads got the cores they asked for).\n`);
console.log(`| model | variant | batch | 1 thread (ms) | ${threads} threads (ms) | speed-up | speed-up, best rounds | cores |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
const ms = (t) => `${t.median.toFixed(3)} (${t.best.toFixed(3)})`;
for (const r of rows) {
  console.log(`| ${r.model} | ${r.variant} | ${r.batch} | ${ms(r.one)} | ${ms(r.many)} | ` +
    `${(r.one.median / r.many.median).toFixed(2)}x | ${(r.one.best / r.many.best).toFixed(2)}x | ${r.cores.toFixed(2)} |`);
}
