#!/usr/bin/python3
"""Build the ONNX test models, test images and reference activations of intdim.

This script is NOT needed to run the Go tests: its outputs are committed under
onnx/testdata and imageset/testdata. It documents how they were made.

Versions used (Debian bookworm packages):
    python3-torch 1.13.1+dfsg-4, python3-torchvision 0.14.1-2,
    python3-pil 9.4.0-1.1+deb12u1, python3-numpy 1:1.24.2, python3-onnx 1.12.0-2.

Run from the repository root:  /usr/bin/python3 scripts/export_onnx.py

Outputs
    onnx/testdata/resnet_tiny.onnx, onnx/testdata/vgg_tiny.onnx
        Tiny ResNet-style and VGG-style networks for 3x16x16 inputs, random
        weights from fixed seeds, dynamic batch axis, opset 13.
    onnx/testdata/vgg_tiny_b5.onnx
        vgg_tiny exported with a fixed batch size of 5.
    onnx/testdata/ops_tiny.onnx
        A small network using the remaining operators of intdim's native
        backend (only its output is kept as a reference).
    onnx/testdata/images/img_N.png (N = 1..96)
        Small generated images on a low-dimensional manifold (coloured blobs and
        gradients); RGB, grey, RGBA and palette PNGs.
    onnx/testdata/ref_<model>_<layer>.npy
        float32 activations of the layers that '--layers auto' picks, for all
        96 images in natural name order, flattened per image. Preprocessing:
        scale to [0, 1], normalise with the ImageNet mean and std. (Outputs of
        fully connected layers can change in the last bit between runs:
        PyTorch's threaded matrix products.)
    imageset/testdata/...
        Odd-sized images and their torchvision preprocessing (Resize(20),
        CenterCrop(16), ToTensor, Normalize), for the resize/crop test, and
        JPEGs with their PIL decoding.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torchvision.transforms as T
from PIL import Image

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ODIR = os.path.join(ROOT, "onnx", "testdata")
IDIR = os.path.join(ROOT, "imageset", "testdata")
NIMG = 96
SIZE = 16


def randomize_bn(m, g):
    """Give batch-norm layers non-trivial running statistics and affine terms."""
    for mod in m.modules():
        if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = mod.num_features
            mod.running_mean.copy_(0.1 * torch.randn(c, generator=g))
            mod.running_var.copy_(0.5 + torch.rand(c, generator=g))
            mod.weight.data.copy_(0.8 + 0.4 * torch.rand(c, generator=g))
            mod.bias.data.copy_(0.1 * torch.randn(c, generator=g))


class Block(nn.Module):
    """Basic residual block: conv-bn-relu-conv-bn, add shortcut, relu."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        s = x if self.down is None else self.down(x)
        return torch.relu(y + s)


class ResNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.block1 = Block(8, 8, 1)
        self.block2 = Block(8, 16, 2)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn(self.conv(x))))
        x = self.block2(self.block1(x))
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


class VGGTiny(nn.Module):
    """conv-relu-conv-relu-maxpool, batch norm (not fusable: after the pool),
    conv-relu-avgpool, flatten, fc (Gemm) + relu, fc as MatMul + Add."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.p1 = nn.MaxPool2d(2)
        self.bn = nn.BatchNorm2d(8)
        self.c3 = nn.Conv2d(8, 16, 3, padding=1)
        self.p2 = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(256, 32)
        self.w2 = nn.Parameter(0.2 * torch.randn(32, 10))
        self.b2 = nn.Parameter(0.1 * torch.randn(10))

    def forward(self, x):
        x = self.p1(torch.relu(self.c2(torch.relu(self.c1(x)))))
        x = self.p2(torch.relu(self.c3(self.bn(x))))
        x = torch.relu(self.fc1(torch.flatten(x, 1)))
        return torch.matmul(x, self.w2) + self.b2


class OpsTiny(nn.Module):
    """Exercises the other operators of the native backend: constant Pad,
    grouped, dilated and depthwise convolutions, ceil-mode pooling, average
    pooling counting the padding, LeakyRelu, Sigmoid, Tanh, Mul, Clip,
    Concat, Transpose, a dynamic Reshape (Shape, Gather, Unsqueeze, Concat),
    Gemm, Div, Sub, Unsqueeze, a batched MatMul, Squeeze and Softmax."""

    def __init__(self):
        super().__init__()
        self.g = nn.Conv2d(3, 6, 3, padding=1, dilation=2, groups=3)
        self.dw = nn.Conv2d(6, 6, 3, stride=2, padding=1, groups=6)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.avg = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True, ceil_mode=True)
        self.pool2 = nn.MaxPool2d(2, stride=2, padding=1, ceil_mode=True)  # 9 -> 5, not 6
        self.fc = nn.Linear(12 * 9 * 9 + 6 * 8 * 8 + 12 * 5 * 5, 12)
        self.w = nn.Parameter(0.3 * torch.randn(12, 12))

    def forward(self, x):
        x = nn.functional.pad(x, (1, 1, 1, 1), value=0.25)
        y1 = nn.functional.leaky_relu(self.g(x), 0.1)
        y2 = torch.sigmoid(self.dw(y1))
        z = torch.cat([self.pool(y1), self.avg(y1)], 1)
        z = torch.clamp(z * torch.sigmoid(z), -0.5, 2.0)
        u = self.pool2(z).flatten(1)
        z = z.permute(0, 2, 3, 1)
        z = z.reshape(z.shape[0], -1)
        t = torch.tanh(y2).flatten(1)
        h = self.fc(torch.cat([z, t, u], 1)) / 3.0 - 0.1
        h = torch.matmul(h.unsqueeze(1), self.w)
        return torch.softmax(h.squeeze(1), dim=-1)


def blob_image(rng, size):
    """An image from a few parameters: background gradient plus a coloured blob."""
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)
    cx, cy, r = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.15, 0.35)
    col = rng.uniform(0, 1, 3)
    bg = rng.uniform(0, 1, 3)
    ang = rng.uniform(0, 2 * np.pi)
    grad = 0.5 + 0.5 * (np.cos(ang) * (xx - 0.5) + np.sin(ang) * (yy - 0.5))
    blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    img = bg[None, None, :] * grad[..., None] * (1 - blob[..., None]) + col[None, None, :] * blob[..., None]
    return np.clip(np.round(255 * img), 0, 255).astype(np.uint8)


def make_images(rng):
    os.makedirs(os.path.join(ODIR, "images"), exist_ok=True)
    paths = []
    for i in range(1, NIMG + 1):
        a = blob_image(rng, SIZE)
        im = Image.fromarray(a, "RGB")
        if i % 6 == 1:
            im = im.convert("L")
        elif i % 6 == 2:
            alpha = rng.integers(0, 256, (SIZE, SIZE), dtype=np.uint8)
            im = Image.fromarray(np.dstack([a, alpha]), "RGBA")
        elif i % 12 == 3:
            im = im.convert("P", palette=Image.ADAPTIVE, colors=64)
        p = os.path.join(ODIR, "images", "img_%d.png" % i)
        im.save(p, optimize=True)
        paths.append(p)
    return paths  # natural order: img_1, img_2, ..., img_96


def to_tensor(paths):
    tf = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])
    return torch.stack([tf(Image.open(p).convert("RGB")) for p in paths])


def export(model, name, x, layers):
    """Export to ONNX and save the activations of the named modules' outputs."""
    model.eval()
    path = os.path.join(ODIR, name + ".onnx")
    torch.onnx.export(model, x[:2], path, opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, do_constant_folding=True)
    acts = {}
    hooks = []
    for lname, fn in layers.items():
        hooks.append(fn(model).register_forward_hook(
            lambda m, i, o, lname=lname: acts.__setitem__(lname, o.detach())))
    with torch.no_grad():
        out = model(x)
    for h in hooks:
        h.remove()
    acts["input"] = x
    acts["output"] = out
    for lname, a in acts.items():
        a = a.reshape(a.shape[0], -1).numpy().astype(np.float32)
        np.save(os.path.join(ODIR, "ref_%s_%s.npy" % (name, lname)), a)


class Out(nn.Module):
    """Identity marker whose forward hook captures a functional output."""

    def forward(self, x):
        return x


def main():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    paths = make_images(rng)
    x = to_tensor(paths)

    g = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    res = ResNetTiny()
    randomize_bn(res, g)
    export(res, "resnet_tiny", x, {
        "pool": lambda m: m.pool,
        "block1": lambda m: m.block1,
        "block2": lambda m: m.block2,
        "gap": lambda m: m.gap,
    })

    torch.manual_seed(2)
    vgg = VGGTiny()
    randomize_bn(vgg, g)
    export(vgg, "vgg_tiny", x, {
        "pool1": lambda m: m.p1,
        "pool2": lambda m: m.p2,
    })
    # The same network with a fixed batch of 5 (no dynamic axis), to test
    # the padding of the last batch.
    torch.onnx.export(vgg, x[:5], os.path.join(ODIR, "vgg_tiny_b5.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"], do_constant_folding=True)
    # fc1 after its ReLU: not a module output, capture by recomputation.
    with torch.no_grad():
        v = vgg
        h = v.p1(torch.relu(v.c2(torch.relu(v.c1(x)))))
        h = v.p2(torch.relu(v.c3(v.bn(h))))
        fc1 = torch.relu(v.fc1(torch.flatten(h, 1)))
    np.save(os.path.join(ODIR, "ref_vgg_tiny_fc1.npy"), fc1.numpy().astype(np.float32))

    torch.manual_seed(3)
    ops = OpsTiny()
    export(ops, "ops_tiny", x, {})
    os.remove(os.path.join(ODIR, "ref_ops_tiny_input.npy"))

    # imageset references: odd sizes through torchvision's ImageNet-style pipeline.
    os.makedirs(IDIR, exist_ok=True)
    tf = T.Compose([T.Resize(20), T.CenterCrop(16), T.ToTensor(), T.Normalize(MEAN, STD)])
    for name, (w, h), mode in [("odd_a.png", (37, 29), "RGB"), ("odd_b.png", (23, 41), "RGB"),
                               ("odd_c.png", (13, 11), "L"), ("odd_d.png", (64, 64), "RGBA")]:
        a = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
        a[..., :3] = np.clip(a[..., :3] // 3 + blob_image(rng, max(w, h))[:h, :w] // 3 * 2, 0, 255)
        im = Image.fromarray(a, "RGBA").convert(mode)
        p = os.path.join(IDIR, name)
        im.save(p)
        np.save(p[:-4] + "_ref.npy", tf(Image.open(p).convert("RGB")).numpy().astype(np.float32))
    for name, mode in [("photo_rgb.jpg", "RGB"), ("photo_grey.jpg", "L")]:
        a = blob_image(rng, 24)
        p = os.path.join(IDIR, name)
        Image.fromarray(a, "RGB").convert(mode).save(p, quality=90)
        np.save(p[:-4] + "_ref.npy", np.asarray(Image.open(p).convert("RGB"), dtype=np.uint8))


if __name__ == "__main__":
    main()
