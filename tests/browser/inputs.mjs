// Deterministic model inputs, the same in Node and in the browser page (both import this file).

/** `count` floats in [0, 1) from a 32-bit LCG seeded by `seed`. */
export function pseudoRandomFloats(count, seed) {
  const out = new Float32Array(count);
  let state = (seed * 2654435761) >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state >>> 8) / 16777216;
  }
  return out;
}

/** Input dims of a model's first input with the batch (and any other unknown dim) set to `batch`. */
export function inputDims(info, batch) {
  return info.inputs[0].dims.map((d, axis) => (d < 0 || axis === 0 ? batch : d));
}

/** The feeds for one run: the first input filled with pseudo-random values. */
export function makeFeeds(qcomp, info, batch, seed) {
  const dims = inputDims(info, batch);
  const data = pseudoRandomFloats(dims.reduce((a, b) => a * b, 1), seed);
  return { [info.inputs[0].name]: new qcomp.Tensor('float32', data, dims) };
}
