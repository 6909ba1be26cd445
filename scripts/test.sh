#!/usr/bin/env bash
# Quick start, command 2: set up, build, and run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh

status=0
run() {
  echo "==> $*"
  "$@" || status=1
}
run ctest --test-dir build/native --output-on-failure -j"$(nproc)"
run build/native/qcomp_corruption_sweep --flips "${CORRUPTION_FLIPS:-10000}" build/models/*.qcb
run build/native/qcomp_conformance --data /usr/share/libonnx-testdata/data/node --out build/conformance \
  --expect tests/conformance/expected_failures.txt --expect-pass tests/conformance/expected_pass.txt
run node tests/conformance/run_wasm.mjs build/conformance --expect tests/conformance/expected_failures.txt \
  --expect-pass tests/conformance/expected_pass.txt
run bash tests/cli/run.sh
run node --test tests/node/
run node --test tests/package/
run node --test tests/browser/
# Hardening (docs/RELIABILITY.md): the Catch2 suite under ASan + UBSan, then each
# libFuzzer target for FUZZ_SECONDS (default 60).
run bash scripts/sanitize.sh
run bash scripts/fuzz.sh
exit $status
