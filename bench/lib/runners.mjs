// The runtimes behind one interface: { label, run(batch), outputs(batch), dispose() }.
// All get the same float32 input arrays; run() is the public API call a user makes
// (inputs copied in, outputs copied out), awaited.
import { readFile } from 'node:fs/promises';
import { readOnnxGraph } from './onnx-reader.mjs';
import { ortWasmPaths, tfjsWasmPaths } from './paths.mjs';
import { buildTfjsModel } from './tfjs-model.mjs';

/** Bytes of a file as a Uint8Array over exactly the file's bytes (Node pools small buffers). */
export async function readBytes(file) {
  const buf = await readFile(file);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Sets ONNX Runtime Web to the single-threaded SIMD wasm backend, files from node_modules. */
export function configureOrt(ort) {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = ortWasmPaths;
  ort.env.logLevel = 'error';
}

export const ORT_SESSION_OPTIONS = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' };

/** inputs: Map batch -> { data: Float32Array, dims } shared by every runner. */
export async function qcompRunner(qcomp, label, file, inputs) {
  const bytes = await readBytes(file);
  const model = await qcomp.loadModel(bytes);
  const inputName = model.info.inputs[0].name;
  const outputName = model.info.outputs[0].name;
  const feeds = new Map([...inputs].map(([batch, x]) => [batch, { [inputName]: x }]));
  return {
    label,
    file,
    bundleBytes: bytes.byteLength,
    info: model.info,
    run: (batch) => model.run(feeds.get(batch)),
    outputs: async (batch) => (await model.run(feeds.get(batch)))[outputName].data,
    dispose: () => model.dispose(),
  };
}

export async function ortRunner(ort, label, file, inputs) {
  const bytes = await readBytes(file);
  const session = await ort.InferenceSession.create(bytes, ORT_SESSION_OPTIONS);
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const feeds = new Map([...inputs].map(([batch, x]) =>
    [batch, { [inputName]: new ort.Tensor('float32', x.data, x.dims) }]));
  return {
    label,
    file,
    bundleBytes: bytes.byteLength,
    run: (batch) => session.run(feeds.get(batch)),
    outputs: async (batch) => (await session.run(feeds.get(batch)))[outputName].data,
    dispose: () => session.release(),
  };
}

/** Imports TensorFlow.js core and its wasm backend: { tf, wasm }. */
export async function importTfjs() {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return { tf, wasm };
}

/** Sets TensorFlow.js to its wasm backend, 1 thread (SIMD when the engine has it), files from node_modules. */
export async function configureTfjs({ tf, wasm }) {
  wasm.setWasmPaths(tfjsWasmPaths);
  wasm.setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the wasm backend did not initialize');
  await tf.ready();
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('TensorFlow.js: wasm SIMD not available');
}

/**
 * The ONNX model rebuilt in tfjs ops from its initializers (tfjs-model.mjs); inputs NCHW float32.
 * `bytes`: the file's bytes when already in memory.
 */
export async function tfjsRunner({ tf }, label, file, inputs, bytes = undefined) {
  bytes ??= await readBytes(file);
  const model = buildTfjsModel(tf, readOnnxGraph(bytes));
  const run = async (x) => {
    const y = tf.tidy(() => model.forward(tf.tensor(x.data, x.dims, 'float32')));
    const data = await y.data();
    y.dispose();
    return data;
  };
  return {
    label,
    file,
    bundleBytes: bytes.byteLength,
    run: (batch) => run(inputs.get(batch)),
    outputs: (batch) => run(inputs.get(batch)),
    dispose: () => model.dispose(),
  };
}
