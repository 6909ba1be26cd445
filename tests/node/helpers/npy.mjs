// A small reader for .npy files (format versions 1-3, C order, little-endian or byte dtypes).
import { readFile } from 'node:fs/promises';

const DTYPES = {
  '<f4': ['float32', Float32Array],
  '<f8': ['float64', Float64Array],
  '<i4': ['int32', Int32Array],
  '<i8': ['int64', BigInt64Array],
  '|u1': ['uint8', Uint8Array],
  '|i1': ['int8', Int8Array],
  '|b1': ['bool', Uint8Array],
};

/** Returns { dtype, dims, data } with data a freshly allocated typed array. */
export function parseNpy(bytes, label = 'npy') {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${label}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shape === undefined) throw new Error(`${label}: cannot parse header ${header}`);
  if (fortran === 'True') throw new Error(`${label}: Fortran order is not supported`);
  const entry = DTYPES[descr];
  if (!entry) throw new Error(`${label}: dtype ${descr} is not supported`);
  const [dtype, Cls] = entry;
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  const need = count * Cls.BYTES_PER_ELEMENT;
  if (buf.length - start < need) throw new Error(`${label}: payload has ${buf.length - start} bytes, shape (${dims}) needs ${need}`);
  const copy = new Uint8Array(need);
  copy.set(buf.subarray(start, start + need));
  return { dtype, dims, data: new Cls(copy.buffer) };
}

export async function readNpy(file) {
  return parseNpy(await readFile(file), file);
}
