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
mkdir -p "$TMP/swin"
cp models/lenet300.onnx "$TMP/swin/q4.qcb"
before=$(sha256sum "$TMP/swin/q4.qcb")
err=$($QCOMP sweep "$TMP/swin/q4.qcb" --data models/data/test1000-images-idx3-ubyte.gz \
  --labels models/data/test1000-labels-idx1-ubyte.gz -o "$TMP/swin" --variants fp32,q4 2>&1 >/dev/null); code=$?
check "sweep refuses to overwrite its input: exit $code" test "$code" -ne 0
check "sweep refuses to overwrite its input: message (got: $err)" grep -q "is the input file" <<<"$err"
check "sweep input unchanged" test "$before" = "$(sha256sum "$TMP/swin/q4.qcb")"

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

# --- eval: accuracy on the committed subset, agreement with the ONNX source, bad data
IMG=models/data/test1000-images-idx3-ubyte.gz
LAB=models/data/test1000-labels-idx1-ubyte.gz
json=$($QCOMP eval "$TMP/out/lenet300.qcb" --data $IMG --labels $LAB --json --runs 3 2>/dev/null)
check "eval --json exit" test $? -eq 0
check "eval --json accuracy equals fixtures.json" node -e '
  const j = JSON.parse(process.argv[1]);
  const fx = require("./models/fixtures.json").models.lenet300;
  if (!fx || fx.subset_accuracy_1000 === undefined) throw new Error("fixtures.json: no lenet300 subset accuracy");
  if (Math.abs(j.accuracy - fx.subset_accuracy_1000) > 1e-9) throw new Error("accuracy " + j.accuracy);
  if (j.count !== 1000) throw new Error("count " + j.count);
  if (!(j.top5 >= j.accuracy && j.top5 <= 1)) throw new Error("top5 " + j.top5);
  if (j.agreement !== null) throw new Error("agreement without --ref");
  if (!(j.latency_ms.batch1 > 0 && j.latency_ms.batch32 > 0)) throw new Error("latency");
' "$json"
json=$($QCOMP eval "$TMP/out/lenet300.qcb" --ref models/lenet300.onnx --data $IMG --labels $LAB --limit 200 \
  --json --runs 0 --quiet 2>/dev/null)
check "eval --ref agrees with the ONNX source" node -e '
  const j = JSON.parse(process.argv[1]);
  if (j.count !== 200 || j.agreement !== 1 || !(j.max_logit_error < 1e-4)) throw new Error(process.argv[1]);
  if (j.latency_ms.batch1 !== null) throw new Error("latency with --runs 0");
' "$json"
check "eval text report" bash -c "$QCOMP eval '$TMP/out/lenet300.qcb' --data $IMG --labels $LAB --limit 100 --runs 1 \
  --quiet | grep -qE 'accuracy +[0-9.]+%'"
{ printf '\x00\x00\x08\x03\x00\x00\x00\x05\x00\x00\x00\x0a\x00\x00\x00\x0a'; head -c 500 /dev/zero; } >"$TMP/bad/small-idx3-ubyte"
err=$($QCOMP eval "$TMP/out/lenet300.qcb" --data "$TMP/bad/small-idx3-ubyte" --runs 0 2>&1 >/dev/null); code=$?
check "eval wrong item shape exit 2" test $code -eq 2
check "eval wrong item shape message (got: $err)" \
  grep -qE "small-idx3-ubyte items have 100 values, model input 'input' expects 784" <<<"$err"
printf '\x00\x00\x08\x03\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x1c' >"$TMP/bad/empty-idx3-ubyte"
err=$($QCOMP eval "$TMP/out/lenet300.qcb" --data "$TMP/bad/empty-idx3-ubyte" 2>&1 >/dev/null); code=$?
check "eval empty dataset exit 2" test $code -eq 2
check "eval empty dataset message (got: $err)" grep -q "empty-idx3-ubyte is empty" <<<"$err"
err=$($QCOMP eval "$TMP/out/lenet300.qcb" --data "$TMP/bad/none.gz" 2>&1 >/dev/null); code=$?
check "eval missing dataset exit 2 naming it (got: $err)" bash -c "test $code -eq 2 && grep -q none.gz <<<'$err'"
$QCOMP eval "$TMP/out/lenet300.qcb" --labels $LAB >/dev/null 2>&1
check "eval without --data is a usage error" test $? -eq 1

# --- quantization: schemes, static int8 calibration, clean failures
PIX=scale=0.00392156862745098
mkdir -p "$TMP/q" "$TMP/q1" "$TMP/q2" "$TMP/q3" "$TMP/q4" "$TMP/q5"
check "convert --weights q4" $QCOMP convert models/lenet300.onnx -o "$TMP/q/l300-q4.qcb" --weights q4 --preprocess $PIX
check "inspect shows q4_block" bash -c "$QCOMP inspect '$TMP/q/l300-q4.qcb' | grep -q q4_block"
check "inspect shows f32 weights packed by default" bash -c "$QCOMP inspect '$TMP/out/lenet300.qcb' | grep -qE 'fc1.weight .* f32_packed'"
check "convert --f32-layout dense" $QCOMP convert models/lenet300.onnx -o "$TMP/q/l300-dense.qcb" --f32-layout dense
check "inspect shows dense f32 weights" bash -c "$QCOMP inspect '$TMP/q/l300-dense.qcb' | grep -E 'fc1.weight' | grep -qw dense"
expect_fail "bad --f32-layout" "f32-layout" "$TMP/q5/bad-layout.qcb" -- $QCOMP convert models/lenet300.onnx -o "$TMP/q5/bad-layout.qcb" --f32-layout wide
check "convert int8 + static int8 activations" $QCOMP convert models/lenet300.onnx -o "$TMP/q/l300-int8.qcb" \
  --weights int8 --activations int8 --calib models/data/test1000-images-idx3-ubyte.gz --calib-count 200 --preprocess $PIX
json=$($QCOMP inspect "$TMP/q/l300-int8.qcb" --json)
check "int8 bundle reports i8_channel weights with x_quant 2" node -e '
  const c = JSON.parse(process.argv[1]).metadata.compression;
  const w = c.layers.filter(l => l.scheme === "i8_channel");
  if (w.length !== 3) throw new Error("i8_channel layers " + w.length);
  if (!w.every(l => l.x_quant === 2 && l.x_scale > 0)) throw new Error("x_quant");
  if (c.calibration.method !== "entropy") throw new Error("method");
' "$json"
expect_fail "codebook bits out of range" "cb9.*out of range 2\.\.8" "$TMP/q1/x.qcb" -- \
  $QCOMP convert models/lenet300.onnx -o "$TMP/q1/x.qcb" --weights cb9
expect_fail "unknown weight scheme" "unknown weight scheme 'int3'.*valid" "$TMP/q2/x.qcb" -- \
  $QCOMP convert models/lenet300.onnx -o "$TMP/q2/x.qcb" --weights int3
expect_fail "calibration data of the wrong shape" "items have 1 values.*expects 784" "$TMP/q3/x.qcb" -- \
  $QCOMP convert models/lenet300.onnx -o "$TMP/q3/x.qcb" --weights int8 --activations int8 \
  --calib models/data/test1000-labels-idx1-ubyte.gz
printf '\x00\x00\x08\x03\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x1c' >"$TMP/bad/empty-idx3-ubyte"
expect_fail "empty calibration data" "empty" "$TMP/q4/x.qcb" -- \
  $QCOMP convert models/lenet300.onnx -o "$TMP/q4/x.qcb" --weights int8 --activations int8 --calib "$TMP/bad/empty-idx3-ubyte"
printf '{"default": "int8", "layers": [{"match": "fc3*", "weights": "cb12"}]}' >"$TMP/bad/spec.json"
expect_fail "bad spec file" "spec.*layers\[0\].*cb12" "$TMP/q5/x.qcb" -- \
  $QCOMP convert models/lenet300.onnx -o "$TMP/q5/x.qcb" --spec "$TMP/bad/spec.json"

# --- interrupted runs (SIGINT, SIGTERM) leave no partial or temporary file: a sweep
# writes variant after variant; it is interrupted at several moments, and whatever it
# left must be whole bundles that verify. The wrapper restores SIGINT's default action
# (a non-interactive shell starts background jobs with SIGINT ignored).
with_default_sigint() { python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
interrupted=0
for sig in INT TERM; do
  for delay in 0.3 1.5 4; do
    out="$TMP/sig-$sig-$delay"
    mkdir -p "$out"
    with_default_sigint $QCOMP sweep models/lenet300.onnx --data "$IMG" --labels "$LAB" -o "$out" \
      --variants fp32,int8,q4,cb4 >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid"
    code=$?
    [[ $code -eq 130 || $code -eq 143 ]] && interrupted=$((interrupted + 1))
    check "SIG$sig after ${delay}s: killed by the signal or finished (exit $code)" \
      bash -c "[[ $code -eq 0 || $code -eq 130 || $code -eq 143 ]]"
    check "SIG$sig after ${delay}s: no temporary file left ($(ls -A "$out" | tr '\n' ' '))" \
      bash -c "! ls -A '$out' | grep -q tmp"
    for f in "$out"/*.qcb; do
      [[ -e $f ]] || continue
      check "SIG$sig after ${delay}s: $(basename "$f") is a whole bundle" bash -c "$QCOMP inspect '$f' >/dev/null 2>&1"
    done
  done
done
check "at least one sweep was interrupted by a signal ($interrupted)" test "$interrupted" -gt 0

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
