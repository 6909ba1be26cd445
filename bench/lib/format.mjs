// The benchmark report as markdown tables.

const fmtMs = (v) => (Number.isFinite(v) ? (v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3)) : 'n/a');
const fmtX = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
const fmtInt = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const fmtPct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)} %` : '');

/** Markdown table; the first `textColumns` columns left-aligned, the rest (numbers) right-aligned. */
function table(header, rows, textColumns = 1) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((h, i) => (i < textColumns ? '---' : '---:')).join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

/** Latency table of one model: one row per runner, per batch ms + speed-ups vs our fp32 and ORT fp32. */
export function latencyTable(model) {
  const batches = model.batches;
  const header = ['runtime / variant', 'bundle bytes', 'size vs fp32'];
  for (const b of batches) header.push(`batch ${b} ms`, `speed-up vs our fp32`, `vs ORT fp32`);
  if (model.rows.some((r) => r.accuracy !== undefined)) header.push('accuracy (sweep)');
  const fp32 = model.rows.find((r) => r.variant === 'fp32' && r.runtime === 'qcomp');
  const ort = model.rows.find((r) => r.runtime === 'ort');
  const rows = model.rows.map((r) => {
    const cells = [r.label, fmtInt(r.bundleBytes), r.runtime === 'qcomp' && fp32 ? fmtX(r.bundleBytes / fp32.bundleBytes) : ''];
    for (const b of batches) {
      const ms = r.latency[b]?.median;
      cells.push(fmtMs(ms), fp32 ? fmtX(fp32.latency[b]?.median / ms) : '', ort ? fmtX(ort.latency[b]?.median / ms) : '');
    }
    if (header.length > cells.length) cells.push(fmtPct(r.accuracy));
    return cells;
  });
  return table(header, rows);
}

export function coldStartTable(coldStarts) {
  return table(['model', 'runtime / variant', 'import ms', 'bytes in memory → first result ms', 'total ms'],
    coldStarts.map((c) => [c.model, c.label, fmtMs(c.importMs), fmtMs(c.firstResultMs), fmtMs(c.totalMs)]), 2);
}

export function sizesTable(sizes) {
  const rows = [];
  for (const s of sizes) {
    for (const f of s.files) rows.push([s.runtime, f.name, fmtInt(f.raw), fmtInt(f.gzip), fmtInt(f.brotli)]);
    rows.push([s.runtime, '**total**', `**${fmtInt(s.total.raw)}**`, `**${fmtInt(s.total.gzip)}**`, `**${fmtInt(s.total.brotli)}**`]);
  }
  return table(['runtime', 'file', 'raw bytes', 'gzip -9', 'brotli -q 11'], rows, 2);
}

export function markdownReport(report) {
  const out = [];
  const m = report.machine;
  out.push(`Run ${report.date} — Node ${m.node} (V8 ${m.v8}), ${m.cpus} × ${m.cpuModel}, ${m.platform}; ` +
    `onnxruntime-web ${m.ort} (wasm EP, 1 thread, SIMD)` +
    `${m.tfjs ? `; TensorFlow.js ${m.tfjs} (tfjs-backend-wasm, 1 thread, SIMD)` : ''}.`);
  out.push(`Warm-up ${report.settings.warmupMs} ms per runner per batch size, then ${report.settings.rounds} interleaved ` +
    `rounds; each sample runs back-to-back until ≥ ${report.settings.minSampleMs} ms; medians in ms per run() call ` +
    '(a batch of B images, copies in and out included). Speed-up = reference ms / row ms (> 1: the row is faster).');
  for (const model of report.models) {
    out.push(`\n### ${model.name}\n`);
    out.push(latencyTable(model));
    if (model.sanity) out.push(`\n${model.sanity}`);
    for (const f of model.failures ?? []) out.push(`\nNot run: ${f}`);
  }
  if (report.coldStarts?.length) {
    out.push('\n### Cold start (fresh process per sample, median)\n');
    out.push(coldStartTable(report.coldStarts));
  }
  if (report.sizes?.length) {
    out.push('\n### Runtime artifact sizes\n');
    out.push(sizesTable(report.sizes));
  }
  return out.join('\n');
}
