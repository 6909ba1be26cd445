// Corruption sweep in wasm through the public API: for each fixture bundle
// (build/models/*.qcb: lenet300/lenet5 and their int8/q4/cb4 variants), every
// truncation length and random single-byte flips must be rejected with a
// BundleFormatError or IntegrityError: never accepted, never a crash. Afterwards the
// same wasm instance loads and runs every good bundle with its original answer.
//   CORRUPTION_FLIPS       flips per bundle (default 10000)
//   CORRUPTION_TRUNC_STEP  1: every truncation length (each load copies and hashes the
//                          prefix, so that is quadratic: ~1.5 TB of copying for lenet5);
//                          default: every length below 4096, every length within 64 bytes
//                          of a section start or end, and ~2000 evenly spaced others.
//                          (qcomp_corruption_sweep tests every length natively.)
//   CORRUPTION_BUNDLES     comma-separated file names to test (default: every build/models/*.qcb)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadModel, BundleFormatError, IntegrityError } from 'qcomp-wasm';
import { sectionsOf } from './helpers/bundle_bytes.mjs';
import { bundlesDir } from './helpers/paths.mjs';

const FLIPS = Number(process.env.CORRUPTION_FLIPS ?? 10_000);
const TRUNC_STEP = Number(process.env.CORRUPTION_TRUNC_STEP ?? 0);

/** The truncation lengths to test (see CORRUPTION_TRUNC_STEP). */
function truncationLengths(good) {
  const lengths = new Set();
  if (TRUNC_STEP >= 1) {
    for (let len = 0; len < good.length; len += TRUNC_STEP) lengths.add(len);
    return [...lengths];
  }
  for (let len = 0; len < Math.min(4096, good.length); len++) lengths.add(len);
  for (const { offset, size } of Object.values(sectionsOf(good))) {
    for (const edge of [offset, offset + size]) {
      for (let len = Math.max(0, edge - 64); len <= Math.min(good.length - 1, edge + 64); len++) lengths.add(len);
    }
  }
  const step = Math.max(1, Math.ceil(good.length / 2000));
  for (let len = 0; len < good.length; len += step) lengths.add(len);
  lengths.add(good.length - 1);
  return [...lengths].sort((a, b) => a - b);
}

// Deterministic PRNG (mulberry32), so a failure names a reproducible flip.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function feedsFor(info) {
  const feeds = {};
  for (const spec of info.inputs) {
    const dims = spec.dims.map((d) => (d < 0 ? 1 : d));
    const size = dims.reduce((p, d) => p * d, 1);
    feeds[spec.name] = { data: new Float32Array(size).map((_, i) => ((i % 17) / 16) - 0.3), dims };
  }
  return feeds;
}

async function answer(bytes) {
  const model = await loadModel(bytes);
  try {
    const out = await model.run(feedsFor(model.info));
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, [...t.data]]));
  } finally {
    model.dispose();
  }
}

// Loads a corrupted bundle: rejected with a format/integrity error is the only good outcome.
async function expectRejected(bytes, what, tally) {
  let model;
  try {
    model = await loadModel(bytes);
  } catch (e) {
    if (e instanceof BundleFormatError || e instanceof IntegrityError) {
      tally.rejected++;
      return;
    }
    tally.wrongError.push(`${what}: ${e?.name}: ${e?.message}`);
    return;
  }
  model.dispose();
  tally.undetected.push(what);
}

const only = process.env.CORRUPTION_BUNDLES?.split(',').filter(Boolean);
const files = readdirSync(bundlesDir).filter((f) => f.endsWith('.qcb') && (!only || only.includes(f))).sort();

test('fixture bundles are there', () => {
  assert.ok(files.length >= (only ? only.length : 8), `expected lenet300/lenet5 and their variants in ${bundlesDir}, found ${files}`);
});

const references = new Map();
for (const file of files) {
  test(`${file}: truncations and ${FLIPS} random byte flips are rejected`, async () => {
    const good = new Uint8Array(await readFile(path.join(bundlesDir, file)));
    references.set(file, await answer(good));
    const tally = { rejected: 0, undetected: [], wrongError: [] };
    const lengths = truncationLengths(good);
    for (const len of lengths) await expectRejected(good.subarray(0, len), `truncated to ${len} bytes`, tally);
    const truncations = lengths.length;
    const random = rng(0x5eed ^ good.length);
    const copy = new Uint8Array(good);
    for (let k = 0; k < FLIPS; k++) {
      const at = Math.floor(random() * good.length);
      const mask = 1 + Math.floor(random() * 255);
      copy[at] ^= mask;
      await expectRejected(copy, `byte ${at} ^= ${mask}`, tally);
      copy[at] ^= mask;
    }
    console.log(`corruption: ${file}: ${good.length} bytes, ${truncations} truncations, ${FLIPS} flips, ` +
      `${tally.rejected} rejected, ${tally.undetected.length} undetected, ${tally.wrongError.length} other errors`);
    assert.deepEqual(tally.undetected, [], 'corruptions that loaded');
    assert.deepEqual(tally.wrongError, [], 'corruptions rejected with a non-format error');
    assert.equal(tally.rejected, truncations + FLIPS);
  });
}

test('afterwards the same wasm instance loads and runs every good bundle with its original answer', async () => {
  for (const file of files) {
    if (!references.has(file)) continue;
    const good = new Uint8Array(await readFile(path.join(bundlesDir, file)));
    assert.deepEqual(await answer(good), references.get(file), file);
  }
});
