// Protobuf encoding for hand-made test messages (wire types 0 varint, 2 length-delimited).
export const varint = (v) => {
  let n = BigInt.asUintN(64, BigInt(v));
  const out = [];
  do {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n ? b | 0x80 : b);
  } while (n);
  return out;
};
export const tag = (field, wire) => varint((field << 3) | wire);
export const lenField = (field, bytes) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
export const strField = (field, s) => lenField(field, [...new TextEncoder().encode(s)]);
export const intField = (field, v) => [...tag(field, 0), ...varint(v)];
