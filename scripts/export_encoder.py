#!/usr/bin/env python3
"""Export a small PyTorch transformer encoder to ONNX, with reference
activations from forward hooks, for onnx/encoder_test.go (issue 11).

    apt-get install -y python3-torch python3-onnx
    python3 scripts/export_encoder.py onnx/testdata

Writes encoder_tiny.onnx (nn.TransformerEncoder, 2 layers, d = 16, 2 heads,
GELU, inputs [N, T, 16] float32), ref_encoder_input.npy (N = 120 sequences of
T = 4 tokens) and ref_encoder_<layer>.npy, the outputs of the encoder
layers as the hooks saw them, float32 [N, T, 16]. Seeded: reruns write the
same files.
"""
import sys

import numpy as np
import torch
from torch import nn

out = sys.argv[1] if len(sys.argv) > 1 else "onnx/testdata"
torch.manual_seed(11)
N, T, D = 120, 4, 16


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(D, D)
        layer = nn.TransformerEncoderLayer(d_model=D, nhead=2, dim_feedforward=32, dropout=0.0,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D)

    def forward(self, x):
        return self.norm(self.encoder(self.proj(x)))


model = Encoder().eval()
# The inputs: points near a 3-dimensional manifold, tokens as rotations.
z = torch.rand(N, 3)
basis = torch.randn(3, T * D)
x = torch.tanh(z @ basis).reshape(N, T, D).float()

acts = {}
for name, mod in [("layer0", model.encoder.layers[0]), ("layer1", model.encoder.layers[1]), ("norm", model.norm)]:
    mod.register_forward_hook(lambda m, i, o, name=name: acts.__setitem__(name, o.detach().numpy().copy()))
with torch.no_grad():
    model(x)
np.save(f"{out}/ref_encoder_input.npy", x.numpy())
for name, a in acts.items():
    np.save(f"{out}/ref_encoder_{name}.npy", a.astype(np.float32))
torch.onnx.export(model, x[:5], f"{out}/encoder_tiny.onnx", input_names=["x"], output_names=["y"],
                  dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, opset_version=17, do_constant_folding=True)
import onnx  # noqa: E402

m = onnx.load(f"{out}/encoder_tiny.onnx")
print(sorted({n.op_type for n in m.graph.node}))
for n in m.graph.node:
    print(n.op_type, list(n.input)[:3], list(n.output))
