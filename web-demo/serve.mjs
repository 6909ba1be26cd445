// Serves the repository root on localhost so web-demo/ can import dist/ and build/models/.
// Usage: node web-demo/serve.mjs [--isolated]   (PORT=8080 by default)
// --isolated sends Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp, which make pages cross-origin
// isolated: SharedArrayBuffer exists and qcomp-wasm runs its threaded build.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm',
  '.json': 'application/json', '.qcb': 'application/octet-stream', '.gz': 'application/gzip' };

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Starts the server; resolves to { server, url } (url: the origin, with a trailing slash).
 * port 0 picks a free port; `missing`: paths (from the root, e.g. '/dist/qcomp-mt.mjs')
 * answered 404, for tests; `cacheControl(path)`: a Cache-Control header for a path, or
 * undefined for none (tests: a page shell the browser may keep while offline).
 */
export function startServer({ port = 8080, isolated = false, missing = [], cacheControl = () => undefined } = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    const file = join(root, path.endsWith('/') ? path + 'index.html' : path);
    if (!file.startsWith(root)) return res.writeHead(403).end();
    const headers = isolated ? { ...ISOLATION_HEADERS } : {};
    const caching = cacheControl(path);
    if (caching) headers['cache-control'] = caching;
    if (missing.includes(path)) return res.writeHead(404, headers).end('not found');
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolvePromise({ server, url: `http://127.0.0.1:${server.address().port}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const isolated = process.argv.includes('--isolated');
  const { url } = await startServer({ port: Number(process.env.PORT ?? 8080), isolated });
  console.log(`${url}web-demo/${isolated ? '   (cross-origin isolated: COOP/COEP headers on)' : ''}`);
}
