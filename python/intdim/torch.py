"""intdim.torch: the ID profile of a PyTorch model's layers (Ansuini et al. 2019's protocol).

    import intdim.torch
    p = intdim.torch.profile(model, loader, layers=["features.3", "classifier.1"])
    p.to_pandas(); p.plot()

Forward hooks are registered on the named modules; the inputs (a tensor, or
a DataLoader or any iterable of tensors, (inputs, labels) pairs or dicts of
model inputs) are run once through the model in eval mode under
torch.no_grad(); each hooked module's output is flattened per example
(batch × features), moved to the CPU batch by batch, and every layer is
profiled with intdim.profile. The model's training mode is restored and the
hooks are removed afterwards, also on error. torch is needed only here.
"""

import numpy as np
import torch

from . import _array
from . import profile as _profile

# Module types whose outputs the automatic choice (layers=None) profiles: as
# in Ansuini et al. 2019, the outputs of the pooling and fully-connected
# layers.
_AUTO = (torch.nn.MaxPool1d, torch.nn.MaxPool2d, torch.nn.MaxPool3d, torch.nn.AvgPool1d, torch.nn.AvgPool2d,
         torch.nn.AvgPool3d, torch.nn.AdaptiveAvgPool1d, torch.nn.AdaptiveAvgPool2d, torch.nn.AdaptiveMaxPool2d,
         torch.nn.Linear)


def auto_layers(model):
    """The names of the modules profiled when layers is None: pooling and linear modules, in registration order."""
    return [n for n, m in model.named_modules() if n and isinstance(m, _AUTO)]


HIDDEN_STATES = "hidden_states"


def _points(out, name, tokens):
    """A batch of a layer's outputs as rows: flattened per example, or per tokens for [B, T, D]."""
    if out.dtype not in (torch.float32, torch.float64):
        out = out.float()
    a = out.detach().cpu().numpy()
    if tokens == "flatten":
        return a.reshape(a.shape[0], -1)
    return _array.tokens(a, tokens, name)


def activations(model, inputs, layers=None, max_points=None, tokens="flatten"):
    """Run inputs through model once (eval mode, no_grad) and return {layer: array (points × features)}.

    Arrays are float32 (float64 when the model computes in float64), one row
    per example, in the order of the inputs; max_points stops after that
    many examples. layers="hidden_states" takes a Hugging Face model's
    hidden states (output_hidden_states=True; layers hidden_states.0 for the
    embeddings to hidden_states.L) instead of hooks. tokens turns outputs
    [B, T, D] into points per batch, as intdim.estimate's tokens (first,
    last, mean, all; flatten by default), so that batches padded to
    different lengths can be gathered with first or mean.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model: a {type(model).__name__}, want a torch.nn.Module")
    if tokens not in _array.TOKEN_MODES:
        raise ValueError(f'--tokens "{tokens}": want {", ".join(_array.TOKEN_MODES)}')
    if isinstance(layers, str) and layers == HIDDEN_STATES:
        return _hidden_states(model, inputs, max_points, tokens)
    if isinstance(layers, str):
        layers = [layers]
    names = auto_layers(model) if layers is None else list(layers)
    if not names:
        raise ValueError("no layers to profile (name them with layers=[...])")
    modules = dict(model.named_modules())
    missing = [n for n in names if n not in modules]
    if missing:
        some = ", ".join(n for n in list(modules)[1:12])
        raise ValueError(f"no module named {missing[0]!r} in the model (modules: {some}, ...)")
    if len(set(names)) != len(names):
        raise ValueError("a layer is named twice in layers")
    chunks = {n: [] for n in names}

    def hook(name):
        def fn(_module, _inputs, output):
            if isinstance(output, (tuple, list)):
                output = output[0]
            if not torch.is_tensor(output):
                raise TypeError(f"layer {name}: its output is a {type(output).__name__}, not a tensor")
            chunks[name].append(_points(output, name, tokens))
        return fn

    handles = [modules[n].register_forward_hook(hook(n)) for n in names]
    try:
        for _ in _run(model, inputs, max_points):
            pass
    finally:
        for h in handles:
            h.remove()
    return _gather(names, chunks, max_points)


def _run(model, inputs, max_points, **kwargs):
    """Run the batches of inputs through model in eval mode under no_grad, yielding each batch's output
    (None unless kwargs are given: the hooks have what they need)."""
    try:
        device = next(model.parameters()).device
    except StopIteration:
        device = torch.device("cpu")
    was_training = model.training
    model.eval()
    taken = 0
    try:
        with torch.no_grad():
            for batch in _batches(inputs):
                if max_points is not None and taken >= max_points:
                    break
                if isinstance(batch, dict):
                    out = model(**{k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()}, **kwargs)
                    taken += next(v.shape[0] for v in batch.values() if torch.is_tensor(v))
                else:
                    out = model(batch.to(device), **kwargs)
                    taken += batch.shape[0]
                yield out if kwargs else None
                del out
    finally:
        model.train(was_training)


def _hidden_states(model, inputs, max_points, tokens):
    """The hidden states of a Hugging Face model (output_hidden_states=True), batch by batch."""
    chunks = {}
    names = []
    for out in _run(model, inputs, max_points, output_hidden_states=True):
        hs = getattr(out, "hidden_states", None)
        if hs is None and isinstance(out, dict):
            hs = out.get("hidden_states")
        if hs is None:
            raise TypeError("layers='hidden_states': the model's output has no hidden_states "
                            "(a Hugging Face model called with output_hidden_states=True has)")
        if not names:
            names = [f"{HIDDEN_STATES}.{i}" for i in range(len(hs))]
            chunks = {n: [] for n in names}
        for n, h in zip(names, hs):
            chunks[n].append(_points(h, n, tokens))
        del out
    return _gather(names, chunks, max_points)


def _gather(names, chunks, max_points):
    out = {}
    for n in names:
        if not chunks[n]:
            raise ValueError(f"layer {n}: not called by the model's forward pass")
        a = chunks[n][0] if len(chunks[n]) == 1 else np.concatenate(chunks[n])
        chunks[n] = None  # free the batches
        out[n] = np.ascontiguousarray(a[:max_points] if max_points is not None else a)
    return out


def _batches(inputs):
    if torch.is_tensor(inputs):
        yield inputs
        return
    if isinstance(inputs, np.ndarray):
        yield torch.from_numpy(inputs)
        return
    for b in inputs:
        if isinstance(b, (tuple, list)):
            b = b[0]  # (inputs, labels)
        if isinstance(b, np.ndarray):
            b = torch.from_numpy(b)
        if not (torch.is_tensor(b) or isinstance(b, dict)):
            raise TypeError(f"inputs: a batch is a {type(b).__name__}; want tensors, (inputs, labels) or dicts")
        yield b


def profile(model, inputs, layers=None, *, max_points=None, tokens="flatten", **options):
    """Profile the named layers of model on inputs: intdim.profile of their activations.

    layers: module names as in model.named_modules() (None: the pooling and
    linear modules), profiled in the order given, or "hidden_states" for a
    Hugging Face model's hidden states; tokens as in activations. options are those of
    intdim.profile (method, seed, resample, no_pca, ...). Returns an
    intdim.Profile.
    """
    return _profile(activations(model, inputs, layers, max_points, tokens), **options)
