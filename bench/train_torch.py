#!/usr/bin/env python3
"""Time SGD on the paper's MNIST network (Ansuini et al. 2019) in PyTorch.

The same network, data and batch as `intdim train --data mnist --arch paper`:
conv 1->32 k3, maxpool 2, ReLU, conv 32->64 k3, maxpool 2, ReLU, fc 1600->128,
ReLU, fc 128->10, log-softmax + NLL, SGD (lr 0.01, momentum 0.9), batch 64,
inputs normalised with the training set's mean and std. Reads the idx files
embedded in intdim (data/mnist/idx). Prints one JSON line.

    python3 bench/train_torch.py --batches 200 --threads 2
    python3 bench/train_torch.py --epochs 5      # full training, test accuracy
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
IDX = os.path.join(HERE, "..", "data", "mnist", "idx")


def idx(name):
    with gzip.open(os.path.join(IDX, name)) as f:
        b = f.read()
    if name.endswith("idx3-ubyte.gz"):
        n = int.from_bytes(b[4:8], "big")
        return np.frombuffer(b, np.uint8, offset=16).reshape(n, 1, 28, 28).astype(np.float32) / 255
    return np.frombuffer(b, np.uint8, offset=8).astype(np.int64)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(1600, 128)
        self.output = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = F.relu(self.fc1(x.flatten(1)))
        return F.log_softmax(self.output(x), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=200, help="timed batches (after 10 warm-up ones)")
    ap.add_argument("--epochs", type=int, default=0, help="train whole epochs instead and report test accuracy")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = idx("train-images-idx3-ubyte.gz"), idx("train-labels-idx1-ubyte.gz")
    xte, yte = idx("t10k-images-idx3-ubyte.gz"), idx("t10k-labels-idx1-ubyte.gz")
    mean, std = xtr.mean(), xtr.std()
    xtr = torch.from_numpy((xtr - mean) / std)
    xte = torch.from_numpy((xte - mean) / std)
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    net = Net()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    g = torch.Generator().manual_seed(a.seed)

    def step(idx):
        opt.zero_grad()
        loss = F.nll_loss(net(xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()

    out = {"torch": torch.__version__, "threads": a.threads, "batch": 64}
    if a.epochs == 0:
        perm = torch.randperm(60000, generator=g)
        for b in range(10):
            step(perm[b * 64:(b + 1) * 64])
        t0 = time.perf_counter()
        for b in range(10, 10 + a.batches):
            step(perm[b * 64:(b + 1) * 64])
        dt = time.perf_counter() - t0
        out.update(batches=a.batches, seconds=dt, images_per_s=a.batches * 64 / dt,
                   epoch_s=60000 / (a.batches * 64 / dt))
    else:
        t0 = time.perf_counter()
        for ep in range(a.epochs):
            perm = torch.randperm(60000, generator=g)
            for b in range(0, 60000, 64):
                step(perm[b:b + 64])
            with torch.no_grad():
                acc = (net(xte).argmax(1) == yte).float().mean().item()
            print(json.dumps({"epoch": ep + 1, "test_accuracy": acc, "seconds": time.perf_counter() - t0}), flush=True)
        out.update(epochs=a.epochs, seconds=time.perf_counter() - t0, test_accuracy=acc)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
