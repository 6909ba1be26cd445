// The Fashion-MNIST test subset from the repository's gzipped IDX files, for the consumer
// scripts (plain Node, no dependencies): { count, pixels: Uint8Array [count*28*28], labels }.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

function readIdx(file) {
  const raw = gunzipSync(readFileSync(file));
  const rank = raw[3];
  const dims = [];
  for (let i = 0; i < rank; i++) dims.push(raw.readUInt32BE(4 + 4 * i));
  return { dims, data: new Uint8Array(raw.buffer, raw.byteOffset + 4 + 4 * rank, dims.reduce((a, b) => a * b, 1)) };
}

export function readSubset(imagesFile, labelsFile) {
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  return { count: images.dims[0], height: images.dims[1], width: images.dims[2], pixels: images.data, labels: labels.data };
}
