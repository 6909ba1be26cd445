#!/usr/bin/python3
"""Re-run every fixture ONNX file with a tiny numpy interpreter and compare
against the saved torch outputs (onnx 1.12 has no reference evaluator and
onnxruntime is not installed, so this is the independent check of the export).

    /usr/bin/python3 models/check_fixtures.py
Exits non-zero if any model differs by more than the tolerance.
"""
import gzip
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-4


def pads_of(attrs, spatial):
    pads = list(attrs.get("pads", [0] * 2 * spatial))
    return pads[:spatial], pads[spatial:]


def pad_nchw(x, begin, end, value=0.0):
    return np.pad(x, [(0, 0), (0, 0)] + list(zip(begin, end)), constant_values=value)


def windows(x, kernel, strides):
    """[N,C,H,W] -> [N,C,OH,OW,KH,KW] view of the sliding windows."""
    v = np.lib.stride_tricks.sliding_window_view(x, kernel, axis=(2, 3))
    return v[:, :, ::strides[0], ::strides[1]]


def conv(x, w, b, attrs):
    begin, end = pads_of(attrs, 2)
    strides = attrs.get("strides", [1, 1])
    if any(d != 1 for d in attrs.get("dilations", [1, 1])):
        raise NotImplementedError("dilated Conv")
    group = attrs.get("group", 1)
    v = windows(pad_nchw(x, begin, end), w.shape[2:], strides)
    cin_g, cout_g = x.shape[1] // group, w.shape[0] // group
    outs = []
    for g in range(group):
        vg = v[:, g * cin_g:(g + 1) * cin_g]
        wg = w[g * cout_g:(g + 1) * cout_g]
        outs.append(np.einsum("nchwij,ocij->nohw", vg, wg, optimize=True))
    y = np.concatenate(outs, axis=1)
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def pool(x, attrs, kind):
    if attrs.get("ceil_mode", 0):
        raise NotImplementedError("ceil_mode pooling")
    begin, end = pads_of(attrs, 2)
    kernel, strides = attrs["kernel_shape"], attrs.get("strides", [1, 1])
    if kind == "max":
        return windows(pad_nchw(x, begin, end, -np.inf), kernel, strides).max(axis=(4, 5))
    sums = windows(pad_nchw(x, begin, end), kernel, strides).sum(axis=(4, 5))
    if attrs.get("count_include_pad", 0):
        return sums / (kernel[0] * kernel[1])
    ones = pad_nchw(np.ones((1, 1) + x.shape[2:], x.dtype), begin, end)
    return sums / windows(ones, kernel, strides).sum(axis=(4, 5))


def gemm(a, b, c, attrs):
    a = a.T if attrs.get("transA", 0) else a
    b = b.T if attrs.get("transB", 0) else b
    y = attrs.get("alpha", 1.0) * (a @ b)
    return y if c is None else y + attrs.get("beta", 1.0) * c


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def batchnorm(x, scale, bias, mean, var, attrs):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    inv = scale / np.sqrt(var + attrs.get("epsilon", 1e-5))
    return (x - mean.reshape(shape)) * inv.reshape(shape) + bias.reshape(shape)


def run_node(op, a, attrs):
    if op == "Conv":
        return conv(a[0], a[1], a[2] if len(a) > 2 else None, attrs)
    if op == "MaxPool":
        return pool(a[0], attrs, "max")
    if op == "AveragePool":
        return pool(a[0], attrs, "avg")
    if op == "GlobalAveragePool":
        return a[0].mean(axis=(2, 3), keepdims=True)
    if op == "BatchNormalization":
        return batchnorm(*a[:5], attrs)
    if op == "Gemm":
        return gemm(a[0], a[1], a[2] if len(a) > 2 else None, attrs)
    if op == "Relu":
        return np.maximum(a[0], 0)
    if op == "LeakyRelu":
        return np.where(a[0] >= 0, a[0], attrs.get("alpha", 0.01) * a[0])
    if op == "Sigmoid":
        return 1 / (1 + np.exp(-a[0]))
    if op == "Tanh":
        return np.tanh(a[0])
    if op == "Softmax":
        return softmax(a[0], attrs.get("axis", -1))
    if op == "Clip":
        lo = a[1] if len(a) > 1 and a[1] is not None else attrs.get("min", -np.inf)
        hi = a[2] if len(a) > 2 and a[2] is not None else attrs.get("max", np.inf)
        return np.clip(a[0], lo, hi)
    if op == "Add":
        return a[0] + a[1]
    if op == "Concat":
        return np.concatenate(a, axis=attrs["axis"])
    if op == "Flatten":
        axis = attrs.get("axis", 1)
        return a[0].reshape(int(np.prod(a[0].shape[:axis])), -1)
    if op == "Pad":
        if attrs.get("mode", b"constant") != b"constant":
            raise NotImplementedError("non-constant Pad")
        p = a[1].reshape(2, -1)
        value = a[2] if len(a) > 2 and a[2] is not None else 0
        return np.pad(a[0], list(zip(p[0], p[1])), constant_values=value)
    if op == "Shape":
        return np.array(a[0].shape, dtype=np.int64)
    if op == "Gather":
        return np.take(a[0], a[1], axis=attrs.get("axis", 0))
    if op == "Unsqueeze":
        axes = attrs["axes"] if "axes" in attrs else a[1]
        return np.expand_dims(a[0], tuple(int(i) for i in axes))
    if op == "Reshape":
        return a[0].reshape(tuple(int(d) for d in a[1]))
    raise NotImplementedError(op)


def run_model(path, x):
    model = onnx.load(path)
    onnx.checker.check_model(model)
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Constant":
            env[node.output[0]] = numpy_helper.to_array(attrs["value"])
            continue
        args = [env[i] if i else None for i in node.input]
        env[node.output[0]] = run_node(node.op_type, args, attrs)
    return env[model.graph.output[0].name]


def fashion_subset():
    raw = gzip.open(os.path.join(HERE, "data", "test1000-images-idx3-ubyte.gz")).read()
    pixels = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 1, 28, 28)
    return pixels.astype(np.float32) / 255.0


def cases():
    subset = fashion_subset()
    for name in ("lenet300", "lenet5"):
        yield (f"{name}.onnx", subset, f"data/{name}-logits1000.npy")
    extra = os.path.join(HERE, "extra")
    for f in sorted(os.listdir(extra)):
        if f.endswith(".onnx"):
            stem = f[:-len(".onnx")]
            yield (f"extra/{f}", np.load(os.path.join(extra, f"{stem}.input.npy")),
                   f"extra/{stem}.output.npy")


def main():
    failures = 0
    for onnx_file, x, ref_file in cases():
        if not os.path.exists(os.path.join(HERE, onnx_file)):
            failures += 1
            print(f"FAIL {onnx_file}: missing")
            continue
        ref = np.load(os.path.join(HERE, ref_file))
        out = np.concatenate([run_model(os.path.join(HERE, onnx_file), x[i:i + 250])
                              for i in range(0, x.shape[0], 250)])
        diff = float(np.abs(out - ref).max()) if out.shape == ref.shape else float("inf")
        ok = diff <= TOLERANCE * max(1.0, float(np.abs(ref).max()))
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {onnx_file}: shape {out.shape}, max abs diff {diff:.2e}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
