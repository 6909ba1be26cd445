// Reads a .qcb's section table (layout: src/format/bundle_layout.h) to aim corruptions.
const SECTION_NAMES = { 1: 'meta', 2: 'graph', 3: 'tensors', 4: 'data', 5: 'integrity' };

/** { name: { offset, size } } for each section of a bundle. */
export function sectionsOf(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(16, true);
  const table = Number(view.getBigUint64(32, true));
  const sections = {};
  for (let i = 0; i < count; i++) {
    const at = table + 32 * i;
    const name = SECTION_NAMES[view.getUint32(at, true)] ?? `kind${view.getUint32(at, true)}`;
    sections[name] = { offset: Number(view.getBigUint64(at + 8, true)), size: Number(view.getBigUint64(at + 16, true)) };
  }
  return sections;
}

/** A copy of `bytes` with the byte at `offset` inverted. */
export function withFlippedByte(bytes, offset) {
  const copy = new Uint8Array(bytes);
  copy[offset] ^= 0xff;
  return copy;
}
