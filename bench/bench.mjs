// `npm run bench`: the model benchmark (bench/bench-models.mjs) and the kernel
// benchmark (bench/kernels.mjs), one after the other, as one markdown report that
// starts with the command that produced it (ready for docs/BENCHMARKS.md).
//   npm run bench -- [bench-models options] [--kernel-bench [kernel options]]
//   --skip-models / --skip-kernels   run only one part
// Everything after --kernel-bench goes to bench/kernels.mjs (its `-- ...` part to
// the benchmark binary), e.g. npm run bench -- --models lenet300 --kernel-bench -- --no-ref
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let argv = process.argv.slice(2);
let kernelArgs = [];
const marker = argv.indexOf('--kernel-bench');
if (marker >= 0) {
  kernelArgs = argv.slice(marker + 1);
  argv = argv.slice(0, marker);
}
const skip = (flag) => {
  const i = argv.indexOf(flag);
  if (i < 0) return false;
  argv.splice(i, 1);
  return true;
};
const skipModels = skip('--skip-models');
const skipKernels = skip('--skip-kernels');

function run(script, args) {
  const r = spawnSync(process.execPath, [path.join(here, script), ...args],
    { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    console.error(`bench: ${script} failed (exit ${r.status})`);
    process.exit(1);
  }
  return r.stdout.trim();
}

const all = process.argv.slice(2).join(' ');
const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${all ? ` -- ${all}` : ''}`
  : `node bench/bench.mjs${all ? ` ${all}` : ''}`;
const cpus = os.cpus();
const out = [`Command \`${command}\`, ${new Date().toISOString()}. Machine: ${cpus.length} × ${cpus[0]?.model?.trim()}, ` +
  `${os.type()} ${os.release()} ${os.arch()}, Node ${process.versions.node} (V8 ${process.versions.v8}).`];
if (!skipModels) out.push('', run('bench-models.mjs', argv));
if (!skipKernels) out.push('\n### Kernel microbenchmarks\n', run('kernels.mjs', kernelArgs));
process.stdout.write(`${out.join('\n')}\n`);
