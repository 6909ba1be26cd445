// The kernel benchmark report as markdown: SIMD peak, then one GEMM table per shape.

// Targets of issue 4 (GEMM shapes, wasm, fraction of the per-thread peak).
export const KERNEL_TARGETS = [
  { what: 'fp32 GEMM', act: 'f32', fraction: 0.75, applies: (r) => r.act === 'f32' && (r.scheme === 'dense' || r.scheme.startsWith('f32')) },
  { what: 'int8 GEMM', act: 'i8', fraction: 0.70, applies: (r) => r.act === 'i8' && r.scheme === 'i8_channel' },
];

const PEAK_OPS = { f32: 'f32x4.mul+add', i8: 'i32x4.dot_i16x8+add' };

const fmtG = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3)) : '');
const fmtPct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)} %` : '');
const fmtX = (v) => (Number.isFinite(v) ? `${v.toFixed(1)}×` : '');

function table(header, rows, textColumns = 1) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < textColumns ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

/** { f32, i8 } best G(FL)OP/s of the peak records of one platform. */
export function peaks(records) {
  const best = (op) => {
    const g = records.filter((r) => r.kind === 'peak' && r.op === op).map((r) => r.gops);
    return g.length ? Math.max(...g) : NaN;
  };
  return { f32: best(PEAK_OPS.f32), i8: best(PEAK_OPS.i8) };
}

const shapeKey = (r) => `${r.m}×${r.n}×${r.k}`;

function gemmIndex(records) {
  const map = new Map();
  for (const r of records ?? []) if (r.kind === 'gemm') map.set(`${shapeKey(r)}|${r.kernel}|${r.impl}`, r);
  return map;
}

export function kernelMarkdown(report) {
  const out = [];
  const platforms = Object.keys(report.platforms);
  const build = (p) => report.platforms[p].find((r) => r.kind === 'build');
  const anyBuild = build(platforms[0]);
  out.push(`Kernel benchmark ${report.date}${report.command ? ` — \`${report.command}\`` : ''}. ` +
    `${platforms.map((p) => `${p}: ${build(p)?.compiler ?? '?'}`).join('; ')}. ` +
    `Each case: warm-up ${anyBuild?.warmup_ms} ms, then up to ${anyBuild?.samples} samples of back-to-back calls ` +
    `lasting ≥ ${anyBuild?.min_sample_ms} ms (capped at ${anyBuild?.max_case_ms} ms per case), median. ` +
    'One thread. GFLOP/s for float activations, GOP/s for int8 (1 MAC = 2 ops), both 2·M·N·K per call.');

  const pk = Object.fromEntries(platforms.map((p) => [p, peaks(report.platforms[p])]));
  out.push('\n#### SIMD peak per thread\n');
  const peakRows = [];
  const layouts = new Map();  // op|chains -> { op, chains }, in the order measured
  for (const p of platforms) {
    for (const r of report.platforms[p]) if (r.kind === 'peak') layouts.set(`${r.op}|${r.chains}`, r);
  }
  for (const { op, chains } of layouts.values()) {
    const cells = [`\`${op}\``, String(chains)];
    for (const p of platforms) {
      const passes = report.platforms[p].filter((x) => x.kind === 'peak' && x.op === op && x.chains === chains);
      const g = passes.length ? Math.max(...passes.map((x) => x.gops)) : NaN;
      const best = g === pk[p][op === PEAK_OPS.f32 ? 'f32' : 'i8'];
      cells.push(best ? `**${fmtG(g)}**` : fmtG(g));
    }
    peakRows.push(cells);
  }
  out.push(table(['op (acc = add(acc, op(a, b)))', 'chains', ...platforms.map((p) => `${p} G/s`)], peakRows, 2));
  out.push('\nMeasured before and after the GEMMs; each cell is the better of the two passes. ' +
    `Peak = the best layout (bold): ${platforms.map((p) => `${p} ${fmtG(pk[p].f32)} GFLOP/s f32, ` +
    `${fmtG(pk[p].i8)} GOP/s int8`).join('; ')}. Targets are checked against the wasm peak, on the GEMM shapes ` +
    `(M > 1): ${KERNEL_TARGETS.map((t) => `${t.what} ≥ ${fmtPct(t.fraction)}`).join(', ')}.`);

  const idx = Object.fromEntries(platforms.map((p) => [p, gemmIndex(report.platforms[p])]));
  const shapes = [];
  const kernelsByShape = new Map();
  for (const p of platforms) {
    for (const r of report.platforms[p]) {
      if (r.kind !== 'gemm') continue;
      const s = shapeKey(r);
      if (!kernelsByShape.has(s)) { shapes.push(r); kernelsByShape.set(s, new Map()); }
      if (!kernelsByShape.get(s).has(r.kernel)) kernelsByShape.get(s).set(r.kernel, r);
    }
  }
  const hasWasm = platforms.includes('wasm');
  for (const shape of shapes) {
    const s = shapeKey(shape);
    out.push(`\n#### GEMM M×N×K = ${s}${shape.m === 1 ? ' (batch-1 GEMV)' : ''}\n`);
    const header = ['kernel', 'act'];
    if (hasWasm) header.push('wasm SIMD G/s', 'wasm ref G/s', 'SIMD vs ref', '% of wasm peak', 'target');
    if (platforms.includes('native')) header.push('native SIMD G/s', 'native ref G/s', '% of native peak');
    const rows = [];
    for (const r of kernelsByShape.get(s).values()) {
      const cells = [r.kernel, r.act];
      const cell = (p) => {
        const simd = idx[p].get(`${s}|${r.kernel}|simd`);
        const ref = idx[p].get(`${s}|${r.kernel}|ref`);
        const best = simd ?? ref;
        return { simd, ref, fraction: best ? best.gops / pk[p][r.act] : NaN };
      };
      if (hasWasm) {
        const w = cell('wasm');
        const target = KERNEL_TARGETS.find((t) => t.applies(r));
        let verdict = '';
        if (target && shape.m > 1 && Number.isFinite(w.fraction)) {
          verdict = `≥ ${fmtPct(target.fraction)}: ${w.fraction >= target.fraction ? 'pass' : '**FAIL**'}`;
        }
        cells.push(fmtG(w.simd?.gops), fmtG(w.ref?.gops), w.simd && w.ref ? fmtX(w.simd.gops / w.ref.gops) : '',
          fmtPct(w.fraction), verdict);
      }
      if (platforms.includes('native')) {
        const n = cell('native');
        cells.push(fmtG(n.simd?.gops), fmtG(n.ref?.gops), fmtPct(n.fraction));
      }
      rows.push(cells);
    }
    out.push(table(header, rows, 2));
  }
  const notes = [];
  for (const p of platforms) {
    const diffs = report.platforms[p].filter((r) => r.kind === 'gemm' && Number.isFinite(r.rel_diff_vs_ref));
    if (diffs.length) {
      notes.push(`${p}: SIMD vs reference output, max |Δ| / max |ref| over all rows and shapes: ` +
        `${Math.max(...diffs.map((r) => r.rel_diff_vs_ref)).toExponential(1)}`);
    }
    for (const r of report.platforms[p].filter((x) => x.kind === 'skipped')) notes.push(`${p}: ${r.kernel} not run: ${r.why}`);
  }
  out.push('\n`% of peak` uses the SIMD function when the row has one, else the reference; `ref` rows are the scalar ' +
    'ground truth (`dense_f32 (ref_gemm)` is what the runtime runs today for an uncompressed fp32 Gemm). ' +
    `${[...new Set(notes)].join('. ')}.`);
  return out.join('\n');
}
