// Download sizes of a runtime's files: raw, gzip -9 and brotli -q 11 (node:zlib). A file
// stored gzipped (qcomp's *.wasm.gz) is measured inflated, under its name without .gz,
// with its size as shipped in `stored`.
// Brotli 11 on ONNX Runtime's 14 MB .wasm takes minutes here, so results are
// cached in build/bench/size-cache.json by path, size and mtime.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { repoRoot } from './paths.mjs';

const cacheFile = path.join(repoRoot, 'build', 'bench', 'size-cache.json');

export function compressedSizes(bytes) {
  return {
    raw: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength },
    }).byteLength,
  };
}

function loadCache() {
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    return {};
  }
}

function cachedSizes(file, cache) {
  const st = statSync(file);
  const key = `${path.relative(repoRoot, file)}:${st.size}:${Math.round(st.mtimeMs)}`;
  if (!cache[key]) {
    cache[key] = file.endsWith('.gz') ? { ...compressedSizes(gunzipSync(readFileSync(file))), stored: st.size }
      : compressedSizes(readFileSync(file));
  }
  return cache[key];
}

/** Sizes per file (named by base name) and their total. */
export function fileSizes(paths) {
  const cache = loadCache();
  const files = paths.map((file) => {
    const sizes = cachedSizes(file, cache);
    const name = path.basename(file).replace(/\.gz$/, '');
    return { name: sizes.stored ? `${name} (ships gzipped: ${sizes.stored} B)` : name, ...sizes };
  });
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(cache, null, 1));
  const total = { name: 'total', raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of ['raw', 'gzip', 'brotli']) total[k] += f[k];
  return { files, total };
}

/** Sizes per file and their total: the files of `dir` whose name passes `filter`. */
export function artifactSizes(dir, filter) {
  const names = readdirSync(dir).filter(filter).sort();
  return { dir: path.relative(repoRoot, dir), ...fileSizes(names.map((name) => path.join(dir, name))) };
}
