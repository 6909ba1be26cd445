// The bundled Fashion-MNIST subset (models/data/test1000-*-idx*.gz) as model
// input: a tiny gzipped-IDX reader and the pixel -> input preprocessing.
// Shared by the demo and tests/node; not part of the package API.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

const IDX_UBYTE = 0x08;

/** Reads a gzipped IDX file of unsigned bytes: { dims, data: Uint8Array }. */
export async function readIdxGz(file) {
  const raw = gunzipSync(await readFile(file));
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw new Error(`${file}: not an IDX file`);
  if (raw[2] !== IDX_UBYTE) throw new Error(`${file}: IDX element type 0x${raw[2].toString(16)} is not unsigned byte`);
  const rank = raw[3];
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) throw new Error(`${file}: IDX header truncated`);
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(raw.readUInt32BE(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  if (raw.length - headerBytes !== count) {
    throw new Error(`${file}: IDX payload has ${raw.length - headerBytes} bytes, dims [${dims}] need ${count}`);
  }
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + headerBytes, count) };
}

/** The 1,000 test images ([1000, 28, 28] uint8) and their labels. */
export async function loadFashionSubset(repoRoot) {
  const dir = path.join(repoRoot, 'models', 'data');
  const images = await readIdxGz(path.join(dir, 'test1000-images-idx3-ubyte.gz'));
  const labels = await readIdxGz(path.join(dir, 'test1000-labels-idx1-ubyte.gz'));
  if (images.dims[0] !== labels.dims[0]) throw new Error(`${dir}: ${images.dims[0]} images but ${labels.dims[0]} labels`);
  return { count: images.dims[0], height: images.dims[1], width: images.dims[2], pixels: images.data, labels: labels.data };
}

function scalarOf(v, what) {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1) return v[0];
  throw new Error(`preprocess ${what} must be one number for a one-channel image, got ${JSON.stringify(v)}`);
}

/**
 * Pixels -> model input, x = (p * scale - mean) / std, in float32.
 * A scale of 1/k (k an integer, e.g. 1/255) divides by k instead, which rounds exactly
 * like numpy's float32 `p / 255` that produced the reference logits.
 */
export function makePreprocessor(preprocess) {
  const scale = preprocess?.scale ?? 1;
  const mean = scalarOf(preprocess?.mean ?? 0, 'mean');
  const std = scalarOf(preprocess?.std ?? 1, 'std');
  const divisor = Math.round(1 / scale);
  const divide = divisor > 1 && Math.abs(1 / scale - divisor) < 1e-9 * divisor;
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) {
    const x = divide ? Math.fround(p / divisor) : Math.fround(p * scale);
    table[p] = mean === 0 && std === 1 ? x : Math.fround((x - mean) / std);
  }
  return table;
}

/** Float32 input [count, 1, H, W] for images [start, start + count). */
export function inputBatch(subset, table, start, count) {
  const size = subset.height * subset.width;
  const out = new Float32Array(count * size);
  const src = subset.pixels.subarray(start * size, (start + count) * size);
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
  return { data: out, dims: [count, 1, subset.height, subset.width] };
}

/** Index of the largest value in each row of a [rows, cols] array. */
export function argmaxRows(data, cols) {
  const rows = data.length / cols;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (data[r * cols + c] > data[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}
