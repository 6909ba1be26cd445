// Reruns the natively converted ONNX node tests through the wasm runtime and the
// public JS API: every <dir>/<test>/model.qcb that qcomp_conformance wrote for a
// test that passed or failed natively is loaded with loadModel, fed input_N.npy
// and compared with output_N.npy (|a-b| <= 1e-4*max(1,|b|) for floats, NaN
// matches NaN; exact for integers and bools).
//
// Usage: node tests/conformance/run_wasm.mjs build/conformance [--expect FILE] [--expect-pass FILE]
//                                            [--filter SUBSTR] [--verbose]
// Exit status: 0 when every failure is listed in --expect and every test of
// --expect-pass ran and passed in wasm, 1 otherwise, 2 on usage errors.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';

async function importApi() {
  try {
    return await import('qcomp-wasm');
  } catch (e) {
    const fallback = new URL('../../dist/index.js', import.meta.url);
    if (!existsSync(fallback)) throw e;
    console.warn(`run_wasm: import 'qcomp-wasm' failed (${e.message}); using ${fallback.pathname}`);
    return import(fallback.href);
  }
}

function parseArgs(argv) {
  const opts = { dir: undefined, expect: undefined, expectPass: undefined, filter: '', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--expect') opts.expect = argv[++i];
    else if (a === '--expect-pass') opts.expectPass = argv[++i];
    else if (a === '--filter') opts.filter = argv[++i] ?? '';
    else if (a === '--verbose') opts.verbose = true;
    else if (a.startsWith('--') || opts.dir !== undefined) return undefined;
    else opts.dir = a;
  }
  if (opts.dir === undefined || (opts.expect === undefined && argv.includes('--expect')) ||
      (opts.expectPass === undefined && argv.includes('--expect-pass'))) return undefined;
  return opts;
}

async function readExpected(file) {
  const map = new Map();
  if (!file) return map;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const hash = line.indexOf('#');
    const name = (hash < 0 ? line : line.slice(0, hash)).trim();
    if (name) map.set(name, hash < 0 ? '' : line.slice(hash + 1).trim());
  }
  return map;
}

const NPY_DTYPES = {
  '<f4': ['float32', Float32Array],
  '<i8': ['int64', BigInt64Array],
  '<i4': ['int32', Int32Array],
  '|u1': ['uint8', Uint8Array],
  '|i1': ['int8', Int8Array],
  '|b1': ['bool', Uint8Array],
};

// Parses an .npy v1.0/v2.0 file written by qcomp_conformance (C order only).
export function parseNpy(buf, label) {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) throw new Error(`${label}: not an .npy file`);
  const major = buf[6];
  const hlen = major === 1 ? buf[8] | (buf[9] << 8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${label}: Fortran order is not supported`);
  if (!descr || !(descr in NPY_DTYPES) || shape === undefined) throw new Error(`${label}: unsupported header ${header}`);
  const dims = shape.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const [dtype, cls] = NPY_DTYPES[descr];
  const count = dims.reduce((p, d) => p * d, 1);
  const offset = start + hlen;
  if (buf.length - offset !== count * cls.BYTES_PER_ELEMENT) throw new Error(`${label}: data size does not match shape`);
  const copy = new Uint8Array(count * cls.BYTES_PER_ELEMENT);
  copy.set(buf.subarray(offset));
  return { dtype, dims, data: new cls(copy.buffer) };
}

function compare(actual, expected) {
  if (!actual) return 'output missing';
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  const ad = [...actual.dims], ed = expected.dims;
  if (ad.length !== ed.length || ad.some((d, i) => d !== ed[i])) return `dims [${ad}], expected [${ed}]`;
  const a = actual.data, b = expected.data;
  if (a.length !== b.length) return `${a.length} elements, expected ${b.length}`;
  let bad = 0, first = -1;
  const isFloat = expected.dtype === 'float32';
  for (let i = 0; i < b.length; i++) {
    let ok;
    if (isFloat) {
      const x = a[i], y = b[i];
      ok = Number.isNaN(x) || Number.isNaN(y) ? Number.isNaN(x) && Number.isNaN(y)
        : x === y || Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y));
    } else {
      ok = a[i] === b[i];
    }
    if (!ok) { bad++; if (first < 0) first = i; }
  }
  if (!bad) return '';
  return `${bad}/${b.length} elements differ; first at flat index ${first}: got ${a[first]}, expected ${b[first]}`;
}

async function runTest(api, dir, test) {
  const tdir = path.join(dir, test.name);
  const model = await api.loadModel(new Uint8Array(await readFile(path.join(tdir, 'model.qcb'))));
  try {
    const feeds = {};
    for (const [i, spec] of model.info.inputs.entries()) {
      const file = path.join(tdir, `input_${i}.npy`);
      const t = parseNpy(await readFile(file), file);
      feeds[spec.name] = new api.Tensor(t.dtype, t.data, t.dims);
    }
    const outputs = await model.run(feeds);
    const problems = [];
    for (const [k, spec] of model.info.outputs.entries()) {
      const file = path.join(tdir, `output_${k}.npy`);
      const diff = compare(outputs[spec.name], parseNpy(await readFile(file), file));
      if (diff) problems.push(`output '${spec.name}': ${diff}`);
    }
    return problems.length ? `wrong result: ${problems.join('; ')}` : '';
  } finally {
    model.dispose();
  }
}

function printTable(results) {
  const byOp = new Map();
  const total = { pass: 0, fail: 0 };
  for (const r of results) {
    const c = byOp.get(r.op) ?? { pass: 0, fail: 0 };
    c[r.ok ? 'pass' : 'fail']++;
    total[r.ok ? 'pass' : 'fail']++;
    byOp.set(r.op, c);
  }
  const row = (op, p, f) => console.log(`${op.padEnd(36)} ${String(p).padStart(5)} ${String(f).padStart(5)}`);
  row('op', 'pass', 'fail');
  for (const op of [...byOp.keys()].sort()) row(op, byOp.get(op).pass, byOp.get(op).fail);
  row('TOTAL', total.pass, total.fail);
  return total;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts) {
    console.error('usage: node tests/conformance/run_wasm.mjs <conformance out dir> [--expect FILE] [--filter SUBSTR] [--verbose]');
    return 2;
  }
  const summary = JSON.parse(await readFile(path.join(opts.dir, 'summary.json'), 'utf8'));
  const expected = await readExpected(opts.expect);
  const expectedPass = await readExpected(opts.expectPass);
  const api = await importApi();
  const tests = summary.tests.filter((t) => (t.status === 'pass' || t.status === 'fail') && t.artifacts &&
    t.name.includes(opts.filter) && existsSync(path.join(opts.dir, t.name, 'model.qcb')));
  const skipped = summary.tests.filter((t) => t.status === 'fail' && !t.artifacts).length;
  const results = [];
  for (const t of tests) {
    let error;
    try {
      error = await runTest(api, opts.dir, t);
    } catch (e) {
      error = `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}`;
    }
    results.push({ name: t.name, op: t.op, native: t.status, ok: !error, error });
    if (opts.verbose) console.error(`${t.name.padEnd(60)} ${error ? 'fail' : 'pass'}`);
  }
  const total = printTable(results);
  console.log(`tests run: ${results.length}  pass: ${total.pass}  fail: ${total.fail}` +
    `  (native failures without a bundle, not run: ${skipped})`);
  let unexpected = 0;
  const failing = results.filter((r) => !r.ok);
  if (failing.length) console.log('\nfailing tests:');
  for (const r of failing) {
    const listed = expected.has(r.name);
    if (!listed) unexpected++;
    console.log(`  ${r.name}${listed ? ' (expected)' : ''} [${r.op}] (native: ${r.native}): ${r.error}`);
  }
  for (const r of results) {
    if (r.ok && expected.has(r.name)) console.log(`note: ${r.name} is listed as an expected failure but passes in wasm`);
  }
  const byName = new Map(results.map((r) => [r.name, r]));
  let regressions = 0;
  for (const name of expectedPass.keys()) {
    if (!name.includes(opts.filter)) continue;
    const r = byName.get(name);
    if (r?.ok) continue;
    regressions++;
    console.log(`REGRESSION: ${name} is in ${opts.expectPass} but ${r ? `fails in wasm: ${r.error}` : 'did not run in wasm (no bundle: it no longer passes natively?)'}`);
  }
  if (opts.expectPass) {
    console.log(regressions ? `\n${regressions} regression(s) against ${opts.expectPass}`
      : `all ${expectedPass.size} tests of ${opts.expectPass} pass in wasm`);
  }
  if (unexpected) {
    console.log(`\n${unexpected} unexpected failure(s)${opts.expect ? ` (not listed in ${opts.expect})` : ''}`);
    return 1;
  }
  console.log(opts.expect ? `\nall failures are listed in ${opts.expect}` : '\nno failures');
  return regressions ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`run_wasm: ${e?.stack ?? e}`);
  process.exitCode = 2;
});
