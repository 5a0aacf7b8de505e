"""Shared fixtures: the CLI binary (INTDIM_CLI, or built here) and data."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))  # the package in-tree (INTDIM_LIB names the library)


@pytest.fixture(scope="session")
def cli_path(tmp_path_factory):
    """The intdim CLI: INTDIM_CLI, or built here."""
    path = os.environ.get("INTDIM_CLI")
    if not path:
        path = str(tmp_path_factory.mktemp("bin") / "intdim")
        subprocess.run(["go", "build", "-o", path, "./cmd/intdim"], cwd=REPO, check=True)
    return path


@pytest.fixture(scope="session")
def cli(cli_path):
    """A function running the intdim CLI: cli(args) -> (exit status, stdout, stderr)."""
    path = cli_path

    def run(args):
        p = subprocess.run([path] + list(args), capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    """cli_json(args) -> the JSON document the CLI prints (it must succeed)."""
    def run(args):
        code, out, err = cli(list(args) + ["--format", "json", "--quiet"])
        assert code == 0, err
        return json.loads(out)
    return run


def curved(n, d, intrinsic, seed, dtype=np.float64):
    """n points on a curved intrinsic-dimensional manifold embedded in d dimensions."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, intrinsic))
    w = rng.standard_normal((intrinsic, d))
    return np.ascontiguousarray(np.tanh(z @ w) + 0.01 * np.sin(3 * z[:, :1]), dtype=dtype)


def assert_docs_equal(a, b, tol=1e-12, path="doc"):
    """Documents equal: the same keys and values, numbers to a relative tol."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            assert_docs_equal(a[k], b[k], tol, f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_docs_equal(x, y, tol, f"{path}[{i}]")
    elif isinstance(a, float) or isinstance(b, float):
        assert abs(a - b) <= tol * max(1.0, abs(a), abs(b)), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"
