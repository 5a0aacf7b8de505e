"""intdim.overlap, imbalance, local and profile(overlap=, imbalance=) give the CLI's documents on the same data."""

import json

import numpy as np
import pytest

import intdim
from conftest import assert_docs_equal, curved


def cli_doc(cli, args):
    code, out, err = cli(list(args) + ["--format", "json"])
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def data(tmp_path):
    A = curved(400, 12, 3, seed=1)
    B = np.ascontiguousarray(np.tanh(A @ np.random.default_rng(2).standard_normal((12, 7))), dtype=np.float32)
    y = (A[:, 0] > 0).astype(np.int64) + 2 * (A[:, 1] > 0.3)
    paths = {}
    for name, v in (("a", A), ("b", B), ("y", y)):
        paths[name] = str(tmp_path / f"{name}.npy")
        np.save(paths[name], v)
    return A, B, y, paths


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_overlap_equals_cli(cli, data, metric):
    A, B, y, p = data
    want = cli_doc(cli, ["overlap", p["a"], p["b"], "--labels", p["y"], "--k", "15", "--metric", metric])
    got = intdim.overlap(A, B, k=15, labels=y, metric=metric, name_a=p["a"], name_b=p["b"], name_labels=p["y"])
    assert_docs_equal(got.to_dict(), want)
    assert got.overlap == want["overlap"] and got.label_overlap == want["label_overlap"]
    assert got.n_classes == 4 and 0 < got.overlap < 1
    want = cli_doc(cli, ["overlap", p["a"], "--labels", p["y"]])
    got = intdim.overlap(A, labels=y, name_a=p["a"], name_labels=p["y"])
    assert_docs_equal(got.to_dict(), want)
    assert got.overlap is None and got.k == 30


def test_overlap_identical_and_refusals(data):
    A, B, y, _ = data
    assert intdim.overlap(A, A.copy(), k=10).overlap == 1.0
    with pytest.raises(ValueError, match="give B"):
        intdim.overlap(A)
    with pytest.raises(ValueError, match="labels: 399 labels, but A has 400 points"):
        intdim.overlap(A, labels=y[:399])
    with pytest.raises(ValueError, match="A has 400 points, B has 300: not representations of the same points"):
        intdim.overlap(A, B[:300])
    with pytest.raises(ValueError, match="too few for k = 400"):
        intdim.overlap(A, B, k=400)
    with pytest.raises(ValueError, match="must be integers"):
        intdim.overlap(A, labels=y + 0.5)


def test_imbalance_equals_cli(cli, data):
    A, B, _, p = data
    want = cli_doc(cli, ["imbalance", p["a"], p["b"]])
    got = intdim.imbalance(A, B, name_a=p["a"], name_b=p["b"])
    assert_docs_equal(got.to_dict(), want)
    assert got.delta_ab == want["delta_ab"] and got.delta_ba == want["delta_ba"]
    same = intdim.imbalance(A, A.copy())
    assert same.delta_ab == same.delta_ba == 2 / 400
    want = cli_doc(cli, ["imbalance", p["a"], p["b"], "--metric", "cosine"])
    got = intdim.imbalance(A, B, metric="cosine", name_a=p["a"], name_b=p["b"])
    assert_docs_equal(got.to_dict(), want)


@pytest.mark.parametrize("method", ["mle", "twonn", "mada", "tle"])
def test_local_equals_cli(cli, data, tmp_path, method):
    A, _, _, p = data
    out = str(tmp_path / "ids.npy")
    want = cli_doc(cli, ["local", p["a"], "--k", "12", "--method", method, "--out", out])
    del want["out"]
    got = intdim.local(A, k=12, method=method, name=p["a"])
    assert_docs_equal(got.to_dict(), want)
    ref = np.load(out)
    assert isinstance(got.ids, np.ndarray) and got.ids.dtype == np.float64 and got.ids.shape == (400,)
    np.testing.assert_allclose(got.ids, ref, rtol=1e-12, atol=0)
    assert got.mean == want["mean"] and got.global_id == want["global"]


def test_local_refusals(data):
    A = data[0]
    with pytest.raises(ValueError, match='--method "nope"'):
        intdim.local(A, method="nope")
    with pytest.raises(ValueError, match="--k 1: need at least 2"):
        intdim.local(A, k=1)


def test_profile_overlap_imbalance_equals_cli(cli, data, tmp_path):
    A, B, _, p = data
    C = curved(400, 9, 2, seed=5, dtype=np.float32)
    np.save(tmp_path / "c.npy", C)
    want = cli_doc(cli, ["profile", p["a"], p["b"], str(tmp_path / "c.npy"), "--overlap", "--overlap-k", "12",
                         "--imbalance", "--no-pca", "--quiet"])
    got = intdim.profile({"a": A, "b": B, "c": C}, overlap=True, overlap_k=12, imbalance=True, no_pca=True)
    assert_docs_equal(got.to_dict(), want)
    d = got.to_dict()
    assert d["imbalance_input"] == "a" and d["imbalance_output"] == "c"
    assert d["layers"][1]["delta_to_input"] == intdim.imbalance(B, A).delta_ab
    with pytest.raises(ValueError, match="layer b has 300 points, layer a has 400"):
        intdim.profile({"a": A, "b": B[:300]}, imbalance=True)
