// Kernel microbenchmarks (not a test): runs build/native/bench/kernels/qcomp_kernel_bench
// (SIMDe) and its wasm build (SIMD128, in Node, 1 thread) one after the other and
// prints a markdown report (or JSON): the SIMD peak per thread, and per GEMM shape
// every qgemm.inc kernel row (SIMD and reference) and the dense fp32 reference Gemm
// in GFLOP/s (f32 activations) or GOP/s (int8; 1 MAC = 2 ops), with the fraction of
// the wasm peak and the targets (fp32 GEMM >= 75 % of the f32x4 peak, int8 GEMM >=
// 70 % of the dot_i16x8 peak). Usage: node bench/kernels.mjs [options] [-- bench options]
//   --platforms native,wasm   default both (those that are built)
//   --json / --json-out FILE
// Options after `--` go to the benchmark binary (bench/kernels/main.cc), e.g.
//   -- --shapes 256x256x256 --kernels i8 --no-ref --warmup-ms 500 --samples 21
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelMarkdown } from './lib/kernel-format.mjs';
import { repoRoot } from './lib/paths.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const kernelBenchBinaries = {
  native: path.join(repoRoot, 'build', 'native', 'bench', 'kernels', 'qcomp_kernel_bench'),
  wasm: path.join(repoRoot, 'build', 'wasm', 'bench', 'kernels', 'qcomp_kernel_bench.cjs'),
};

function runOne(platform, args) {
  const bin = kernelBenchBinaries[platform];
  const [cmd, argv] = platform === 'wasm'
    ? [process.execPath, [path.join(here, 'lib', 'kernel-bench-wasm.mjs'), bin, ...args]]
    : [bin, args];
  process.stderr.write(`kernel bench: ${platform} (${path.relative(repoRoot, bin)} ${args.join(' ')})\n`);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`kernel bench (${platform}) failed with exit ${r.status}${r.error ? `: ${r.error.message}` : ''}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/** Runs the benchmark on each platform: { date, command, platforms: { native: [records], wasm: [records] } }. */
export function runKernelBench({ platforms = ['native', 'wasm'], args = [], command } = {}) {
  const report = { date: new Date().toISOString(), command, platforms: {} };
  for (const p of platforms) {
    if (!existsSync(kernelBenchBinaries[p])) {
      process.stderr.write(`kernel bench: ${path.relative(repoRoot, kernelBenchBinaries[p])} is not built; ${p} skipped\n`);
      continue;
    }
    report.platforms[p] = runOne(p, args);
  }
  if (Object.keys(report.platforms).length === 0) {
    throw new Error('kernel bench: nothing built (cmake --build build/native --target qcomp_kernel_bench, and the same in build/wasm)');
  }
  return report;
}

function parseArgs(argv) {
  const opts = { platforms: ['native', 'wasm'], json: false, jsonOut: undefined, args: [] };
  const sep = argv.indexOf('--');
  if (sep >= 0) {
    opts.args = argv.slice(sep + 1);
    argv = argv.slice(0, sep);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--json-out') opts.jsonOut = argv[++i];
    else if (a === '--platforms') opts.platforms = (argv[++i] ?? '').split(',').filter(Boolean);
    else throw new Error(`unknown option ${a} (see the header of bench/kernels.mjs)`);
  }
  for (const p of opts.platforms) if (!(p in kernelBenchBinaries)) throw new Error(`unknown platform ${p}`);
  return opts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const report = runKernelBench({ ...opts, command: `node bench/kernels.mjs ${process.argv.slice(2).join(' ')}`.trim() });
    if (opts.jsonOut) writeFileSync(opts.jsonOut, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${kernelMarkdown(report)}\n`);
  } catch (e) {
    console.error(`bench/kernels: ${e?.stack ?? e}`);
    process.exit(1);
  }
}
