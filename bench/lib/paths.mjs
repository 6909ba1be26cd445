// Where the benchmark finds things: the repository, the bundles, ONNX Runtime Web.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// QCOMP_DIST=dir benchmarks another build of the package (e.g. a scratch copy of dist/).
export const distDir = process.env.QCOMP_DIST ? path.resolve(process.env.QCOMP_DIST) : path.join(repoRoot, 'dist');
/** What to import() for our runtime: the package itself, or QCOMP_DIST/index.js. */
export const qcompEntry = process.env.QCOMP_DIST ? pathToFileURL(path.join(distDir, 'index.js')).href : 'qcomp-wasm';
export const ortDistDir = path.join(repoRoot, 'node_modules', 'onnxruntime-web', 'dist');
/** ort.env.wasm.wasmPaths: a directory URL ending in '/'. */
export const ortWasmPaths = pathToFileURL(ortDistDir + path.sep).href;

export const tfjsWasmDistDir = path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
export const tfjsCoreDistDir = path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-core', 'dist');
/** setWasmPaths() prefix: a plain directory path ending in '/' (Node reads the .wasm with fs). */
export const tfjsWasmPaths = tfjsWasmDistDir + path.sep;

export function onnxPath(model) {
  return path.join(repoRoot, 'models', `${model}.onnx`);
}

/** Candidate locations of a variant's bundle, best first: a sweep's output, then build/models. */
function bundleCandidates(model, variant) {
  const sweep = path.join(repoRoot, 'build', 'sweep', model);
  const models = path.join(repoRoot, 'build', 'models');
  const list = [path.join(sweep, `${variant}.qcb`)];
  if (variant === 'fp32') list.push(path.join(models, `${model}.qcb`));
  list.push(path.join(models, `${model}-${variant}.qcb`));
  return list;
}

/** The bundle file of `variant` ('fp32', 'int8', 'q4', ...) of `model`, or undefined. */
export function findBundle(model, variant) {
  return bundleCandidates(model, variant).find((f) => existsSync(f));
}

export function sweepReportPath(model) {
  return path.join(repoRoot, 'build', 'sweep', model, 'variants.json');
}
