"""intdim: the intrinsic dimension of data and of neural-network representations.

A Python front end to the intdim engine (Go, loaded as a C shared library
through ctypes): the same estimators, defaults, documents and error messages
as the command line ``intdim estimate | scale | profile``.

    import intdim
    r = intdim.estimate(X)                 # TwoNN, duplicates collapsed, seed 1
    r.id, r.err, r.n_used, r.duplicates
    p = intdim.profile({"conv1": A1, "fc": A2})
    p.to_pandas(); p.plot()                # the engine's profile figure
    intdim.overlap(A, B, k=30).overlap     # neighbourhood overlap of two representations
    intdim.overlap(A, labels=y).label_overlap
    intdim.imbalance(A, B).delta_ab        # information imbalance Δ(A→B), and delta_ba
    intdim.local(X, k=20).ids              # the ID of every point, a NumPy array

float32 and float64 arrays in C order are read by the engine in place (no
copy); other arrays are converted with a CopyWarning. Bad input or options
raise ValueError (or TypeError for the type of the data) with the engine's
one-line message. The engine runs without the GIL, so other Python threads
run meanwhile and several threads may call it at once; Ctrl-C is handled
when the call returns.
"""

from . import _array, _lib
from ._array import CopyWarning
from ._lib import EngineError
from ._results import Estimate, Figure, Imbalance, Local, MethodResult, Overlap, Profile

__all__ = ["estimate", "scale", "profile", "overlap", "imbalance", "local", "Estimate", "Profile",
           "Overlap", "Imbalance", "Local", "MethodResult", "Figure", "CopyWarning", "EngineError"]
__version__ = "0.1.0"

import ctypes as _ctypes
import json as _json
import warnings as _warnings


def _tokens(X, mode, name):
    if mode == "flatten":
        shape = getattr(X, "shape", ())
        if len(shape) == 3:  # the CLI's warning for a rank-3 array read flattened
            n, t, d = (int(v) for v in shape)
            _warnings.warn(f"{name}: rank-3 array {n}×{t}×{d} read as {n} points of {t}×{d} = {t * d} values "
                           "(--tokens flatten); if its axes are [N, T, D] (sequences, tokens, features), --tokens first, "
                           "last, mean or all takes tokens as points", RuntimeWarning, stacklevel=4)
        return X
    if hasattr(X, "detach") and hasattr(X, "cpu"):
        X = X.detach().cpu().numpy()
    return _array.tokens(X, mode, name)


def _warn(doc_warnings, prefix):
    for w in doc_warnings or []:
        _warnings.warn(f"{prefix}{w}", RuntimeWarning, stacklevel=3)


def _points_call(fn, X, name, opts, tok="flatten"):
    a = _array.points(_tokens(X, tok, name), name)
    n, d = a.shape
    ptr = a.ctypes.data if a.size else None
    return _json.loads(_lib.call(fn, ptr, n, d, _array.elem(a), name.encode(), _lib.options(opts), keep=(a,))), a


def _method_opts(binomial_k, binomial_r, kstar_maxk, kstar_alpha, kstar_iter, skdim=None):
    opts = dict(binomial_k=binomial_k, binomial_r=binomial_r, kstar_maxk=kstar_maxk, kstar_alpha=kstar_alpha,
                kstar_iter=kstar_iter)
    for key, v in (skdim or {}).items():
        if key == "knn_ps" and v is not None and not isinstance(v, str):
            v = ",".join(str(int(p)) for p in v)  # --knn-ps 5,6,7
        opts[key] = v
    return opts


def estimate(X, method="twonn", *, resample=0, fraction=0.9, metric="euclidean", duplicates="collapse",
             seed=1, k=20, discard=0.1, paper=False, max_rank=256, zero_rows="error", threads=0, mem=None,
             tokens="flatten", name="X", binomial_k=None, binomial_r=None, kstar_maxk=None, kstar_alpha=None,
             kstar_iter=None, search="auto", lpca_alpha_fo=None, lpca_alpha_ratio=None, lpca_alpha_fan=None,
             lpca_beta_fan=None, lpca_p_fan=None, mom_k=None, tle_k=None, tle_epsilon=None, mada_k=None, mind_k=None,
             mind_d=None, ess_k=None, corrint_k1=None, corrint_k2=None, knn_k=None, knn_ps=None, knn_m=None, knn_gamma=None,
             danco_k=None, danco_d=None, danco_fractal=None):
    """Estimate the intrinsic dimension of the points X (rows), as 'intdim estimate'.

    method: twonn, twonn-ml, gride, mle, pca or all; scikit-dimension's
    lpca-fo, lpca-fan, lpca-maxgap, lpca-ratio, lpca-pr, lpca-kaiser,
    lpca-brokenstick, mom, tle, mada, corrint, ess, mind-ml, fishers, knn,
    danco (randomised: seed), or every (their parameters below); DADApy's
    binomial or gride-auto (see below). resample: error bars from
    this many random subsets of a fraction of the points. metric: euclidean or
    cosine. duplicates: collapse, drop (paper) or keep. k: MLE neighbours;
    discard: TwoNN's discarded fraction; paper: TwoNN as Ansuini et al. 2019;
    max_rank: GRIDE's largest rank; zero_rows: error or drop (cosine);
    threads: 0 for all cores; mem: memory budget ("8G"); tokens: for an
    array [N, T, D], flatten, first, last, mean or all (as --tokens). name
    names X in the document and in errors. search: the neighbour search,
    auto, brute, pruned or tree (the same neighbours, bit for bit; as
    --search). Returns an Estimate.

    binomial_k, binomial_r: method "binomial": the neighbour rank k of the
    outer radius (default 10) and the ratio r of the inner radius to it, in
    (0, 1) (default 0.5), as --binomial-k and --binomial-r. kstar_maxk,
    kstar_alpha, kstar_iter: method "gride-auto" (GRIDE at each point's scale
    k*): the neighbours searched (default 100; capped at N - 1 with a
    warning), the significance of the k* test (default 1e-6) and the number
    of GRIDE fits (default 5), as --kstar-maxk, --kstar-alpha and
    --kstar-iter. None means the default.

    lpca_alpha_fo, lpca_alpha_ratio, lpca_alpha_fan, lpca_beta_fan,
    lpca_p_fan (lpca-*), mom_k (mom), tle_k, tle_epsilon (tle), mada_k (mada),
    mind_k, mind_d (mind-ml), ess_k (ess), corrint_k1, corrint_k2 (corrint),
    knn_k, knn_ps (a list of sample sizes or "5,6,7"), knn_m, knn_gamma (knn),
    danco_k, danco_d, danco_fractal (danco): scikit-dimension's parameters of
    the methods in brackets, as --lpca-alpha-fo, …, --danco-fractal ('intdim
    estimate --help' gives the defaults); None means the default.
    """
    opts = dict(method=method, resample=resample, fraction=fraction, metric=metric, duplicates=duplicates,
                seed=seed, k=k, discard=discard, paper=paper, max_rank=max_rank, zero_rows=zero_rows,
                threads=threads, mem=mem, search=search,
                **_method_opts(binomial_k, binomial_r, kstar_maxk, kstar_alpha, kstar_iter, dict(
                    lpca_alpha_fo=lpca_alpha_fo, lpca_alpha_ratio=lpca_alpha_ratio, lpca_alpha_fan=lpca_alpha_fan,
                    lpca_beta_fan=lpca_beta_fan, lpca_p_fan=lpca_p_fan, mom_k=mom_k, tle_k=tle_k,
                    tle_epsilon=tle_epsilon, mada_k=mada_k, mind_k=mind_k, mind_d=mind_d, ess_k=ess_k,
                    corrint_k1=corrint_k1, corrint_k2=corrint_k2, knn_k=knn_k, knn_ps=knn_ps, knn_m=knn_m,
                    knn_gamma=knn_gamma, danco_k=danco_k, danco_d=danco_d, danco_fractal=danco_fractal)))
    doc, _ = _points_call(_lib.lib().intdim_estimate, X, name, opts, tokens)
    _warn(doc.get("warnings"), f"{name}: ")
    return Estimate(doc)


def scale(X, blocks=None, *, decimate=False, gride=False, metric="euclidean", duplicates="collapse", seed=1,
          discard=0.1, paper=False, max_rank=256, zero_rows="error", threads=0, tokens="flatten", name="X",
          search="auto"):
    """ID against scale, as 'intdim scale': block analysis (blocks = 1..B disjoint
    blocks; 20 when no analysis is chosen), decimation, GRIDE at ranks 2, 4, …,
    max_rank. search: as in estimate. Returns an Estimate whose results carry
    scales, ids and errs.
    """
    opts = dict(blocks=blocks, decimate=decimate, gride=gride, metric=metric, duplicates=duplicates, seed=seed,
                discard=discard, paper=paper, max_rank=max_rank, zero_rows=zero_rows, threads=threads, search=search)
    doc, _ = _points_call(_lib.lib().intdim_scale, X, name, opts, tokens)
    _warn(doc.get("warnings"), f"{name}: ")
    return Estimate(doc)


def profile(layers, method="twonn", *, no_pca=False, resample=0, fraction=0.9, metric="euclidean",
            duplicates="collapse", seed=1, k=20, discard=0.1, paper=False, max_rank=256, zero_rows="error",
            threads=0, mem=None, tokens="flatten", overlap=False, overlap_k=30, imbalance=False,
            binomial_k=None, binomial_r=None, kstar_maxk=None, kstar_alpha=None, kstar_iter=None, search="auto",
            lpca_alpha_fo=None, lpca_alpha_ratio=None, lpca_alpha_fan=None, lpca_beta_fan=None,
            lpca_p_fan=None, mom_k=None, tle_k=None, tle_epsilon=None, mada_k=None, mind_k=None, mind_d=None,
            ess_k=None, corrint_k1=None, corrint_k2=None, knn_k=None, knn_ps=None, knn_m=None, knn_gamma=None,
            danco_k=None, danco_d=None, danco_fractal=None):
    """The ID of every layer, as 'intdim profile': layers is a dict {name: array}
    (in order) or a list of arrays (named layer0, layer1, …). Every layer's
    PC-ID is computed unless no_pca. A layer that cannot be estimated is in
    the profile with its error (a RuntimeWarning names it); bad options raise
    ValueError. tokens: for arrays [N, T, D], as in estimate. overlap: the
    layer × layer neighbourhood overlap with overlap_k neighbours
    (``to_dict()["overlap"]``); imbalance: each layer's information
    imbalances against the first layer (input) and the last (output), the
    rows' ``delta_to_input``, ``delta_from_input``, ``delta_to_output``,
    ``delta_from_output`` (as --overlap and --imbalance). binomial_k,
    binomial_r, kstar_maxk, kstar_alpha and kstar_iter: as in estimate; with
    method "gride-auto" every row has its ``kstar`` summary. search and the
    scikit-dimension parameters (lpca_alpha_fo, …, danco_fractal): as in
    estimate. Returns a Profile.
    """
    if isinstance(layers, dict):
        items = list(layers.items())
    else:
        items = [(f"layer{i}", x) for i, x in enumerate(layers)]
    if not items:
        raise ValueError("no layers")
    arrays = [_array.points(_tokens(x, tokens, str(nm)), str(nm)) for nm, x in items]  # kept alive during the call
    count = len(arrays)
    ptrs = (_ctypes.c_void_p * count)(*[a.ctypes.data if a.size else None for a in arrays])
    ns = (_ctypes.c_int64 * count)(*[a.shape[0] for a in arrays])
    ds = (_ctypes.c_int64 * count)(*[a.shape[1] for a in arrays])
    es = (_ctypes.c_int * count)(*[_array.elem(a) for a in arrays])
    names = (_ctypes.c_char_p * count)(*[str(nm).encode() for nm, _ in items])
    opts = dict(method=method, no_pca=no_pca, resample=resample, fraction=fraction, metric=metric,
                duplicates=duplicates, seed=seed, k=k, discard=discard, paper=paper, max_rank=max_rank,
                zero_rows=zero_rows, threads=threads, mem=mem, overlap=overlap or None,
                overlap_k=overlap_k if overlap else None, imbalance=imbalance or None,
                search=search,
                **_method_opts(binomial_k, binomial_r, kstar_maxk, kstar_alpha, kstar_iter, dict(
                    lpca_alpha_fo=lpca_alpha_fo, lpca_alpha_ratio=lpca_alpha_ratio, lpca_alpha_fan=lpca_alpha_fan,
                    lpca_beta_fan=lpca_beta_fan, lpca_p_fan=lpca_p_fan, mom_k=mom_k, tle_k=tle_k,
                    tle_epsilon=tle_epsilon, mada_k=mada_k, mind_k=mind_k, mind_d=mind_d, ess_k=ess_k,
                    corrint_k1=corrint_k1, corrint_k2=corrint_k2, knn_k=knn_k, knn_ps=knn_ps, knn_m=knn_m,
                    knn_gamma=knn_gamma, danco_k=danco_k, danco_d=danco_d, danco_fractal=danco_fractal)))
    doc = _json.loads(_lib.call(_lib.lib().intdim_profile, count, ptrs, ns, ds, es, names, _lib.options(opts), keep=arrays))
    for l in doc["layers"]:
        _warn(l.get("warnings"), f"{l['name']}: ")
    failed = [l for l in doc["layers"] if l.get("error")]
    if failed:
        msgs = "; ".join(f"layer {l['name']}: {l['error']}" for l in failed)
        _warnings.warn(f"{len(failed)} of {len(doc['layers'])} layers failed: {msgs}", RuntimeWarning, stacklevel=2)
    return Profile(doc)


def _cloud(X, name):
    """X as the engine reads it (a view where possible) and its (pointer, n, d, elem)."""
    a = _array.points(_tokens(X, "flatten", name), name)
    n, d = a.shape
    return a, (a.ctypes.data if a.size else None, n, d, _array.elem(a))


def overlap(A, B=None, k=30, *, labels=None, metric="euclidean", name_a="A", name_b="B", name_labels="labels",
            search="auto"):
    """The neighbourhood overlap of two representations A and B of the same points
    (rows), and/or the label overlap of A, as 'intdim overlap --k k'.

    With B: the mean over points of the fraction of their k nearest neighbours
    shared by A and B (DADApy's data overlap). With labels (N integers): A's
    label overlap, the mean fraction of neighbours with the point's label
    (class-weighted, and per point). metric: euclidean or cosine; search:
    auto, brute, pruned or tree (as --search). name_a,
    name_b and name_labels name them in the document and in errors. Returns an
    Overlap (``.overlap``, ``.label_overlap``, ``.to_dict()``).
    """
    if B is None and labels is None:
        raise ValueError("overlap: give B (neighbourhood overlap) or labels (label overlap)")
    a, (pa, na, da, ea) = _cloud(A, name_a)
    keep = [a]
    has_b, pb, nb, db, eb = 0, None, 0, 0, 8
    if B is not None:
        b, (pb, nb, db, eb) = _cloud(B, name_b)
        keep.append(b)
        has_b = 1
    lab, nlab = None, -1
    if labels is not None:
        import numpy as np
        y = np.asarray(labels)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"{name_labels}: labels of shape {y.shape}; want N integers")
        if y.dtype.kind == "f":
            if not np.all(np.isfinite(y)) or not np.all(y == np.round(y)):
                raise ValueError(f"{name_labels}: labels must be integers")
        elif y.dtype.kind not in "biu":
            raise TypeError(f"{name_labels}: {y.dtype} labels; want integers")
        y = np.ascontiguousarray(y, dtype=np.int64)
        keep.append(y)
        lab, nlab = y.ctypes.data_as(_ctypes.POINTER(_ctypes.c_int64)), len(y)
    opts = dict(k=k, metric=metric, search=search)
    doc = _lib.call(_lib.lib().intdim_overlap, pa, na, da, ea, has_b, pb, nb, db, eb, lab, nlab,
                    name_a.encode(), name_b.encode(), name_labels.encode(), _lib.options(opts), keep=keep)
    return Overlap(_json.loads(doc))


def imbalance(A, B, *, metric="euclidean", name_a="A", name_b="B", search="auto"):
    """The information imbalances Δ(A→B) and Δ(B→A) of two representations of the
    same points (rank 1, DADApy's definition), as 'intdim imbalance'.

    Δ(A→B) = 2/N · mean over points of the rank, in B, of the point's nearest
    neighbour in A: 2/N when the nearest neighbours agree, about 1 when they
    are unrelated. Returns an Imbalance (``.delta_ab``, ``.delta_ba``,
    ``.to_dict()``).
    """
    a, (pa, na, da, ea) = _cloud(A, name_a)
    b, (pb, nb, db, eb) = _cloud(B, name_b)
    doc = _lib.call(_lib.lib().intdim_imbalance, pa, na, da, ea, pb, nb, db, eb, name_a.encode(), name_b.encode(),
                    _lib.options(dict(metric=metric, search=search)), keep=(a, b))
    return Imbalance(_json.loads(doc))


def local(X, k=20, *, method="mle", metric="euclidean", tle_epsilon=None, name="X", search="auto"):
    """The intrinsic dimension of every point from its k nearest neighbours, as
    'intdim local --k k --method method' (duplicates kept).

    method: mle (Levina–Bickel), mom, tle, mada, ess, lpca-fo or twonn (the
    scikit-dimension pointwise estimators); tle_epsilon: tle's threshold;
    search: auto, brute, pruned or tree (as --search).
    Returns a Local whose ``ids`` is a float64 NumPy array of the N values
    (what --out writes) and whose summary (mean, median, global_id) is the
    command's document (``to_dict()``).
    """
    import numpy as np
    a, (p, n, d, e) = _cloud(X, name)
    ids = np.full(n, np.nan, dtype=np.float64)
    opts = dict(k=k, method=method, metric=metric, tle_epsilon=tle_epsilon, search=search)
    doc = _lib.call(_lib.lib().intdim_local, p, n, d, e, name.encode(), _lib.options(opts),
                    ids.ctypes.data_as(_ctypes.POINTER(_ctypes.c_double)), keep=(a, ids))
    return Local(_json.loads(doc), ids)

