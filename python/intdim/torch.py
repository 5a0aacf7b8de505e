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


def activations(model, inputs, layers=None, max_points=None):
    """Run inputs through model once (eval mode, no_grad) and return {layer: array (points × features)}.

    Arrays are float32 (float64 when the model computes in float64), one row
    per example, in the order of the inputs; max_points stops after that
    many examples.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model: a {type(model).__name__}, want a torch.nn.Module")
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
    taken = [0]

    def hook(name):
        def fn(_module, _inputs, output):
            if isinstance(output, (tuple, list)):
                output = output[0]
            if not torch.is_tensor(output):
                raise TypeError(f"layer {name}: its output is a {type(output).__name__}, not a tensor")
            out = output.detach()
            if out.dtype not in (torch.float32, torch.float64):
                out = out.float()
            chunks[name].append(out.reshape(out.shape[0], -1).cpu().numpy())
        return fn

    try:
        device = next(model.parameters()).device
    except StopIteration:
        device = torch.device("cpu")
    handles = [modules[n].register_forward_hook(hook(n)) for n in names]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for batch in _batches(inputs):
                if max_points is not None and taken[0] >= max_points:
                    break
                if isinstance(batch, dict):
                    model(**{k: v.to(device) if torch.is_tensor(v) else v for k, v in batch.items()})
                    size = next(v.shape[0] for v in batch.values() if torch.is_tensor(v))
                else:
                    model(batch.to(device))
                    size = batch.shape[0]
                taken[0] += size
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
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


def profile(model, inputs, layers=None, *, max_points=None, **options):
    """Profile the named layers of model on inputs: intdim.profile of their activations.

    layers: module names as in model.named_modules() (None: the pooling and
    linear modules), profiled in the order given. options are those of
    intdim.profile (method, seed, resample, no_pca, ...). Returns an
    intdim.Profile.
    """
    return _profile(activations(model, inputs, layers, max_points), **options)
