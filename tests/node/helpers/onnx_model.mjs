// Tiny hand-encoded ONNX models for tests that need a graph the fixtures do not have
// (no onnx package needed), and their conversion with build/native/qcomp.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.mjs';

const varint = (v) => {
  let n = BigInt.asUintN(64, BigInt(v));
  const out = [];
  do {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
};
const tag = (field, wire) => varint((field << 3) | wire);
const len = (field, bytes) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const str = (field, s) => len(field, [...new TextEncoder().encode(s)]);
const int = (field, v) => [...tag(field, 0), ...varint(v)];

const FLOAT = 1;
const INT64 = 7;

/** A ValueInfoProto for a float tensor; a dim that is a string is symbolic (dim_param). */
function valueInfo(name, dims) {
  const dimMsgs = dims.map((d) => len(1, typeof d === 'string' ? str(2, d) : int(1, d)));
  const tensorType = [...int(1, FLOAT), ...len(2, dimMsgs.flat())];
  return [...str(1, name), ...len(2, len(1, tensorType))];
}

function int64Initializer(name, values) {
  const raw = new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
  return [...int(1, values.length), ...int(2, INT64), ...str(8, name), ...len(9, [...raw])];
}

/**
 * x: float [1, 'n'] -> `count` outputs y_k = Pad(x, pads [0, 0, 0, padElements + k]):
 * each output has about padElements floats, and all are graph outputs (alive together).
 */
export function padFanOutOnnx(padElements, count) {
  const graph = [];
  for (let k = 0; k < count; k++) {
    graph.push(...len(1, [...str(1, 'x'), ...str(1, `pads${k}`), ...str(2, `y${k}`), ...str(3, `pad${k}`), ...str(4, 'Pad')]));
  }
  graph.push(...str(2, 'pad_fan_out'));
  for (let k = 0; k < count; k++) graph.push(...len(5, int64Initializer(`pads${k}`, [0, 0, 0, padElements + k])));
  graph.push(...len(11, valueInfo('x', [1, 'n'])));
  for (let k = 0; k < count; k++) graph.push(...len(12, valueInfo(`y${k}`, [1, 'm'])));
  const model = [...int(1, 8), ...len(8, [...str(1, ''), ...int(2, 13)]), ...len(7, graph)];
  return Uint8Array.from(model);
}

/** Converts ONNX bytes with build/native/qcomp; returns the bundle bytes. */
export function convertOnnx(onnxBytes, name) {
  const dir = mkdtempSync(path.join(tmpdir(), 'qcomp-onnx-'));
  try {
    const src = path.join(dir, `${name}.onnx`);
    const out = path.join(dir, `${name}.qcb`);
    writeFileSync(src, onnxBytes);
    execFileSync(path.join(repoRoot, 'build', 'native', 'qcomp'), ['convert', src, '-o', out, '--name', name],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
