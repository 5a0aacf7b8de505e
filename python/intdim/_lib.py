"""Loading libintdim (the Go engine built with -buildmode=c-shared) and calling it.

The library is looked up in this order: the path in the environment variable
INTDIM_LIB, then libintdim.so (.dylib, .dll) next to this file, where
``pip install ./python`` puts it.

Calls go through ctypes.CDLL, which releases the GIL for the duration of a
foreign call: other Python threads run while the engine computes, and the
engine itself keeps no state between calls, so several threads may call it
at once. The engine reads the NumPy buffers in place; they must stay alive
and unchanged during the call (they are, since the call holds a reference).
"""

import ctypes
import json
import os
import sys
import threading

_names = {"darwin": "libintdim.dylib", "win32": "libintdim.dll"}
LIBNAME = _names.get(sys.platform, "libintdim.so")

OK, FAILURE, BAD_INPUT = 0, 1, 2

_lib = None
_lock = threading.Lock()


def _path():
    env = os.environ.get("INTDIM_LIB")
    if env:
        return env
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), LIBNAME)


def lib():
    """Return the loaded library, loading it on first use."""
    global _lib
    with _lock:
        if _lib is None:
            path = _path()
            if not os.path.exists(path):
                raise ImportError(
                    f"intdim: the engine library {path} does not exist; install the package with "
                    "'python3 -m pip install --no-build-isolation ./python' (needs Go), or build it with "
                    "'go build -buildmode=c-shared -o libintdim.so ./cmd/libintdim' and set INTDIM_LIB to its path")
            l = ctypes.CDLL(path)
            i64, c_int, p = ctypes.c_int64, ctypes.c_int, ctypes.c_void_p
            cs, out, outlen = ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(i64)
            for fn in (l.intdim_estimate, l.intdim_scale):
                fn.argtypes = [p, i64, i64, c_int, cs, cs, out, outlen]
                fn.restype = c_int
            l.intdim_profile.argtypes = [i64, ctypes.POINTER(p), ctypes.POINTER(i64), ctypes.POINTER(i64),
                                         ctypes.POINTER(c_int), ctypes.POINTER(cs), cs, out, outlen]
            l.intdim_profile.restype = c_int
            l.intdim_overlap.argtypes = [p, i64, i64, c_int, c_int, p, i64, i64, c_int, ctypes.POINTER(i64), i64,
                                         cs, cs, cs, cs, out, outlen]
            l.intdim_overlap.restype = c_int
            l.intdim_imbalance.argtypes = [p, i64, i64, c_int, p, i64, i64, c_int, cs, cs, cs, out, outlen]
            l.intdim_imbalance.restype = c_int
            l.intdim_local.argtypes = [p, i64, i64, c_int, cs, cs, ctypes.POINTER(ctypes.c_double), out, outlen]
            l.intdim_local.restype = c_int
            l.intdim_figure.argtypes = [cs, i64, cs, out, outlen]
            l.intdim_figure.restype = c_int
            l.intdim_free.argtypes = [p]
            l.intdim_free.restype = None
            _lib = l
        return _lib


class EngineError(RuntimeError):
    """A failure of the engine that is not the caller's input (the CLI's exit status 1)."""


def call(fn, *args, keep=()):
    """Call fn(*args, &out, &len) and return the bytes it wrote.

    Raises ValueError with the engine's one-line message for bad input or
    options (the CLI's exit status 2) and EngineError for a failure.

    The engine runs in a worker thread (ctypes releases the GIL) while this
    thread waits, so Ctrl-C (KeyboardInterrupt) reaches the caller at once:
    the engine then finishes that call in the background, holding the
    arrays it reads (keep) until it returns, and its result is discarded.
    """
    out = ctypes.c_void_p()
    n = ctypes.c_int64()
    box = {}

    lock = threading.Lock()  # whoever sees both finished and abandoned frees the reply

    def work(keep=keep):
        try:
            box["code"] = fn(*args, ctypes.byref(out), ctypes.byref(n))
        except BaseException as e:  # a ctypes argument error
            box["error"] = e
        finally:
            with lock:
                box["finished"] = True
                free = box.get("abandoned")
            done.set()
            if free and out.value:
                lib().intdim_free(out.value)

    done = threading.Event()
    t = threading.Thread(target=work, name="intdim-engine", daemon=True)
    t.start()
    try:
        while not done.wait(0.05):
            pass
    except KeyboardInterrupt:
        with lock:
            box["abandoned"] = True
            free = box.get("finished")
        if free and out.value:  # finished meanwhile: its reply is freed here
            lib().intdim_free(out.value)
        raise
    if "error" in box:
        raise box["error"]
    code = box["code"]
    if not out.value:
        raise MemoryError("intdim: the engine could not allocate its reply")
    try:
        data = ctypes.string_at(out.value, n.value)
    finally:
        lib().intdim_free(out.value)
    if code == OK:
        return data
    msg = data.decode("utf-8", "replace")
    if code == BAD_INPUT:
        raise ValueError(msg)
    raise EngineError(msg)


def options(opts):
    """The JSON object of options, leaving out those that are None (the default)."""
    return json.dumps({k: v for k, v in opts.items() if v is not None}).encode()
