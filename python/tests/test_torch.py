"""intdim.torch: forward hooks on a small CNN give the IDs of the manually computed activations."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")  # torch is an optional dependency of the package

import intdim  # noqa: E402
import intdim.torch as itorch  # noqa: E402


def small_cnn():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(32, 10), torch.nn.Dropout(0.5), torch.nn.Linear(10, 5))


def images(n=300):
    g = torch.Generator().manual_seed(1)
    return torch.rand(n, 1, 12, 12, generator=g)


def manual(model, x):
    """The activations after modules 2, 5 and 9, by running the layers by hand in eval mode."""
    model.eval()
    out, acts = x, {}
    with torch.no_grad():
        for i, m in enumerate(model):
            out = m(out)
            if str(i) in ("2", "5", "9"):
                acts[str(i)] = out.reshape(out.shape[0], -1).numpy().copy()
    return acts


def test_hooks_equal_manual_activations():
    model, x = small_cnn(), images()
    model.train()  # hooks run in eval mode (Dropout off) and restore the mode
    got = itorch.profile(model, x, layers=["2", "5", "9"], seed=3)
    assert model.training
    want = intdim.profile(manual(model, x), seed=3)
    assert got.to_dict() == want.to_dict()
    assert got.names == ["2", "5", "9"] and all(v is not None for v in got.ids)


def test_dataloader_in_batches_and_order():
    model, x = small_cnn(), images()
    labels = torch.zeros(len(x), dtype=torch.long)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, labels), batch_size=64, shuffle=False)
    got = itorch.profile(model, loader, layers=["9", "2"], resample=3)
    acts = manual(model, x)
    want = intdim.profile({"9": acts["9"], "2": acts["2"]}, resample=3)
    assert got.to_dict() == want.to_dict()
    part = itorch.activations(model, loader, layers=["5"], max_points=100)
    np.testing.assert_array_equal(part["5"], acts["5"][:100])
    assert part["5"].dtype == np.float32 and part["5"].flags.c_contiguous


def test_auto_layers_and_errors():
    model = small_cnn()
    assert itorch.auto_layers(model) == ["2", "5", "7", "9"]
    with pytest.raises(ValueError, match="no module named 'nope'"):
        itorch.profile(model, images(), layers=["nope"])
    with pytest.raises(TypeError, match="torch.nn.Module"):
        itorch.profile(lambda t: t, images(), layers=["0"])
    assert not model._forward_hooks and all(not m._forward_hooks for m in model.modules())
