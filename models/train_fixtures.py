#!/usr/bin/python3
"""Train the project's Fashion-MNIST fixture models and export them to ONNX.

Run with /usr/bin/python3 (torch 1.13, onnx 1.12) from any directory:
    /usr/bin/python3 models/train_fixtures.py              # both models
    /usr/bin/python3 models/train_fixtures.py lenet5       # only the named ones
Writes, next to this file:
    lenet300.onnx, lenet5.onnx, fixtures.json,
    data/test1000-{images-idx3,labels-idx1}-ubyte.gz, data/labels.txt,
    data/lenet300-logits1000.npy, data/lenet5-logits1000.npy
Inputs are raw pixels / 255 with shape [N, 1, 28, 28]; outputs are logits [N, 10].
"""
import gzip
import json
import os
import random
import struct
import sys
import time

import numpy as np
import onnx
import torch
import torch.nn as nn

DATASET_DIR = "/usr/share/datasets/fashion-mnist"
HERE = os.path.dirname(os.path.abspath(__file__))
DATA_OUT = os.path.join(HERE, "data")
SUBSET = 1000
SEED = 20240601
OPSET = 13
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx_gz(path):
    """Returns (raw file bytes, numpy uint8 array) of an IDX file."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: payload has {body.size} bytes, header says {dims}")
    return raw, body.reshape(dims)


def write_idx_gz(path, array):
    """Writes a uint8 array as gzipped IDX with a fixed mtime (reproducible bytes)."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim)
    header += struct.pack(">" + "I" * array.ndim, *array.shape)
    with open(path, "wb") as raw_file:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw_file, mtime=0) as f:
            f.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def load_split(prefix):
    _, images = read_idx_gz(os.path.join(DATASET_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    _, labels = read_idx_gz(os.path.join(DATASET_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels


def to_input(images):
    return torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)


class LeNet300(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 300)
        self.fc2 = nn.Linear(300, 100)
        self.fc3 = nn.Linear(100, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        return self.fc3(x)


class LeNet5(nn.Module):
    """Caffe LeNet-5 as used in Deep Compression (20 and 50 conv filters, fc 500)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.pool(self.relu(self.conv1(x)))
        x = self.pool(self.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.relu(self.fc1(x))
        return self.fc2(x)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(model, x, y, epochs, lr, batch=128):
    gen = torch.Generator().manual_seed(SEED)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(x.shape[0], generator=gen)
        total, start = 0.0, time.time()
        for i in range(0, x.shape[0], batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        sched.step()
        print(f"  epoch {epoch + 1}/{epochs} loss {total / x.shape[0]:.4f} "
              f"({time.time() - start:.1f}s)", flush=True)


@torch.no_grad()
def logits_of(model, x, batch=1000):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, x.shape[0], batch)])


def accuracy(logits, y):
    return float((logits.argmax(1) == y).float().mean())


def export_onnx(model, path):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=OPSET,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def save_logits(path, logits):
    np.save(path, np.ascontiguousarray(logits.numpy().astype("<f4")), allow_pickle=False)


def write_report(path, report):
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")


def main():
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.makedirs(DATA_OUT, exist_ok=True)

    train_images, train_labels = load_split("train")
    test_images, test_labels = load_split("t10k")
    x_train, y_train = to_input(train_images), torch.from_numpy(train_labels.astype(np.int64))
    x_test, y_test = to_input(test_images), torch.from_numpy(test_labels.astype(np.int64))

    write_idx_gz(os.path.join(DATA_OUT, "test1000-images-idx3-ubyte.gz"), test_images[:SUBSET])
    write_idx_gz(os.path.join(DATA_OUT, "test1000-labels-idx1-ubyte.gz"), test_labels[:SUBSET])
    with open(os.path.join(DATA_OUT, "labels.txt"), "w") as f:
        f.write("\n".join(CLASS_NAMES) + "\n")

    specs = [("lenet300", LeNet300, 8, 1e-3), ("lenet5", LeNet5, 5, 1e-3)]
    wanted = sys.argv[1:] or [name for name, *_ in specs]
    unknown = set(wanted) - {name for name, *_ in specs}
    if unknown:
        sys.exit(f"unknown model(s) {sorted(unknown)}; known: lenet300, lenet5")
    report_path = os.path.join(HERE, "fixtures.json")
    previous = {}
    if os.path.exists(report_path):
        with open(report_path) as f:
            previous = json.load(f).get("models", {})
    report = {
        "dataset": {
            "name": "Fashion-MNIST",
            "source": DATASET_DIR,
            "train_images": int(x_train.shape[0]),
            "test_images": int(x_test.shape[0]),
            "subset": f"first {SUBSET} t10k images (data/test1000-*-ubyte.gz)",
            "input": {"name": "input", "shape": ["batch", 1, 28, 28], "dtype": "float32",
                      "normalization": "pixel / 255"},
            "output": {"name": "logits", "shape": ["batch", 10], "dtype": "float32"},
            "labels": "data/labels.txt",
        },
        "models": {},
    }
    for name, cls, epochs, lr in specs:
        if name not in wanted:
            if name in previous:
                report["models"][name] = previous[name]
            continue
        print(f"training {name}", flush=True)
        seed_everything(SEED)
        model = cls()
        start = time.time()
        train(model, x_train, y_train, epochs, lr)
        print(f"  trained in {time.time() - start:.0f}s", flush=True)
        onnx_path = os.path.join(HERE, f"{name}.onnx")
        export_onnx(model, onnx_path)
        test_logits = logits_of(model, x_test)
        subset_logits = logits_of(model, x_test[:SUBSET])
        save_logits(os.path.join(DATA_OUT, f"{name}-logits1000.npy"), subset_logits)
        entry = {
            "file": f"{name}.onnx",
            "test_accuracy_10k": round(accuracy(test_logits, y_test), 4),
            "subset_accuracy_1000": round(accuracy(subset_logits, y_test[:SUBSET]), 4),
            "parameters": sum(p.numel() for p in model.parameters()),
            "onnx_bytes": os.path.getsize(onnx_path),
            "reference_logits": f"data/{name}-logits1000.npy",
            "epochs": epochs,
        }
        report["models"][name] = entry
        print(f"  {entry}", flush=True)
        write_report(report_path, report)
    write_report(report_path, report)


if __name__ == "__main__":
    main()
