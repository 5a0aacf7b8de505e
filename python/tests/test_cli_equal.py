"""intdim.estimate, scale and profile on arrays give the CLI's documents on the same data and seed."""

import re

import numpy as np
import pytest

import intdim
from conftest import assert_docs_equal, curved


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("args", [
    {},
    {"method": "all", "resample": 5, "seed": 7},
    {"method": "mle", "k": 10, "resample": 3, "fraction": 0.5},
    {"method": "gride", "max_rank": 32},
    {"metric": "cosine", "paper": True},
])
def test_estimate_equals_cli(tmp_path, cli_json, dtype, args):
    X = curved(600, 20, 4, seed=3, dtype=dtype)
    path = str(tmp_path / "x.npy")
    np.save(path, X)
    flags = []
    for k, v in args.items():
        flags += [f"--{k.replace('_', '-')}" if v is not True else f"--{k}"] + ([] if v is True else [str(v)])
    want = cli_json(["estimate", path] + flags)
    got = intdim.estimate(X, name=path, **args)
    assert_docs_equal(got.to_dict(), want)
    assert got.id == want["results"][0]["id"]
    assert got.n_used == want["n_used"] and got.duplicates == want["duplicates"]


def test_estimate_duplicates_equal_cli(tmp_path, cli, cli_json):
    X = curved(400, 10, 3, seed=4)
    X = np.ascontiguousarray(np.concatenate([X, X[:50]]))  # 50 exact duplicates
    path = str(tmp_path / "dup.npy")
    np.save(path, X)
    for policy in ("collapse", "drop"):
        want = cli_json(["estimate", path, "--duplicates", policy])
        with pytest.warns(RuntimeWarning, match=re.escape(want["warnings"][0])):
            got = intdim.estimate(X, duplicates=policy, name=path)
        assert_docs_equal(got.to_dict(), want)
    code, _, err = cli(["estimate", path, "--duplicates", "keep"])
    with pytest.raises(ValueError) as e:
        intdim.estimate(X, duplicates="keep", name=path)
    assert code == 2 and err.strip() == "intdim estimate: " + str(e.value)
    with pytest.warns(RuntimeWarning):
        got = intdim.estimate(X, name=path)
    assert got.duplicates == 50 and got.n_used == 400


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scale_equals_cli(tmp_path, cli_json, dtype):
    X = curved(800, 15, 5, seed=5, dtype=dtype)
    path = str(tmp_path / "s.npy")
    np.save(path, X)
    want = cli_json(["scale", path])
    got = intdim.scale(X, name=path)
    assert_docs_equal(got.to_dict(), want)
    assert len(got.scales) == 20 and got.ids == want["results"][0]["ids"]
    want = cli_json(["scale", path, "--blocks", "8", "--decimate", "--gride", "--max-rank", "64", "--seed", "3"])
    got = intdim.scale(X, blocks=8, decimate=True, gride=True, max_rank=64, seed=3, name=path)
    assert_docs_equal(got.to_dict(), want)
    assert [r.method for r in got.results] == [r["method"] for r in want["results"]]


def test_profile_equals_cli(tmp_path, cli_json):
    layers = {"conv1": curved(500, 30, 6, seed=1, dtype=np.float32),
              "conv2": curved(500, 12, 3, seed=2),
              "fc": curved(500, 5, 2, seed=3, dtype=np.float32)}
    paths = []
    for name, x in layers.items():
        paths.append(str(tmp_path / f"{name}.npy"))
        np.save(paths[-1], x)
    want = cli_json(["profile"] + paths)
    got = intdim.profile(layers)
    assert_docs_equal(got.to_dict(), want)
    assert got.names == ["conv1", "conv2", "fc"]
    assert got.ids == [l["id"] for l in want["layers"]]
    assert got.pc_ids == [l["pc_id"] for l in want["layers"]]
    want = cli_json(["profile", "--method", "mle", "--k", "8", "--resample", "4", "--no-pca", "--seed", "9"] + paths)
    got = intdim.profile(list(layers.values()), method="mle", k=8, resample=4, no_pca=True, seed=9)
    for l in want["layers"]:  # a list names its layers layer0, layer1, ...
        l["name"] = "layer%d" % l["index"]
    assert_docs_equal(got.to_dict(), want)


def test_profile_failed_layer_like_cli(tmp_path, cli, cli_json):
    good = curved(300, 6, 2, seed=1)
    bad = np.zeros((300, 4))  # one distinct point
    np.save(tmp_path / "good.npy", good)
    np.save(tmp_path / "bad.npy", bad)
    code, out, err = cli(["profile", str(tmp_path / "good.npy"), str(tmp_path / "bad.npy"), "--format", "json", "--quiet"])
    assert code == 1
    import json
    want = json.loads(out)
    with pytest.warns(RuntimeWarning, match="1 of 2 layers failed: layer bad: "):
        got = intdim.profile({"good": good, "bad": bad})
    assert_docs_equal(got.to_dict(), want)
    assert got.failed == ["bad"] and got.ids[1] is None and got.ids[0] == want["layers"][0]["id"]


def test_figure(tmp_path):
    p = intdim.profile({"a": curved(300, 10, 3, seed=1), "b": curved(300, 6, 2, seed=2)})
    png = p.plot()
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n") and png._repr_png_() == png.data
    assert p._repr_png_().startswith(b"\x89PNG")
    svg = p.plot("svg")
    assert svg.data.startswith(b"<?xml") and b"<svg" in svg.data
    s = intdim.scale(curved(400, 8, 3, seed=1), blocks=5).plot("svg")
    assert b"<svg" in s.data
    with pytest.raises(ValueError, match="unknown figure format"):
        p.plot("gif")


def test_tokens_equal_cli(tmp_path, cli_json):
    x = np.random.default_rng(6).standard_normal((150, 4, 5)).astype(np.float32)
    path = str(tmp_path / "h.npy")
    np.save(path, x)
    for mode in ("flatten", "first", "last", "mean", "all"):
        want = cli_json(["estimate", path, "--tokens", mode])
        if mode == "flatten":  # the CLI's warning is raised as a Python warning
            warning = want.pop("warnings")[0]
            with pytest.warns(RuntimeWarning, match=re.escape(warning)):
                got = intdim.estimate(x, tokens=mode, name=path).to_dict()
            got.pop("warnings")
        else:
            got = intdim.estimate(x, tokens=mode, name=path).to_dict()
        assert got == want, mode


def test_result_objects():
    X = curved(400, 10, 3, seed=8)
    r = intdim.estimate(X, method="all")
    assert [m.method for m in r.results] == [d["method"] for d in r.to_dict()["results"]]
    assert r.result("mle").id == r.to_dict()["results"][[m.method for m in r.results].index("mle")]["id"]
    with pytest.raises(KeyError):
        r.result("nope")
    p = intdim.profile({"a": X, "b": X[:, :5].copy()})
    assert p["b"]["dim"] == 5 and p[0]["name"] == "a" and len(p) == 2
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="to_pandas needs pandas"):
            p.to_pandas()
    else:
        df = p.to_pandas()
        assert list(df["name"]) == ["a", "b"] and list(df["id"]) == p.ids


@pytest.mark.parametrize("args", [
    {"method": "binomial", "binomial_k": 6, "binomial_r": 0.6},
    {"method": "gride-auto", "kstar_maxk": 40, "kstar_alpha": 1e-4, "kstar_iter": 3},
    {"method": "gride-auto"},
])
def test_dadapy_methods_equal_cli(tmp_path, cli_json, args):
    """binomial_k/_r and kstar_maxk/_alpha/_iter are --binomial-k/-r and --kstar-maxk/-alpha/-iter."""
    X = curved(600, 20, 4, seed=3)
    path = str(tmp_path / "x.npy")
    np.save(path, X)
    flags = []
    for k, v in args.items():
        flags += [f"--{k.replace('_', '-')}", str(v)]
    want = cli_json(["estimate", path] + flags)
    got = intdim.estimate(X, name=path, **args)
    assert_docs_equal(got.to_dict(), want)
    if args["method"] == "gride-auto":
        assert want["results"][0]["kstar"]["max"] <= args.get("kstar_maxk", 100) - 1
    # The same options in a profile: each layer as the CLI's, with its k* summary.
    want = cli_json(["profile", path, "--no-pca"] + flags)
    got = intdim.profile({"x": X}, no_pca=True, **args)
    assert_docs_equal(got.to_dict(), want)
    if args["method"] == "gride-auto":
        assert got[0]["kstar"] == want["layers"][0]["kstar"]


def test_kstar_maxk_capped_warns_as_cli(tmp_path, cli):
    """kstar_maxk above N - 1 is capped with the CLI's warning; nonsense values raise its error."""
    X = curved(120, 8, 2, seed=6)
    path = str(tmp_path / "x.npy")
    np.save(path, X)
    code, _, err = cli(["estimate", path, "--method", "gride-auto", "--kstar-maxk", "500", "--quiet"])
    assert code == 0 and "maxk 500 capped at 119 = N − 1 (N = 120 points)" in err
    with pytest.warns(RuntimeWarning, match=re.escape("maxk 500 capped at 119 = N − 1 (N = 120 points)")):
        intdim.estimate(X, method="gride-auto", kstar_maxk=500, name=path)
    for flag, kw in ((["--kstar-alpha", "2"], {"kstar_alpha": 2}), (["--binomial-r", "1"], {"binomial_r": 1}),
                     (["--kstar-maxk", "-3"], {"kstar_maxk": -3})):
        code, _, err = cli(["estimate", path, "--method", "gride-auto"] + flag)
        with pytest.raises(ValueError) as e:
            intdim.estimate(X, method="gride-auto", name=path, **kw)
        assert code == 2 and err.strip() == "intdim estimate: " + str(e.value)


@pytest.mark.parametrize("args", [
    {"method": "tle", "tle_k": 12, "tle_epsilon": 1e-3},
    {"method": "corrint", "corrint_k1": 5, "corrint_k2": 15},
    {"method": "knn", "knn_k": 3, "knn_ps": [5, 7, 9], "knn_m": 2, "knn_gamma": 1.5, "seed": 4},
    {"method": "danco", "danco_k": 8, "danco_fractal": False},
    {"method": "lpca-fan", "lpca_alpha_fan": 5, "lpca_beta_fan": 0.7, "lpca_p_fan": 0.9},
    {"method": "mom", "mom_k": 30, "search": "brute"},
])
def test_skdim_options_equal_cli(tmp_path, cli_json, args):
    """The scikit-dimension parameters and search are the CLI's --tle-k, …, --danco-fractal and --search."""
    X = curved(500, 12, 4, seed=5)
    path = str(tmp_path / "x.npy")
    np.save(path, X)
    flags = []
    for k, v in args.items():
        v = ",".join(map(str, v)) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)
        flags.append(f"--{k.replace('_', '-')}={v}")
    want = cli_json(["estimate", path] + flags)
    got = intdim.estimate(X, name=path, **args)
    assert_docs_equal(got.to_dict(), want)
    # The options change the result: the defaults give another one.
    default = intdim.estimate(X, method=args["method"], seed=args.get("seed", 1), name=path)
    assert default.to_dict()["results"] != want["results"]
    want = cli_json(["profile", path, "--no-pca"] + flags)
    got = intdim.profile({"x": X}, no_pca=True, **args)
    assert_docs_equal(got.to_dict(), want)


@pytest.mark.parametrize("search", ["auto", "brute", "pruned", "tree"])
def test_search_equals_cli(tmp_path, cli_json, search):
    """search= is --search: every mode gives the CLI's document (the same neighbours, bit for bit)."""
    X = curved(400, 6, 3, seed=2)
    path = str(tmp_path / "x.npy")
    np.save(path, X)
    want = cli_json(["estimate", path, "--method", "mle", "--search", search])
    assert_docs_equal(intdim.estimate(X, method="mle", search=search, name=path).to_dict(), want)
    want = cli_json(["scale", path, "--blocks", "4", "--search", search])
    assert_docs_equal(intdim.scale(X, blocks=4, search=search, name=path).to_dict(), want)
    want = cli_json(["profile", path, "--method", "mle", "--no-pca", "--search", search])
    assert_docs_equal(intdim.profile({"x": X}, method="mle", no_pca=True, search=search).to_dict(), want)
    assert intdim.local(X, search=search).ids.tolist() == intdim.local(X).ids.tolist()
    assert intdim.overlap(X, X[:, :3].copy(), search=search).overlap == intdim.overlap(X, X[:, :3].copy()).overlap
    assert intdim.imbalance(X, X[:, :3].copy(), search=search).delta_ab == intdim.imbalance(X, X[:, :3].copy()).delta_ab


def test_search_and_parameters_refused(tmp_path):
    """Bad values raise ValueError naming the keyword argument (not the CLI's flag)."""
    X = curved(200, 6, 3, seed=2)
    for fn in (lambda s: intdim.estimate(X, search=s), lambda s: intdim.profile({"x": X}, search=s),
               lambda s: intdim.scale(X, search=s), lambda s: intdim.local(X, search=s),
               lambda s: intdim.overlap(X, X, search=s), lambda s: intdim.imbalance(X, X, search=s)):
        with pytest.raises(ValueError) as e:
            fn("kd")
        assert str(e.value) == 'search="kd": unknown search mode (want auto, brute, pruned or tree)'
        with pytest.raises(ValueError) as e:
            fn("")
        assert str(e.value) == 'search="": empty search mode (want auto, brute, pruned or tree)'
    with pytest.raises(ValueError) as e:
        intdim.estimate(X, method="knn", knn_ps=[1, 2])
    assert str(e.value) == "knn: knn_ps=1, knn_ps=2: need sample sizes above k = 2 and at most 65536"
    with pytest.raises(ValueError) as e:
        intdim.estimate(X, method="corrint", corrint_k1=5, corrint_k2=3)
    assert str(e.value) == "corrint: corrint_k1=5, corrint_k2=3: need 1 ≤ k1 < k2"
