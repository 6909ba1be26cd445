// Checks what the caller passes to model.run() against the model's inputs and
// returns one Tensor per input, in the model's input order.
import { dtypeOfData } from './dtypes.js';
import type { DType, TensorData } from './dtypes.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import type { TensorSpec } from './info.js';
import { Tensor } from './tensor.js';

/** One input: a Tensor, {data, dims[, dtype]}, or a bare typed array (dims inferred when at most one is free). */
export type FeedValue = Tensor | { data: TensorData; dims: readonly number[]; dtype?: DType } | TensorData;
export type Feeds = Record<string, FeedValue>;

function names(specs: readonly TensorSpec[]): string {
  return specs.map((s) => `'${s.name}'`).join(', ');
}

function shapeText(dims: readonly number[]): string {
  return `[${dims.map((d) => (d < 0 ? '?' : String(d))).join(', ')}]`;
}

/** Dims for a bare typed array: the spec's dims with its one free dim solved from the length. */
function inferDims(spec: TensorSpec, length: number): number[] {
  const free = spec.dims.filter((d) => d < 0).length;
  const fixed = spec.dims.reduce((p, d) => (d < 0 ? p : p * d), 1);
  if (free > 1) {
    throw new ShapeError(`input '${spec.name}' has dims ${shapeText(spec.dims)} with ${free} free dims: pass { data, dims }`);
  }
  if (free === 0) return [...spec.dims];
  if (fixed === 0 || length % fixed !== 0) {
    throw new ShapeError(`input '${spec.name}': ${length} elements do not fit dims ${shapeText(spec.dims)}`);
  }
  return spec.dims.map((d) => (d < 0 ? length / fixed : d));
}

function toTensor(spec: TensorSpec, value: FeedValue): Tensor {
  if (value instanceof Tensor) return value;
  if (ArrayBuffer.isView(value)) {
    const dtype = spec.dtype === 'bool' && value instanceof Uint8Array ? 'bool' : dtypeOfData(value);
    if (dtype === undefined) throw new ShapeError(`input '${spec.name}': unsupported data type ${value.constructor.name}`, 402);
    return new Tensor(dtype, value, inferDims(spec, value.length));
  }
  if (typeof value === 'object' && value !== null && 'data' in value && ArrayBuffer.isView(value.data)) {
    const dtype = value.dtype ?? (spec.dtype === 'bool' && value.data instanceof Uint8Array ? 'bool' : dtypeOfData(value.data));
    if (dtype === undefined) throw new ShapeError(`input '${spec.name}': unsupported data type ${value.data.constructor.name}`, 402);
    try {
      return new Tensor(dtype, value.data, value.dims ?? inferDims(spec, value.data.length));
    } catch (e) {
      if (e instanceof ShapeError) throw new ShapeError(`input '${spec.name}': ${e.message}`, e.errc);
      throw e;
    }
  }
  throw new InvalidArgumentError(`input '${spec.name}' must be a Tensor, { data, dims } or a typed array`);
}

function checkAgainstSpec(spec: TensorSpec, t: Tensor): void {
  const uint8AsBool = spec.dtype === 'bool' && t.dtype === 'uint8';
  if (t.dtype !== spec.dtype && !uint8AsBool) {
    throw new ShapeError(`input '${spec.name}' expects ${spec.dtype}, got ${t.dtype}`, 402);
  }
  const ok = t.dims.length === spec.dims.length && spec.dims.every((d, i) => d < 0 || d === t.dims[i]);
  if (!ok) {
    throw new ShapeError(`input '${spec.name}' expects dims ${shapeText(spec.dims)} (? = any), got [${t.dims.join(', ')}]`);
  }
}

export function checkFeeds(specs: readonly TensorSpec[], feeds: Feeds): Tensor[] {
  if (typeof feeds !== 'object' || feeds === null || ArrayBuffer.isView(feeds) || feeds instanceof Tensor) {
    throw new InvalidArgumentError(`run() takes an object keyed by input name; expected inputs: ${names(specs)}`);
  }
  for (const key of Object.keys(feeds)) {
    if (!specs.some((s) => s.name === key)) {
      throw new InvalidArgumentError(`unknown input '${key}'; expected inputs: ${names(specs)}`);
    }
  }
  return specs.map((spec) => {
    const value = feeds[spec.name];
    if (value === undefined) throw new InvalidArgumentError(`missing input '${spec.name}'; expected inputs: ${names(specs)}`);
    const tensor = toTensor(spec, value);
    checkAgainstSpec(spec, tensor);
    return tensor;
  });
}
