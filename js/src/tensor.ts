// A tensor as the API sees it: dtype, a typed array and dims (row-major).
import { arrayClassOf, dataFitsDType, dtypeOfData, isDType } from './dtypes.js';
import type { DType, TensorData } from './dtypes.js';
import { ShapeError } from './errors.js';

/** Product of dims, after checking every dim is a non-negative safe integer. */
export function elementCount(dims: readonly number[], what = 'tensor'): number {
  if (!Array.isArray(dims)) throw new ShapeError(`${what}: dims must be an array of integers`);
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new ShapeError(`${what}: dims[${i}] is ${String(d)}; dims must be non-negative integers`);
    }
    count *= d;
    if (!Number.isSafeInteger(count)) throw new ShapeError(`${what}: element count of dims [${dims.join(', ')}] overflows`);
  }
  return count;
}

function toTypedArray(dtype: DType, data: ArrayLike<number | bigint | boolean>): TensorData {
  const cls = arrayClassOf(dtype);
  const out = new cls(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (dtype === 'int64') (out as BigInt64Array)[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    else if (dtype === 'bool') (out as Uint8Array)[i] = v ? 1 : 0;
    else (out as Float32Array)[i] = Number(v);
  }
  return out;
}

export class Tensor {
  readonly dtype: DType;
  readonly data: TensorData;
  readonly dims: readonly number[];

  /**
   * `new Tensor('float32', new Float32Array(784), [1, 1, 28, 28])`. `data` may also be a
   * plain array, copied into the dtype's typed array. `dims` defaults to [data.length].
   * Throws ShapeError when data does not fit dtype or its length is not the product of dims.
   */
  constructor(dtype: DType, data: TensorData | ArrayLike<number | bigint | boolean>, dims?: readonly number[]) {
    if (!isDType(dtype)) throw new ShapeError(`tensor: unknown dtype ${JSON.stringify(dtype)}`, 402);
    let typed: TensorData;
    if (ArrayBuffer.isView(data)) {
      if (!dataFitsDType(data, dtype)) {
        const got = dtypeOfData(data) ?? (data as ArrayBufferView).constructor.name;
        throw new ShapeError(`tensor: dtype ${dtype} needs a ${arrayClassOf(dtype).name}, got ${got} data`, 402);
      }
      typed = data;
    } else if (data !== null && typeof data === 'object' && typeof (data as ArrayLike<unknown>).length === 'number') {
      typed = toTypedArray(dtype, data);
    } else {
      throw new ShapeError(`tensor: data must be a typed array or an array, got ${data === null ? 'null' : typeof data}`, 402);
    }
    const shape = dims === undefined ? [typed.length] : [...dims];
    const count = elementCount(shape);
    if (count !== typed.length) {
      throw new ShapeError(`tensor: dims [${shape.join(', ')}] hold ${count} elements but data has ${typed.length}`);
    }
    this.dtype = dtype;
    this.data = typed;
    this.dims = Object.freeze(shape);
  }

  /** A tensor whose dtype is read from the typed array (Uint8Array gives uint8). */
  static from(data: TensorData, dims?: readonly number[]): Tensor {
    const dtype = dtypeOfData(data);
    if (dtype === undefined) throw new ShapeError('tensor: data must be a Float32Array, Int32Array, BigInt64Array, Uint8Array or Int8Array', 402);
    return new Tensor(dtype, data, dims);
  }

  /** Number of elements (product of dims). */
  get size(): number {
    return this.data.length;
  }
}
Object.defineProperty(Tensor, 'name', { value: 'Tensor' }); // kept through minification (errors.ts)
