// Runs in the harness page: loads dist/ and gives Playwright a small API over it.
import * as qcomp from '../../dist/index.js';
import { makeFeeds } from './inputs.mjs';

const models = [];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function runOnce(model, batch, seed) {
  const out = await model.run(makeFeeds(qcomp, model.info, batch, seed));
  return Object.values(out)[0];
}

window.harness = {
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  hardwareConcurrency: navigator.hardwareConcurrency,

  /** Loads a bundle (URL relative to the page); returns its index and info.runtime. */
  async load(url, options) {
    const model = await qcomp.loadModel(new URL(url, location.href).href, options);
    models.push(model);
    return { id: models.length - 1, runtime: { ...model.info.runtime } };
  },

  /** One run of model `id` on pseudo-random inputs: the first output's values and dims. */
  async run(id, batch, seed) {
    const out = await runOnce(models[id], batch, seed);
    return { dims: [...out.dims], data: Array.from(out.data) };
  },

  /**
   * { median, best } ms per run of each model at `batch` over the rounds: warm up by time (V8 tiers wasm up in the
   * background), then `rounds` rounds that time every model in turn, each for about
   * `roundMs` (a whole number of runs, at least one).
   */
  async time(ids, batch, { warmupMs = 2000, rounds = 15, roundMs = 100 } = {}) {
    const feeds = ids.map((id) => makeFeeds(qcomp, models[id].info, batch, 1));
    const spent = ids.map(() => 0);
    const count = ids.map(() => 0);
    const until = performance.now() + warmupMs;
    while (performance.now() < until) {
      for (let k = 0; k < ids.length; k++) {
        const start = performance.now();
        await models[ids[k]].run(feeds[k]);
        spent[k] += performance.now() - start;
        count[k]++;
      }
    }
    const runs = ids.map((_, k) => Math.max(1, Math.round(roundMs / (spent[k] / count[k]))));
    const samples = ids.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < ids.length; k++) {
        const model = models[ids[k]];
        const start = performance.now();
        for (let i = 0; i < runs[k]; i++) await model.run(feeds[k]);
        samples[k].push((performance.now() - start) / runs[k]);
      }
    }
    return samples.map((list) => ({ median: median(list), best: Math.min(...list) }));
  },
};
window.harnessReady = true;
