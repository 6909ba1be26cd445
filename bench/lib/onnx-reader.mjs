// A minimal ONNX reader for the benchmark (no dependency, no network): walks the
// protobuf wire format of ModelProto.graph for its initializers (name, dims, data
// as a typed array) and its nodes (op type, inputs, outputs, attributes).
// Supports FLOAT and INT64 tensors stored as raw_data or float_data/int64_data;
// anything else is reported, not guessed.

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

const TENSOR_FLOAT = 1;
const TENSOR_INT64 = 7;

class Reader {
  constructor(bytes, start = 0, end = bytes.byteLength) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  done() { return this.pos >= this.end; }

  /** An unsigned varint as a BigInt (int64 fields may use all 10 bytes). */
  varintBig() {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new Error(`ONNX: truncated varint at byte ${this.pos}`);
      const b = this.bytes[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error(`ONNX: varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A varint read as a two's-complement int64, as a Number (exact below 2^53). */
  int64() { return Number(BigInt.asIntN(64, this.varintBig())); }

  /** [fieldNumber, wireType] of the next field. */
  tag() {
    const t = Number(this.varintBig());
    return [t >>> 3, t & 7];
  }

  /** A length-delimited field's [start, end) byte range, checked against the buffer. */
  lengthDelimited() {
    const len = Number(this.varintBig());
    const start = this.pos;
    if (len > this.end - start) throw new Error(`ONNX: field of ${len} bytes at byte ${start} runs past its message`);
    this.pos = start + len;
    return [start, start + len];
  }

  sub() {
    const [s, e] = this.lengthDelimited();
    return new Reader(this.bytes, s, e);
  }

  string() {
    const [s, e] = this.lengthDelimited();
    return new TextDecoder().decode(this.bytes.subarray(s, e));
  }

  float32() {
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  skip(wire) {
    if (wire === WIRE_VARINT) this.varintBig();
    else if (wire === WIRE_I64) this.pos += 8;
    else if (wire === WIRE_LEN) this.lengthDelimited();
    else if (wire === WIRE_I32) this.pos += 4;
    else throw new Error(`ONNX: unsupported wire type ${wire} at byte ${this.pos}`);
    if (this.pos > this.end) throw new Error(`ONNX: field runs past its message at byte ${this.pos}`);
  }

  /** Repeated int64: packed (one length-delimited run) or one varint per field. */
  int64s(wire, out) {
    if (wire === WIRE_LEN) {
      const r = this.sub();
      while (!r.done()) out.push(r.int64());
    } else {
      out.push(this.int64());
    }
  }

  /** Repeated float: packed or one fixed32 per field. */
  floats(wire, out) {
    if (wire === WIRE_LEN) {
      const r = this.sub();
      while (!r.done()) out.push(r.float32());
    } else {
      out.push(this.float32());
    }
  }
}

function parseTensor(r) {
  const t = { name: '', dims: [], dataType: 0 };
  let raw = null;
  const floatData = [];
  const int64Data = [];
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) r.int64s(wire, t.dims);
    else if (field === 2) t.dataType = r.int64();
    else if (field === 4) r.floats(wire, floatData);
    else if (field === 7) r.int64s(wire, int64Data);
    else if (field === 8) t.name = r.string();
    else if (field === 9) {
      const [s, e] = r.lengthDelimited();
      raw = r.bytes.subarray(s, e);
    } else if (field === 14) {
      if (r.int64() === 1) throw new Error(`ONNX: initializer ${t.name || '?'} uses external data (not supported)`);
    } else r.skip(wire);
  }
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.dataType === TENSOR_FLOAT) {
    if (raw) {
      if (raw.byteLength !== 4 * count) throw new Error(`ONNX: ${t.name}: raw_data has ${raw.byteLength} bytes for ${count} floats`);
      t.data = new Float32Array(count);
      new Uint8Array(t.data.buffer).set(raw);  // copy: raw_data need not be 4-byte aligned
    } else {
      if (floatData.length !== count) throw new Error(`ONNX: ${t.name}: ${floatData.length} float_data values for ${count} elements`);
      t.data = Float32Array.from(floatData);
    }
  } else if (t.dataType === TENSOR_INT64) {
    if (raw) {
      if (raw.byteLength !== 8 * count) throw new Error(`ONNX: ${t.name}: raw_data has ${raw.byteLength} bytes for ${count} int64`);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      t.data = new BigInt64Array(count).map((_, i) => dv.getBigInt64(8 * i, true));
    } else {
      if (int64Data.length !== count) throw new Error(`ONNX: ${t.name}: ${int64Data.length} int64_data values for ${count} elements`);
      t.data = BigInt64Array.from(int64Data.map(BigInt));
    }
  } else {
    throw new Error(`ONNX: initializer ${t.name} has data type ${t.dataType} (only FLOAT and INT64 are read)`);
  }
  return t;
}

function parseAttribute(r) {
  const a = { name: '', ints: [], floats: [] };
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) a.name = r.string();
    else if (field === 2) a.f = r.float32();
    else if (field === 3) a.i = r.int64();
    else if (field === 4) a.s = r.string();
    else if (field === 7) r.floats(wire, a.floats);
    else if (field === 8) r.int64s(wire, a.ints);
    else r.skip(wire);
  }
  return a;
}

function parseNode(r) {
  const n = { name: '', opType: '', inputs: [], outputs: [], attributes: {} };
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) n.inputs.push(r.string());
    else if (field === 2) n.outputs.push(r.string());
    else if (field === 3) n.name = r.string();
    else if (field === 4) n.opType = r.string();
    else if (field === 5) {
      const a = parseAttribute(r.sub());
      n.attributes[a.name] = a;
    } else r.skip(wire);
  }
  return n;
}

function parseValueInfoName(r) {
  let name = '';
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) name = r.string();
    else r.skip(wire);
  }
  return name;
}

function parseGraph(r) {
  const g = { name: '', nodes: [], initializers: new Map(), inputs: [], outputs: [] };
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 1) g.nodes.push(parseNode(r.sub()));
    else if (field === 2) g.name = r.string();
    else if (field === 5) {
      const t = parseTensor(r.sub());
      g.initializers.set(t.name, t);
    } else if (field === 11) g.inputs.push(parseValueInfoName(r.sub()));
    else if (field === 12) g.outputs.push(parseValueInfoName(r.sub()));
    else r.skip(wire);
  }
  // Graph inputs that are initializers (older exporters list them) are not model inputs.
  g.inputs = g.inputs.filter((name) => !g.initializers.has(name));
  return g;
}

/**
 * ModelProto bytes -> { nodes: [{ opType, inputs, outputs, attributes: { name: { i, f, s, ints, floats } } }],
 * initializers: Map name -> { name, dims, dataType, data }, inputs, outputs }.
 */
export function readOnnxGraph(bytes) {
  const r = new Reader(bytes);
  let graph = null;
  while (!r.done()) {
    const [field, wire] = r.tag();
    if (field === 7) graph = parseGraph(r.sub());
    else r.skip(wire);
  }
  if (!graph) throw new Error('ONNX: no graph in the model');
  return graph;
}
