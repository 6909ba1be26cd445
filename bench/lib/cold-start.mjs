// Cold start: each sample is a fresh Node process (nothing compiled or cached),
// the jobs interleaved across repetitions; medians per job.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quantile } from './timing.mjs';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cold-start-child.mjs');

function oneColdStart(kind, file) {
  const r = spawnSync(process.execPath, [child, kind, file], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    const lines = (r.stderr || r.error?.message || '').trim().split('\n');
    const why = lines.find((l) => /Error/.test(l)) ?? lines.slice(-3).join(' | ');
    throw new Error(`cold start of ${kind} on ${file} failed (exit ${r.status}): ${why}`);
  }
  const line = r.stdout.trim().split('\n').pop();
  return JSON.parse(line);
}

/** jobs: [{ label, kind: 'qcomp'|'ort', file }] -> [{ label, importMs, firstResultMs, totalMs }] medians. */
export function measureColdStarts(jobs, reps) {
  const samples = jobs.map(() => []);
  for (let r = 0; r < reps; r++) {
    jobs.forEach((job, i) => samples[i].push(oneColdStart(job.kind, job.file)));
  }
  return jobs.map((job, i) => {
    const med = (key) => quantile(samples[i].map((s) => s[key]).sort((a, b) => a - b), 0.5);
    const totals = samples[i].map((s) => s.importMs + s.firstResultMs).sort((a, b) => a - b);
    return { label: job.label, file: job.file, importMs: med('importMs'), firstResultMs: med('firstResultMs'),
      totalMs: quantile(totals, 0.5), samples: samples[i].length };
  });
}
