// One cold start in a fresh process: node cold-start-child.mjs qcomp|ort|tfjs MODEL_FILE
// Prints one JSON line: { importMs, firstResultMs } where firstResultMs runs from
// "model bytes in memory, library imported" to the first result of a batch-1 run
// (runtime .wasm read + compile + instantiate, model load, first run). For tfjs the
// import is tfjs-core + the wasm backend, and the rest includes the backend's init
// and building the model from the ONNX initializers.
import { performance } from 'node:perf_hooks';
import { qcompEntry } from './paths.mjs';
import { readBytes, configureOrt, configureTfjs, importTfjs, ORT_SESSION_OPTIONS, tfjsRunner } from './runners.mjs';

const [kind, file] = process.argv.slice(2);
if (!['qcomp', 'ort', 'tfjs'].includes(kind) || !file) {
  console.error('usage: node cold-start-child.mjs qcomp|ort|tfjs MODEL_FILE');
  process.exit(2);
}
const bytes = await readBytes(file);
const x = new Float32Array(28 * 28);
for (let i = 0; i < x.length; i++) x[i] = (i % 29) / 29;
const dims = [1, 1, 28, 28];

const importStart = performance.now();
const importers = {
  qcomp: () => import(qcompEntry),
  ort: async () => (await import('onnxruntime-web')).default,
  tfjs: importTfjs,
};
const lib = await importers[kind]();
const start = performance.now();
let first;
if (kind === 'qcomp') {
  const model = await lib.loadModel(bytes);
  const out = await model.run({ [model.info.inputs[0].name]: { data: x, dims } });
  first = out[model.info.outputs[0].name].data[0];
} else if (kind === 'tfjs') {
  await configureTfjs(lib);
  const runner = await tfjsRunner(lib, 'tfjs', file, new Map([[1, { data: x, dims }]]), bytes);
  first = (await runner.outputs(1))[0];
} else {
  configureOrt(lib);
  const session = await lib.InferenceSession.create(bytes, ORT_SESSION_OPTIONS);
  const out = await session.run({ [session.inputNames[0]]: new lib.Tensor('float32', x, dims) });
  first = out[session.outputNames[0]].data[0];
}
const end = performance.now();
if (!Number.isFinite(first)) throw new Error(`${kind} ${file}: first logit is ${first}`);
console.log(JSON.stringify({ importMs: start - importStart, firstResultMs: end - start }));
