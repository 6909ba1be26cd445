#!/usr/bin/env bash
# Converts the committed fixture ONNX models into bundles under build/models.
set -euo pipefail
cd "$(dirname "$0")/.."
QCOMP=build/native/qcomp
mkdir -p build/models/extra
for m in lenet300 lenet5; do
  $QCOMP convert "models/$m.onnx" -o "build/models/$m.qcb" --name "$m" \
    --labels models/data/labels.txt --preprocess scale=0.00392156862745098,mean=0,std=1
  # Compressed variants for tests/node/no-inflation.test.mjs and bench/bench-models.mjs.
  for w in q4 cb4 cb3 int8; do
    $QCOMP convert "models/$m.onnx" -o "build/models/$m-$w.qcb" --name "$m-$w" --weights "$w" \
      --labels models/data/labels.txt --preprocess scale=0.00392156862745098,mean=0,std=1
  done
done
for f in models/extra/*.onnx; do
  name=$(basename "$f" .onnx)
  $QCOMP convert "$f" -o "build/models/extra/$name.qcb" --name "$name"
done
