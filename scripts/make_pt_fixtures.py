#!/usr/bin/env python3
"""Writes the torch.save fixtures of tensorio/testdata/pt (issue 11).

Needs PyTorch and numpy (Debian: apt-get install -y python3-torch); CI does
not run it, the files it writes are checked in. Every expected value is
computed here with numpy from the tensors' own values, independently of
intdim, and stored as .npy/.npz beside the .pt files.

    python3 scripts/make_pt_fixtures.py [OUTDIR]
"""
import collections
import os
import sys

import numpy as np
import torch

out = sys.argv[1] if len(sys.argv) > 1 else "tensorio/testdata/pt"
os.makedirs(out, exist_ok=True)
g = torch.Generator().manual_seed(11)


def p(name):
    return os.path.join(out, name)


def expect(name, arrays):
    np.savez(p(name), **{k: v for k, v in arrays.items()})


# 1. Nesting: a dict of a tuple of tensors, an OrderedDict, a list, an
# integer tensor, a parameter, and values that are not tensors.
h0 = torch.randn(6, 3, generator=g)
h1 = torch.randn(6, 3, generator=g, dtype=torch.float64)
ids = torch.arange(6, dtype=torch.int64) * 7 - 20
w = torch.nn.Parameter(torch.randn(2, 3, generator=g))
od = collections.OrderedDict([("b", torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)),
                              ("a", torch.tensor([[5, 6]], dtype=torch.uint8))])
obj = {"hidden_states": (h0, h1), "meta": {"ids": ids, "epoch": 3, "note": "x"},
       "state": od, "layers": [w, None]}
torch.save(obj, p("nested.pt"))
expect("nested_expect.npz", {
    "hidden_states.0": h0.numpy(), "hidden_states.1": h1.numpy(), "meta.ids": ids.numpy(),
    "state.b": od["b"].numpy(), "state.a": od["a"].numpy(), "layers.0": w.detach().numpy()})

# 2. float16 and bfloat16, exactly: the largest, the smallest subnormal,
# negative zero and random values; expected as float32 (exact).
f16 = torch.randn(5, 4, generator=g).half()
f16[0, 0], f16[0, 1], f16[0, 2] = 65504.0, 2.0 ** -24, -0.0
bf16 = torch.randn(5, 4, generator=g).bfloat16()
bf16[0, 0], bf16[0, 1] = 3.0e38, 2.0 ** -133
torch.save({"f16": f16, "bf16": bf16}, p("halfs.pt"))
expect("halfs_expect.npz", {"f16": f16.float().numpy(), "bf16": bf16.float().numpy()})

# 3. Strided tensors: a transpose, a slice with a storage offset that is
# not contiguous, a contiguous slice with an offset, a column.
base = torch.arange(48, dtype=torch.float32).reshape(6, 8) / 4 - 3
t = base.t()
s = base[2:5, 1:6]
c = base[3:]
col = base[:, 2:3]
assert not t.is_contiguous() and not s.is_contiguous() and s.storage_offset() > 0
torch.save({"t": t, "s": s, "c": c, "col": col}, p("strided.pt"))
expect("strided_expect.npz", {"t": np.ascontiguousarray(base.numpy().T),
                              "s": base.numpy()[2:5, 1:6].copy(), "c": base.numpy()[3:].copy(),
                              "col": base.numpy()[:, 2:3].copy()})

# 4. The legacy format, the same content as strided.pt plus a half tensor.
torch.save({"t": t, "s": s, "c": c, "col": col, "f16": f16}, p("legacy.pt"),
           _use_new_zipfile_serialization=False)

# 5. A malicious pickle: unpickling it would run os.system.
class Evil:
    def __reduce__(self):
        return (os.system, ("touch /tmp/intdim-pt-pwned",))


torch.save({"x": torch.zeros(3, 2), "evil": Evil()}, p("malicious.pt"))

# 6. A stack of hidden states [L, N, T, D] (torch.stack(hidden_states)),
# one tensor [N, T, D] of it, and each --tokens mode computed by numpy.
L, N, T, D = 3, 12, 4, 5
stack = torch.randn(L, N, T, D, generator=g)
torch.save(stack, p("stack.pt"))
hs = stack[1].contiguous()
torch.save({"hidden_states": tuple(stack.unbind(0))}, p("hidden.pt"))
x = hs.numpy()
expect("tokens_expect.npz", {
    "flatten": x.reshape(N, T * D),
    "first": x[:, 0, :].copy(),
    "last": x[:, -1, :].copy(),
    "mean": x.astype(np.float64).mean(axis=1),
    "all": x.reshape(N * T, D),
})
np.save(p("stack_layers.npy"), stack.numpy().reshape(L, N, T * D))

# 7. Labels for N points: an int64 tensor in a .pt, and a .npy.
labels = torch.tensor([0, 1, 2, 1, 0, 2, 2, 1, 0, 3, 3, 1], dtype=torch.int64)
torch.save({"labels": labels, "x": hs}, p("labels.pt"))
np.save(p("labels.npy"), labels.numpy())
np.save(p("labels_frac.npy"), labels.numpy().astype(np.float64) + 0.5)
np.save(p("labels_short.npy"), labels.numpy()[:5])

# 8. An expanded tensor (stride 0): more elements than its storage.
torch.save({"e": torch.ones(1, 3).expand(1000, 3)}, p("expanded.pt"))
print("wrote", sorted(os.listdir(out)))
