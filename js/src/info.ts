// model.info: what QcModel.info() reports (JSON), normalized into stable,
// frozen JS objects. Field spellings the converter may use are accepted in
// snake_case and camelCase so the API does not break when the metadata grows.
import { isDType } from './dtypes.js';
import type { DType } from './dtypes.js';
import { BundleFormatError } from './errors.js';
import type { RuntimeBuild } from './threads.js';

export interface TensorSpec {
  readonly name: string;
  /** -1 marks a dimension fixed only at run time (e.g. the batch). */
  readonly dims: readonly number[];
  readonly dtype: DType;
}

/** How raw input values map to model input: x = (raw * scale - mean) / std. */
export interface Preprocess {
  readonly scale: number;
  readonly mean: number | readonly number[];
  readonly std: number | readonly number[];
}

export interface LayerInfo {
  readonly tensor: string;
  /** Weight encoding by name (a row of src/schemes/schemes.def), e.g. "i8_channel"; "dense" for plain elements. */
  readonly scheme: string;
  /** Its numeric id in the bundle (0 = dense). */
  readonly schemeId: number;
  /** Logical element type of the tensor. */
  readonly dtype: string;
  /** Bytes the tensor takes in the bundle (payload + side data). */
  readonly bytes: number;
  readonly dims: readonly number[];
}

export interface ModelInfo {
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  readonly labels?: readonly string[];
  readonly preprocess: Preprocess;
  readonly bundleBytes: number;
  /** SHA-256 of the bundle, lowercase hex. */
  readonly sha256: string;
  readonly layers: readonly LayerInfo[];
  /** The converter's compression report, as stored in the bundle metadata. */
  readonly compression?: Readonly<Record<string, unknown>>;
  /** The whole metadata section as the converter wrote it. */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly runtime: RuntimeInfo;
}

/** What runs the model: the wasm build and the threads its runs use. */
export interface RuntimeInfo {
  /** `'pthreads'`: qcomp-mt.wasm (shared memory, Web Workers); `'single-thread'`: qcomp.wasm. */
  readonly build: RuntimeBuild;
  readonly threads: number;
  readonly simd: boolean;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick(obj: Json, ...keys: string[]): unknown {
  for (const k of keys) if (obj[k] !== undefined) return obj[k];
  return undefined;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/** Dims as numbers; symbolic or unknown dims (strings, null, negatives) become -1. */
function dimsOf(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return v.map((d) => (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 ? d : -1));
}

function numberOrList(v: unknown, fallback: number): number | readonly number[] {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')) return Object.freeze([...v] as number[]);
  return fallback;
}

function specOf(v: unknown, index: number, kind: string): TensorSpec {
  const o = isObject(v) ? v : {};
  const dtype = pick(o, 'dtype', 'type');
  if (!isDType(dtype)) {
    throw new BundleFormatError(`bundle metadata: ${kind} ${index} has unsupported dtype ${JSON.stringify(dtype)}`, 109);
  }
  const name = typeof o.name === 'string' ? o.name : `${kind}${index}`;
  return Object.freeze({ name, dims: Object.freeze(dimsOf(pick(o, 'dims', 'shape'))), dtype });
}

/** Scheme names by tensor from the converter's compression report (compression.layers). */
function schemeNamesOf(compression: unknown): Map<string, string> {
  const names = new Map<string, string>();
  const layers = isObject(compression) ? compression.layers : undefined;
  if (Array.isArray(layers)) {
    for (const l of layers) {
      if (isObject(l) && typeof l.tensor === 'string' && typeof l.scheme === 'string') names.set(l.tensor, l.scheme);
    }
  }
  return names;
}

function layerOf(v: unknown, reportedSchemes: Map<string, string>): LayerInfo {
  const o = isObject(v) ? v : {};
  const tensor = String(pick(o, 'tensor', 'name') ?? '');
  const id = pick(o, 'scheme_id', 'schemeId', 'scheme');
  const schemeId = typeof id === 'number' ? id : -1;
  const named = pick(o, 'scheme_name', 'schemeName', 'scheme');
  const scheme = typeof named === 'string' ? named
    : reportedSchemes.get(tensor) ?? (schemeId === 0 ? 'dense' : schemeId >= 0 ? `scheme${schemeId}` : 'unknown');
  const bytes = pick(o, 'bytes', 'size');
  const payload = num(pick(o, 'payload_size', 'payloadSize', 'payload_bytes', 'payloadBytes'), 0);
  const side = num(pick(o, 'side_size', 'sideSize', 'side_bytes', 'sideBytes'), 0);
  return Object.freeze({
    tensor,
    scheme,
    schemeId,
    dtype: String(o.dtype ?? 'float32'),
    bytes: num(bytes, payload + side),
    dims: Object.freeze(dimsOf(pick(o, 'dims', 'shape'))),
  });
}

function parseMetadata(v: unknown): Json {
  if (isObject(v)) return v;
  if (typeof v === 'string' && v.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (e) {
      throw new BundleFormatError(`bundle metadata is not valid JSON: ${(e as Error).message}`, 109);
    }
    if (isObject(parsed)) return parsed;
  }
  return {};
}

export function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Builds ModelInfo from QcModel.info(); bundleBytes falls back to the size we loaded. */
export function parseInfo(infoJson: string, loadedBytes: number,
  runtime: Omit<RuntimeInfo, 'simd'> = { build: 'single-thread', threads: 1 }): ModelInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(infoJson);
  } catch (e) {
    throw new BundleFormatError(`runtime info is not valid JSON: ${(e as Error).message}`, 109);
  }
  const info = isObject(raw) ? raw : {};
  const meta = parseMetadata(info.metadata);
  const ioSource = (key: string): unknown[] => {
    const v = info[key] ?? meta[key];
    return Array.isArray(v) ? v : [];
  };
  const pre = isObject(pick(meta, 'preprocess', 'normalization')) ? (pick(meta, 'preprocess', 'normalization') as Json) : {};
  const labels = meta.labels;
  const compression = pick(meta, 'compression', 'compression_report', 'compressionReport', 'report');
  const tensors = pick(info, 'tensors', 'layers');
  const result: ModelInfo = {
    name: String(pick(meta, 'name', 'model_name', 'modelName') ?? (isObject(meta.model) ? meta.model.name : undefined) ?? info.name ?? ''),
    inputs: Object.freeze(ioSource('inputs').map((v, i) => specOf(v, i, 'input'))),
    outputs: Object.freeze(ioSource('outputs').map((v, i) => specOf(v, i, 'output'))),
    ...(Array.isArray(labels) && labels.every((l) => typeof l === 'string')
      ? { labels: deepFreeze([...labels] as string[]) }
      : {}),
    preprocess: Object.freeze({
      scale: num(pre.scale, 1),
      mean: numberOrList(pre.mean, 0),
      std: numberOrList(pre.std, 1),
    }),
    bundleBytes: num(pick(info, 'bundleBytes', 'bundle_bytes'), loadedBytes),
    sha256: String(info.sha256 ?? ''),
    layers: Object.freeze((Array.isArray(tensors) ? tensors : []).map((t) => layerOf(t, schemeNamesOf(compression)))),
    ...(isObject(compression) ? { compression: deepFreeze({ ...compression }) } : {}),
    metadata: deepFreeze(meta),
    runtime: Object.freeze({ build: runtime.build, threads: runtime.threads, simd: true }),
  };
  return Object.freeze(result);
}
