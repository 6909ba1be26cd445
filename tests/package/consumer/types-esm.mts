// Type-checked against the installed package's declarations (import condition).
import { loadModel, Tensor, ShapeError, imageToTensor } from 'qcomp-wasm';
import type { Model, ModelInfo, Prediction, Progress, LoadOptions } from 'qcomp-wasm';

const options: LoadOptions = { threads: 'auto', cache: 'models', worker: false, onProgress: (p: Progress) => p.loaded };
const model: Model = await loadModel('lenet5.qcb', options);
const info: ModelInfo = model.info;
const out = await model.run({ [info.inputs[0]!.name]: new Tensor('float32', new Float32Array(784), [1, 1, 28, 28]) });
const dims: readonly number[] = out['logits']!.dims;
const top: Prediction[] = await model.classify(imageToTensor({ data: new Uint8Array(784), width: 28, height: 28 }, info), { topK: 3 });
const isShape: boolean = new ShapeError('x') instanceof Error;
export { dims, top, isShape };
