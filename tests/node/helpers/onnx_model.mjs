// Tiny hand-encoded ONNX models for tests that need a graph the fixtures do not have
// (no onnx package needed), and their conversion with build/native/qcomp.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.mjs';
import { intField, lenField, strField } from './protobuf.mjs';

const FLOAT = 1;
const INT64 = 7;

/** A ValueInfoProto for a float tensor; a dim that is a string is symbolic (dim_param). */
function valueInfo(name, dims) {
  const dimMsgs = dims.map((d) => lenField(1, typeof d === 'string' ? strField(2, d) : intField(1, d)));
  const tensorType = [...intField(1, FLOAT), ...lenField(2, dimMsgs.flat())];
  return [...strField(1, name), ...lenField(2, lenField(1, tensorType))];
}

function int64Initializer(name, values) {
  const raw = new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
  return [...intField(1, values.length), ...intField(2, INT64), ...strField(8, name), ...lenField(9, [...raw])];
}

/**
 * x: float [1, 'n'] -> `count` outputs y_k = Pad(x, pads [0, 0, 0, padElements + k]):
 * each output has about padElements floats, and all are graph outputs (alive together).
 */
export function padFanOutOnnx(padElements, count) {
  const graph = [];
  for (let k = 0; k < count; k++) {
    graph.push(...lenField(1, [...strField(1, 'x'), ...strField(1, `pads${k}`), ...strField(2, `y${k}`), ...strField(3, `pad${k}`), ...strField(4, 'Pad')]));
  }
  graph.push(...strField(2, 'pad_fan_out'));
  for (let k = 0; k < count; k++) graph.push(...lenField(5, int64Initializer(`pads${k}`, [0, 0, 0, padElements + k])));
  graph.push(...lenField(11, valueInfo('x', [1, 'n'])));
  for (let k = 0; k < count; k++) graph.push(...lenField(12, valueInfo(`y${k}`, [1, 'm'])));
  const model = [...intField(1, 8), ...lenField(8, [...strField(1, ''), ...intField(2, 13)]), ...lenField(7, graph)];
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
