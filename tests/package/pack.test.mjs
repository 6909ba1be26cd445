// The published package, tested the way users get it: `npm pack` -> install the
// tarball into an empty folder (no dev dependencies, no build tools) -> plain Node
// ESM and CommonJS scripts load the fixture bundles and classify the 1,000-image
// test subset at the accuracy models/fixtures.json records; the tarball stays
// within 500 KB unpacked with both wasm builds; importing loads nothing; the
// declarations type-check for import and require consumers.
// Needs dist/ (npm run build) and build/models (scripts/convert-fixtures.sh).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const consumerFiles = path.join(root, 'tests', 'package', 'consumer');
// Issue 5's budget for the unpacked package with both wasm builds (stored gzipped:
// raw, the two modules alone are ~0.8 MB).
const UNPACKED_BUDGET = 500_000;
const BUNDLES = ['lenet300', 'lenet5'];
const images = path.join(root, 'models', 'data', 'test1000-images-idx3-ubyte.gz');
const labels = path.join(root, 'models', 'data', 'test1000-labels-idx1-ubyte.gz');

let work;
let project;
let packed;

// The consumer runs with nothing from this machine's Node setup: no NODE_PATH (Debian's
// /usr/share/nodejs), cwd the temp project.
function consumerEnv() {
  const env = { ...process.env };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  return env;
}

async function node(args) {
  const { stdout } = await run(process.execPath, args, { cwd: project, env: consumerEnv(), maxBuffer: 1 << 24 });
  return stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

before(async () => {
  for (const b of BUNDLES) assert.ok(existsSync(path.join(root, 'build', 'models', `${b}.qcb`)), `build/models/${b}.qcb missing: run scripts/build.sh`);
  work = await mkdtemp(path.join(tmpdir(), 'qcomp-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, maxBuffer: 1 << 24 });
  [packed] = JSON.parse(stdout);
  project = path.join(work, 'consumer');
  await run('mkdir', ['-p', project]);
  await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  await run('npm', ['install', path.join(work, packed.filename), '--no-audit', '--no-fund', '--offline', '--loglevel=error'],
    { cwd: project, env: consumerEnv() });
  for (const name of await readdir(consumerFiles)) await copyFile(path.join(consumerFiles, name), path.join(project, name));
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('tarball: dist files only, both wasm builds, within 500 KB unpacked', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const must of ['package.json', 'README.md', 'dist/index.js', 'dist/index.cjs', 'dist/worker.js',
    'dist/index.d.cts', 'dist/qcomp.wasm.gz', 'dist/qcomp-mt.wasm.gz', 'dist/qcomp-mt.mjs', 'dist/qcomp-mt.worker.js']) {
    assert.ok(files.includes(must), `the tarball lacks ${must}`);
  }
  const stray = files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md'].includes(f));
  assert.deepEqual(stray, [], 'files outside dist/');
  const sizes = packed.files.filter((f) => /\.(wasm\.gz|js|cjs|mjs)$/.test(f.path)).map((f) => `${f.path} ${f.size}`).join(', ');
  console.log(`# ${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked (${packed.entryCount} files: ${sizes})`);
  assert.ok(packed.unpackedSize <= UNPACKED_BUDGET, `unpacked ${packed.unpackedSize} bytes > ${UNPACKED_BUDGET}: ${sizes}`);
});

test('installed: the package and nothing else (no dependencies)', async () => {
  const installed = (await readdir(path.join(project, 'node_modules'))).filter((n) => !n.startsWith('.'));
  assert.deepEqual(installed, ['qcomp-wasm']);
  const pkg = JSON.parse(await readFile(path.join(project, 'node_modules', 'qcomp-wasm', 'package.json'), 'utf8'));
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.dependencies, undefined);
  assert.ok(pkg.exports['.'].import && pkg.exports['.'].require, 'exports map has import and require');
});

async function expectedAccuracy(name) {
  const fixtures = JSON.parse(await readFile(path.join(root, 'models', 'fixtures.json'), 'utf8'));
  return fixtures.models[name].subset_accuracy_1000;
}

test('ESM script: classify() on raw pixels reaches each fixture\'s accuracy', async () => {
  const results = await node(['esm.mjs', images, labels, ...BUNDLES.map((b) => path.join(root, 'build', 'models', `${b}.qcb`))]);
  assert.equal(results.length, BUNDLES.length);
  for (const [i, name] of BUNDLES.entries()) {
    const r = results[i];
    assert.equal(r.count, 1000);
    assert.equal(Number((r.correct / r.count).toFixed(4)), await expectedAccuracy(name), `${name}: ${r.correct}/1000`);
    assert.equal(r.top3.length, 3);
    assert.ok(r.top3[0].score >= r.top3[1].score && r.top3[1].score >= r.top3[2].score);
    assert.equal(typeof r.top3[0].label, 'string');
    assert.notEqual(r.top3[0].label, String(r.top3[0].index), 'labels come from the bundle');
    assert.deepEqual(r.runtime, { build: 'single-thread', threads: 1, simd: true });
    assert.equal(r.disposedError, 'DisposedError');
  }
});

test('CJS script: require(), Buffer source, batched run() reach each fixture\'s accuracy', async () => {
  const results = await node(['cjs.cjs', images, labels, ...BUNDLES.map((b) => path.join(root, 'build', 'models', `${b}.qcb`))]);
  assert.equal(results.length, BUNDLES.length);
  for (const [i, name] of BUNDLES.entries()) {
    assert.equal(Number((results[i].correct / results[i].count).toFixed(4)), await expectedAccuracy(name), name);
    assert.equal(results[i].shapeError, 'shape_mismatch');
  }
});

test('import loads nothing; loadModel then reads and compiles the runtime', async () => {
  const [r] = await node(['import-only.mjs', path.join(root, 'build', 'models', 'lenet300.qcb')]);
  assert.deepEqual(r.afterImport, []);
  assert.ok(r.afterLoad.some((c) => /qcomp\.wasm/.test(c)), JSON.stringify(r.afterLoad));
  assert.ok(r.afterLoad.some((c) => c.startsWith('WebAssembly.')), JSON.stringify(r.afterLoad));
});

test('declarations type-check for ESM (import) and CommonJS (require) consumers', async () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const file of ['types-esm.mts', 'types-cjs.cts']) {
    await writeFile(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { noEmit: true, strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
        lib: ['es2022', 'dom'], types: [], skipLibCheck: false },
      files: [file],
    }));
    try {
      await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, env: consumerEnv() });
    } catch (e) {
      assert.fail(`${file} does not type-check against the installed package:\n${e.stdout}${e.stderr}`);
    }
  }
});
