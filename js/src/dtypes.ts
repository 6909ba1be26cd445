// Element types a tensor can hold and the typed array that stores each.

export type DType = 'float32' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool';

/** Storage of a tensor: bool is stored one byte per element (0 or 1) in a Uint8Array. */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

type TypedArrayClass =
  | typeof Float32Array
  | typeof Int32Array
  | typeof BigInt64Array
  | typeof Uint8Array
  | typeof Int8Array;

const ARRAY_CLASS: Readonly<Record<DType, TypedArrayClass>> = {
  float32: Float32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  bool: Uint8Array,
};

export const DTYPES: readonly DType[] = Object.keys(ARRAY_CLASS) as DType[];

export function isDType(name: unknown): name is DType {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ARRAY_CLASS, name);
}

export function arrayClassOf(dtype: DType): TypedArrayClass {
  return ARRAY_CLASS[dtype];
}

export function bytesPerElement(dtype: DType): number {
  return ARRAY_CLASS[dtype].BYTES_PER_ELEMENT;
}

/** The dtype a typed array holds; Uint8Array reads as uint8. Undefined for other values. */
export function dtypeOfData(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  return undefined;
}

/** True when `data` is the typed array class that stores `dtype`. */
export function dataFitsDType(data: unknown, dtype: DType): data is TensorData {
  const cls = ARRAY_CLASS[dtype];
  // Subclasses (Node's Buffer is a Uint8Array) are fine; Uint8ClampedArray is not.
  return data instanceof cls && !(data instanceof Uint8ClampedArray);
}

/** A new typed array of `dtype` holding a copy of `bytes` (which must be a whole number of elements). */
export function dataFromBytes(dtype: DType, bytes: Uint8Array): TensorData {
  const cls = ARRAY_CLASS[dtype];
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new cls(copy.buffer, 0, bytes.byteLength / cls.BYTES_PER_ELEMENT);
}
