#!/usr/bin/env bash
# CLI behaviour: conversion, inspection, and clean failures on bad input
# (typed message, non-zero exit, no output file, input never overwritten).
set -uo pipefail
cd "$(dirname "$0")/../.."
QCOMP=${QCOMP:-build/native/qcomp}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

check() {  # check NAME CONDITION-COMMAND...
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
  fi
}

expect_fail() {  # expect_fail NAME PATTERN OUTFILE -- command...
  local name=$1 pattern=$2 out=$3
  shift 4
  local err code
  err=$("$@" 2>&1 >/dev/null)
  code=$?
  check "$name: non-zero exit" test "$code" -ne 0
  check "$name: message matches '$pattern' (got: $err)" grep -qiE -- "$pattern" <<<"$err"
  check "$name: no output or temporary file left" test -z "$(ls -A "$(dirname "$out")")"
}

# --- a good conversion and inspection
mkdir -p "$TMP/out"
check "convert lenet300" $QCOMP convert models/lenet300.onnx -o "$TMP/out/lenet300.qcb" \
  --labels models/data/labels.txt --preprocess scale=0.00392156862745098,mean=0,std=1
check "bundle exists" test -s "$TMP/out/lenet300.qcb"
json=$($QCOMP inspect "$TMP/out/lenet300.qcb" --json)
check "inspect --json parameters" node -e '
  const j = JSON.parse(process.argv[1]);
  if (j.parameters !== 266610) throw new Error("parameters " + j.parameters);
  if (!j.checksums_ok) throw new Error("checksums");
  if (j.metadata.labels.length !== 10) throw new Error("labels");
  if (Math.abs(j.metadata.preprocess.scale - 1/255) > 1e-9) throw new Error("preprocess");
' "$json"
check "inspect text shows the sha256" bash -c "$QCOMP inspect '$TMP/out/lenet300.qcb' | grep -qiE 'sha-?256 +[0-9a-f]{64}'"

# --- bad inputs
mkdir -p "$TMP/bad" "$TMP/o1" "$TMP/o2" "$TMP/o3" "$TMP/o4"
head -c 1000 models/lenet300.onnx >"$TMP/bad/trunc.onnx"
expect_fail "truncated onnx" "onnx|parse|trunc" "$TMP/o1/x.qcb" -- $QCOMP convert "$TMP/bad/trunc.onnx" -o "$TMP/o1/x.qcb"
head -c 5000 /dev/urandom >"$TMP/bad/garbage.onnx"
expect_fail "garbage onnx" "onnx|parse" "$TMP/o2/y.qcb" -- $QCOMP convert "$TMP/bad/garbage.onnx" -o "$TMP/o2/y.qcb"
expect_fail "missing input" "no such|cannot open|not found" "$TMP/o3/z.qcb" -- $QCOMP convert "$TMP/bad/nope.onnx" -o "$TMP/o3/z.qcb"
if [[ -f /usr/share/libonnx-testdata/data/node/test_det_2d/model.onnx ]]; then
  cp /usr/share/libonnx-testdata/data/node/test_det_2d/model.onnx "$TMP/bad/unsupported.onnx"
  expect_fail "unsupported op" "unsupported op.*Det.*(supported|Conv)" "$TMP/o4/u.qcb" -- $QCOMP convert "$TMP/bad/unsupported.onnx" -o "$TMP/o4/u.qcb"
fi
cp models/lenet300.onnx "$TMP/bad/copy.onnx"
before=$(sha256sum "$TMP/bad/copy.onnx")
$QCOMP convert "$TMP/bad/copy.onnx" -o "$TMP/bad/copy.onnx" 2>/dev/null
check "refuses to overwrite its input" test "$?" -ne 0
check "input unchanged" test "$before" = "$(sha256sum "$TMP/bad/copy.onnx")"

# --- corrupted bundles: inspect must fail cleanly with a typed message
cp "$TMP/out/lenet300.qcb" "$TMP/bad/fake.qcb"
printf 'XXXX' | dd of="$TMP/bad/fake.qcb" bs=1 seek=0 conv=notrunc 2>/dev/null
err=$($QCOMP inspect "$TMP/bad/fake.qcb" 2>&1 >/dev/null); code=$?
check "bad magic exit" test $code -ne 0
check "bad magic message" grep -qi "magic" <<<"$err"
head -c 3000 "$TMP/out/lenet300.qcb" >"$TMP/bad/trunc.qcb"
err=$($QCOMP inspect "$TMP/bad/trunc.qcb" 2>&1 >/dev/null); code=$?
check "truncated bundle exit" test $code -ne 0
check "truncated bundle message" grep -qiE "truncat|offset|range" <<<"$err"
cp "$TMP/out/lenet300.qcb" "$TMP/bad/flip.qcb"
size=$(stat -c %s "$TMP/bad/flip.qcb")
printf '\x55' | dd of="$TMP/bad/flip.qcb" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
err=$($QCOMP inspect "$TMP/bad/flip.qcb" 2>&1 >/dev/null); code=$?
check "flipped byte exit" test $code -ne 0
check "flipped byte message" grep -qiE "checksum|crc|hash" <<<"$err"

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
