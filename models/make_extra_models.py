#!/usr/bin/python3
"""Export small random-weight ONNX models that cover the converter's op set.

Run with /usr/bin/python3 (torch 1.13, onnx 1.12):
    /usr/bin/python3 models/make_extra_models.py
Writes models/extra/<name>.onnx plus <name>.input.npy (a batch of 4) and
<name>.output.npy (torch's float32 output for that batch) for every model.
BatchNorm layers get random running stats and affine params and are exported
as BatchNormalization nodes (not pre-folded by the exporter), so the
converter's own folding pass is what removes them.
"""
import os

import numpy as np
import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "extra")
BATCH = 4
SEED = 1234


class SmallMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 16)
        self.fc4 = nn.Linear(16, 5)
        self.leaky = nn.LeakyReLU(0.1)

    def forward(self, x):
        x = torch.sigmoid(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        x = self.leaky(self.fc3(x))
        return torch.softmax(self.fc4(x), dim=1)


class LeNetStyle(nn.Module):
    """Convs and pools with padding and stride on a [N,1,28,28] input."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)                # 28x28
        self.avg = nn.AvgPool2d(2)                                # 14x14
        self.conv2 = nn.Conv2d(6, 12, 3, stride=2, padding=1)     # 7x7
        self.max = nn.MaxPool2d(3, stride=2, padding=1)           # 4x4
        self.conv3 = nn.Conv2d(12, 16, 3, padding=1)              # 4x4
        self.avg_pad = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)  # 2x2
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.avg(self.relu(self.conv1(x)))
        x = self.max(self.relu(self.conv2(x)))
        x = self.avg_pad(self.relu(self.conv3(x)))
        x = torch.flatten(x, 1)
        return self.fc2(self.relu(self.fc1(x)))


def conv_bn(cin, cout, k, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout))


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a = conv_bn(cin, cout, 3, stride)
        self.b = conv_bn(cout, cout, 3)
        self.shortcut = conv_bn(cin, cout, 1, stride) if stride != 1 or cin != cout else None
        self.relu = nn.ReLU()

    def forward(self, x):
        skip = x if self.shortcut is None else self.shortcut(x)
        y = self.b(self.relu(self.a(x)))
        return self.relu(y + skip)


class ResNetStyle(nn.Module):
    """Small ResNet-like CNN on [N,3,32,32]; use_view swaps flatten for x.view(N, -1)."""

    def __init__(self, use_view=False):
        super().__init__()
        self.use_view = use_view
        self.stem = conv_bn(3, 16, 3)
        self.block1 = ResidualBlock(16, 16, 1)
        self.block2 = ResidualBlock(16, 32, 2)                     # 16x16
        self.depthwise = conv_bn(32, 32, 3, groups=32)
        self.relu6 = nn.ReLU6()
        self.branch_1x1 = nn.Conv2d(32, 16, 1)
        self.branch_3x3 = nn.Conv2d(32, 16, 3, padding=1)
        self.down = nn.Conv2d(32, 32, 3, stride=2, padding=1)      # 8x8
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.relu(self.stem(x))
        x = self.block2(self.block1(x))
        x = self.relu6(self.depthwise(x))
        x = torch.cat([self.branch_1x1(x), self.branch_3x3(x)], dim=1)
        x = self.pool(self.relu(self.down(x)))
        x = x.view(x.size(0), -1) if self.use_view else torch.flatten(x, 1)
        return self.fc(x)


def randomize_weights(model, gen, gain=1.6):
    """He-style init so activations keep their scale and outputs differ per sample."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            fan_in = m.weight[0].numel()
            with torch.no_grad():
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * gain / fan_in ** 0.5)
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.1)


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(torch.randn(n, generator=gen) * 0.5)
                m.running_var.copy_(torch.rand(n, generator=gen) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(n, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(n, generator=gen) * 0.2)


def export(model, x, name, opset=13):
    """Exports with a dynamic batch dim and saves the input batch and torch's output."""
    model.eval()
    path = os.path.join(OUT_DIR, f"{name}.onnx")
    torch.onnx.export(model, x, path, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE)  # keep BatchNormalization nodes
    proto = onnx.load(path)
    onnx.checker.check_model(proto)
    with torch.no_grad():
        y = model(x)
    np.save(os.path.join(OUT_DIR, f"{name}.input.npy"), x.numpy().astype("<f4"))
    np.save(os.path.join(OUT_DIR, f"{name}.output.npy"), y.numpy().astype("<f4"))
    ops = sorted({n.op_type for n in proto.graph.node})
    spread = float(y.std(0).mean())
    print(f"{name}: opset {opset}, output spread over batch {spread:.3f}, {os.path.getsize(path)} bytes, ops {ops}")


def make(cls, seed, *args):
    torch.manual_seed(seed)
    model = cls(*args)
    gen = torch.Generator().manual_seed(seed + 1)
    randomize_weights(model, gen)
    randomize_batchnorm(model, gen)
    return model.eval()


def main():
    torch.set_num_threads(1)  # tiny models; one thread makes the saved outputs bit-reproducible
    os.makedirs(OUT_DIR, exist_ok=True)
    gen = torch.Generator().manual_seed(SEED)

    export(make(SmallMLP, SEED), torch.randn(BATCH, 20, generator=gen), "mlp")
    export(make(LeNetStyle, SEED), torch.rand(BATCH, 1, 28, 28, generator=gen), "lenet_style")

    resnet_input = torch.randn(BATCH, 3, 32, 32, generator=gen)
    resnet = make(ResNetStyle, SEED)
    export(resnet, resnet_input, "resnet_style")
    export(resnet, resnet_input, "resnet_style_op11", opset=11)
    export(resnet, resnet_input, "resnet_style_op17", opset=17)
    resnet_view = make(ResNetStyle, SEED, True)
    export(resnet_view, resnet_input, "resnet_style_view")


if __name__ == "__main__":
    main()
