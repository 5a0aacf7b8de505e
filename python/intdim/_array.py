"""Turning array-likes into the C-contiguous float32/float64 buffers the engine reads in place."""

import warnings

import numpy as np


class CopyWarning(UserWarning):
    """The points had to be copied before the engine could read them."""


def points(X, name):
    """Return X as a C-contiguous, aligned float32 or float64 array of 2 or more dimensions.

    float32 and float64 arrays that are C-contiguous and aligned are returned as
    they are (a view: nothing is copied; more than 2 dimensions are viewed as
    rows of their flattened trailing dimensions). Other arrays (strided views,
    Fortran order, integers, float16, tensors) are converted, with a
    CopyWarning saying why. Complex, object and string arrays are refused with
    a TypeError.
    """
    if hasattr(X, "detach") and hasattr(X, "cpu"):  # a torch tensor
        X = X.detach().cpu().numpy()
    a = np.asarray(X)
    why = None
    if a.dtype.kind in "biu":
        a, why = a.astype(np.float64), f"{a.dtype} values converted to float64"
    elif a.dtype.kind == "f" and a.dtype not in (np.float32, np.float64):
        target = np.float32 if a.dtype.itemsize < 4 else np.float64
        a, why = a.astype(target), f"{a.dtype} values converted to {np.dtype(target)}"
    elif a.dtype.kind != "f":
        raise TypeError(f"{name}: {a.dtype} values; want an array of real numbers (float32 or float64)")
    if not a.dtype.isnative:
        a, why = a.astype(a.dtype.newbyteorder("=")), "values of the other byte order converted"
    if a.ndim < 2:
        raise ValueError(f"{name}: an array of {a.ndim} dimension{'s' if a.ndim != 1 else ''} {a.shape}; "
                         "want points as the rows of a 2-D array (reshape(-1, 1) for one coordinate)")
    if not (a.flags.c_contiguous and a.flags.aligned):
        a = np.ascontiguousarray(a)
        why = why or "a non-contiguous array copied to C order"
    if why:
        warnings.warn(f"{name}: {why} ({a.nbytes} bytes)", CopyWarning, stacklevel=3)
    if a.ndim > 2:
        a = a.reshape(a.shape[0], -1)  # a view of a C-contiguous array
    return a


def elem(a):
    return a.dtype.itemsize


TOKEN_MODES = ("flatten", "first", "last", "mean", "all")


def tokens(a, mode, name):
    """Points from an array [N, T, D] of token representations, as the CLI's --tokens does (cloud.Tokens).

    flatten: N points of T·D values (a view); first, last: the first or last
    token of each sequence; mean: the mean over tokens, summed in float64
    token by token and rounded once to the array's type (the engine's
    arithmetic, so the same values); all: every token a point, N·T points (a
    view of a C-contiguous array).
    """
    if mode not in TOKEN_MODES:
        raise ValueError(f'--tokens "{mode}": want {", ".join(TOKEN_MODES)}')
    a = np.asarray(a)
    if mode == "flatten":
        return a
    if a.ndim != 3:
        raise ValueError(f"{name}: --tokens {mode} needs an array [N, T, D] of token representations, not {a.shape}")
    n, t, d = a.shape
    if mode == "first":
        return np.ascontiguousarray(a[:, 0, :])
    if mode == "last":
        return np.ascontiguousarray(a[:, t - 1, :])
    if mode == "all":
        return np.ascontiguousarray(a).reshape(n * t, d)
    s = np.zeros((n, d), dtype=np.float64)
    for k in range(t):
        s += a[:, k, :]
    s /= t
    return s.astype(a.dtype if a.dtype in (np.float32, np.float64) else np.float64)
