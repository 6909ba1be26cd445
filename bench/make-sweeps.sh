#!/usr/bin/env bash
# Writes the variants bench/bench-models.mjs measures: build/sweep/<model>/{fp32,f16,int8,q4,cb4,cb3,cb2,auto}.qcb
# + variants.json (sizes, accuracy on the full Fashion-MNIST test set; int8 activations calibrated
# on the first 1000 training images), with build/native/qcomp.
# Usage: bench/make-sweeps.sh [model ...]   (default: lenet300 lenet5; a few minutes each on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
QCOMP=build/native/qcomp
DATA=/usr/share/datasets/fashion-mnist
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(lenet300 lenet5)
for m in "${models[@]}"; do
  mkdir -p "build/sweep/$m"
  $QCOMP sweep "models/$m.onnx" -o "build/sweep/$m" \
    --data "$DATA/t10k-images-idx3-ubyte.gz" --labels "$DATA/t10k-labels-idx1-ubyte.gz" \
    --calib "$DATA/train-images-idx3-ubyte.gz" --calib-count 1000 \
    --labels-file models/data/labels.txt --preprocess scale=0.00392156862745098,mean=0,std=1
done
