// Latency measurement: warm-up by time, then interleaved rounds over all runners
// so that machine noise (other processes, thermal state) hits every runner alike.
import { performance } from 'node:perf_hooks';

/** Runs `runner` for at least `ms` milliseconds; returns the mean ms per run over the second half. */
export async function warmUp(runner, batch, ms) {
  const start = performance.now();
  let runs = 0;
  let tailStart = NaN;
  let tailRuns = 0;
  for (;;) {
    await runner.run(batch);
    runs++;
    const now = performance.now();
    if (now - start >= ms && runs >= 4) return tailRuns > 0 ? (now - tailStart) / tailRuns : (now - start) / runs;
    if (Number.isNaN(tailStart)) {
      if (now - start >= ms / 2) tailStart = now;
    } else {
      tailRuns++;
    }
  }
}

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * `rounds` rounds; in each, every runner takes one sample (in a rotated order).
 * A sample times `reps[i]` back-to-back runs so it lasts at least ~minSampleMs.
 * Returns per runner { median, p10, p90, samples, repsPerSample } in ms per run.
 */
export async function interleavedRounds(runners, batch, { rounds, minSampleMs, estimates }) {
  const reps = runners.map((_, i) => Math.max(1, Math.ceil(minSampleMs / Math.max(estimates[i], 1e-3))));
  const samples = runners.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < runners.length; j++) {
      const i = (j + r) % runners.length;
      const t0 = performance.now();
      for (let k = 0; k < reps[i]; k++) await runners[i].run(batch);
      samples[i].push((performance.now() - t0) / reps[i]);
    }
  }
  return samples.map((s, i) => {
    const sorted = [...s].sort((a, b) => a - b);
    return {
      median: quantile(sorted, 0.5),
      p10: quantile(sorted, 0.1),
      p90: quantile(sorted, 0.9),
      samples: s.length,
      repsPerSample: reps[i],
    };
  });
}

/**
 * The quick A/B timing of compare-dists / compare-variants: each runner (`{ run }`) runs
 * for `warmupMs`, then `rounds` interleaved rounds in which a sample repeats run() until
 * it lasts `sampleMs`; sets `runner.samples` (ms per run) and returns the medians.
 */
export async function interleavedMedians(runners, { warmupMs = 1500, rounds = 40, sampleMs = 3 } = {}) {
  const now = () => performance.now();
  for (const r of runners) {
    const t = now();
    while (now() - t < warmupMs) await r.run();
    r.samples = [];
  }
  for (let round = 0; round < rounds; round++) {
    for (const r of runners) {
      let n = 0;
      const t = now();
      do {
        await r.run();
        n++;
      } while (now() - t < sampleMs);
      r.samples.push((now() - t) / n);
    }
  }
  return runners.map((r) => [...r.samples].sort((p, q) => p - q)[r.samples.length >> 1]);
}
