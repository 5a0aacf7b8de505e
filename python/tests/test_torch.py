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


def manual(model, x, batch=None):
    """The activations after modules 2, 5 and 9, by running the layers by hand in eval mode
    (on the same batches as the hooks: a batch's size can change the last bits of a convolution)."""
    model.eval()
    acts = {"2": [], "5": [], "9": []}
    with torch.no_grad():
        for b in torch.split(x, batch or len(x)):
            out = b
            for i, m in enumerate(model):
                out = m(out)
                if str(i) in acts:
                    acts[str(i)].append(out.reshape(out.shape[0], -1).numpy().copy())
    return {k: np.concatenate(v) for k, v in acts.items()}


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
    acts = manual(model, x, batch=64)
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


def test_tensor_input_read_in_place():
    x = torch.rand(300, 6, generator=torch.Generator().manual_seed(2))
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a CPU float32 tensor in C order is not copied
        got = intdim.estimate(x).to_dict()
    assert got == intdim.estimate(x.numpy()).to_dict()
    with pytest.warns(intdim.CopyWarning):
        intdim.estimate(x.t())  # a transposed view is copied


class TinyEncoder(torch.nn.Module):
    """A stand-in for a Hugging Face encoder: hidden states [B, T, D] with output_hidden_states=True."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(4)
        self.embed = torch.nn.Linear(3, 6)
        self.blocks = torch.nn.ModuleList([torch.nn.Linear(6, 6) for _ in range(2)])

    def forward(self, input_values, output_hidden_states=False):
        h = self.embed(input_values)
        states = [h]
        for b in self.blocks:
            h = torch.tanh(b(h))
            states.append(h)
        return {"last_hidden_state": h, "hidden_states": tuple(states) if output_hidden_states else None}


def test_hidden_states_and_tokens():
    model = TinyEncoder()
    x = torch.rand(200, 5, 3, generator=torch.Generator().manual_seed(5))
    loader = [{"input_values": b} for b in torch.split(x, 50)]
    acts = itorch.activations(model, loader, layers="hidden_states", tokens="mean")
    assert list(acts) == ["hidden_states.0", "hidden_states.1", "hidden_states.2"]
    with torch.no_grad():
        h0 = np.concatenate([model.embed(b).numpy() for b in torch.split(x, 50)])
    mean = h0.astype(np.float64).sum(axis=1) / 5
    np.testing.assert_allclose(acts["hidden_states.0"], mean, rtol=1e-6)
    np.testing.assert_array_equal(acts["hidden_states.0"], intdim._array.tokens(h0, "mean", "h"))
    got = itorch.profile(model, loader, layers="hidden_states", tokens="last", no_pca=True)
    with torch.no_grad():
        outs = [model(b, output_hidden_states=True)["hidden_states"] for b in torch.split(x, 50)]
    want = intdim.profile({f"hidden_states.{i}": np.concatenate([o[i].numpy() for o in outs]) for i in range(3)},
                          tokens="last", no_pca=True)
    assert got.to_dict() == want.to_dict()
    with pytest.raises(ValueError, match='--tokens "middle": want flatten, first, last, mean, all'):
        itorch.activations(model, loader, layers="hidden_states", tokens="middle")

