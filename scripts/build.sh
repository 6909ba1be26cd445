#!/usr/bin/env bash
# Builds the native converter + tests (build/native), the wasm runtimes (build/wasm:
# qcomp.wasm single-thread, qcomp-mt.wasm + glue with pthreads),
# the npm package files (dist/) and the fixture bundles (build/models).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}

cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$JOBS"

export NODE_PATH=/usr/share/nodejs
emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
cmake --build build/wasm -j"$JOBS"

npm run --silent build

bash scripts/convert-fixtures.sh
