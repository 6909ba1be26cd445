// Public entry point of qcomp-wasm. Importing it has no side effects: nothing is
// fetched, compiled or started until the first loadModel().
export { loadModel } from './model.js';
export type { LoadOptions, Model } from './model.js';
export type { ModelSource } from './source.js';
export type { Progress, ProgressCallback } from './env.js';
export { imageToTensor } from './image.js';
export type { ImageInput, RawPixels, ImageTensorOptions } from './image.js';
export type { ClassifyInput, ClassifyOptions, Prediction } from './classify.js';
export type { ModelInfo, TensorSpec, LayerInfo, Preprocess, RuntimeInfo } from './info.js';
export type { ThreadsOption, RuntimeBuild } from './threads.js';
export type { Feeds, FeedValue } from './feeds.js';
export { Tensor } from './tensor.js';
export type { DType, TensorData } from './dtypes.js';
export {
  QcompError,
  BundleFormatError,
  IntegrityError,
  UnsupportedOpError,
  ModelError,
  ShapeError,
  InvalidArgumentError,
  OutOfMemoryError,
  DisposedError,
  IoError,
  InternalError,
  errorFromCode,
} from './errors.js';
export { version } from './version.js';
/** Internal (tests, benchmarks): wasm memory size and heap end. Not a stable API. */
export { runtimeMemoryBytes, runtimeHeapEnd } from './wasm.js';
