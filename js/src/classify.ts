// model.classify(): one example (an image or a tensor) in, the top-K classes out,
// named by the bundle's labels. Shared by the in-thread and the Worker model.
// dist/classify.js is a chunk of its own, loaded by the first classify(): what it
// shares with the rest of the API comes from './index.js' (one copy of each class).
import { InvalidArgumentError, ShapeError, imageToTensor } from './index.js';
import type { FeedValue, Feeds, ImageInput, ModelInfo, Tensor } from './index.js';
import { isImageInput } from './image-input.js';

/** One class of a classification. */
export interface Prediction {
  /** Index of the class in the output. */
  readonly index: number;
  /** The bundle's label for it (`info.labels`), or the index as a string when there are none. */
  readonly label: string;
  /** Probability: softmax of the output, or the output itself when it already is a distribution. */
  readonly score: number;
}

export interface ClassifyOptions {
  /** How many classes to return, best first (default 5; at most the number of classes). */
  topK?: number;
  /** The output to read (default: the first). */
  output?: string;
}

/** What classify needs of a model. */
interface Runnable {
  readonly info: ModelInfo;
  run(feeds: Feeds): Promise<Record<string, Tensor>>;
}

/** What classify takes: an image (see imageToTensor), a Tensor, { data, dims } or a typed array for the only input. */
export type ClassifyInput = ImageInput | FeedValue;

function checkTopK(topK: unknown): number {
  if (topK === undefined) return 5;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) {
    throw new InvalidArgumentError(`topK must be a positive integer, got ${String(topK)}`);
  }
  return topK;
}

function scoresOf(values: Float64Array): Float64Array {
  let sum = 0;
  let distribution = true;
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) distribution = false;
    sum += v;
  }
  if (distribution && Math.abs(sum - 1) < 1e-3) return values;
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  const out = new Float64Array(values.length);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += (out[i] = Math.exp((values[i] as number) - max));
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / total;
  return out;
}

export async function classifyWith(model: Runnable, input: ClassifyInput, options: ClassifyOptions = {}): Promise<Prediction[]> {
  const topK = checkTopK(options.topK);
  const { info } = model;
  if (info.inputs.length !== 1) {
    throw new InvalidArgumentError(`classify needs a model with one input; this one has ${info.inputs.length}: use run()`);
  }
  const [spec] = info.inputs;
  const feed = isImageInput(input) ? imageToTensor(input, info) : input as FeedValue;
  const outputs = await model.run({ [spec!.name]: feed });
  const name = options.output ?? info.outputs[0]?.name ?? Object.keys(outputs)[0];
  const out = name === undefined ? undefined : outputs[name];
  if (!out) throw new InvalidArgumentError(`classify: the model has no output '${String(name)}'`);
  const classes = out.dims.length === 0 ? 1 : out.dims[out.dims.length - 1] as number;
  if (out.size !== classes || out.dtype === 'int64') {
    throw new ShapeError(`classify takes one example: output '${name}' has dims [${out.dims.join(', ')}] (${out.dtype}); ` +
      'for batches use run()');
  }
  const values = Float64Array.from(out.data as Float32Array);
  const scores = scoresOf(values);
  // Best first by the output value (softmax keeps the order), ties to the lower index.
  const order = Array.from({ length: classes }, (_, i) => i)
    .sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  return order.slice(0, Math.min(topK, classes)).map((index) => Object.freeze({
    index,
    label: info.labels?.[index] ?? String(index),
    score: scores[index] as number,
  }));
}
