"""Times scikit-dimension on the reference arrays, for the same-run peer table.

    SKDIM=/path/to/skdim-parent python3 scripts/bench_skdim.py [--keys SUBSTR] [--skip SUBSTR,...] OUT.json

Runs every skdim.* key of testdata/refs/estimators.json on the eight arrays with
the parameters recorded there (its `call`, `params` and fit arguments), seeding
numpy's global generator with 0 before each call as the references did, and
writes OUT.json: per key and array the process CPU time (getrusage, user +
system, as intdimbench measures intdim) and the wall time of one call, and the
value next to the recorded one. A call's time is the least, over two batches,
of the batch's time over its calls; a batch repeats the call until it has taken
0.2 CPU seconds (at least once). Before the batches each key is called once on
the array, untimed: numba compiles FisherS's histogram on its first call, and
that compile time is not counted. Run it with one thread (OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS, MKL_NUM_THREADS, NUMBA_NUM_THREADS = 1), as
scripts/bench_skdim.sh does. scikit-dimension is imported from $SKDIM (a
folder holding the skdim package) when set, else from the installed package;
bench/skdim034/README.md says how to rebuild it where it cannot be installed.
"""

import argparse
import json
import os
import platform
import resource
import sys
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def summary(v, np):
    """The recorded form of a call's output: a number, or the pointwise summary."""
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return {"value": float(a)}
    return {"mean": float(np.mean(a)), "median": float(np.median(a))}


def close(got, want, rel):
    """got equals the recorded want to rel (relative); NaN equals NaN (recorded as the string "NaN")."""
    if want is None:
        return False
    want = float(want)  # "NaN", "Infinity" and "-Infinity" parse
    if want != want or got != got:
        return want != want and got != got
    return abs(got - want) <= rel * max(abs(want), 1e-300)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--testdata", default=os.path.join(os.path.dirname(__file__), "..", "testdata"))
    ap.add_argument("--keys", default="", help="only keys containing this string")
    ap.add_argument("--skip", default="skdim.ESS", help="comma-separated key prefixes left out (ESS: minutes per array)")
    ap.add_argument("--min-cpu", type=float, default=0.2)
    args = ap.parse_args()
    if os.environ.get("SKDIM"):
        sys.path.insert(0, os.environ["SKDIM"])
    import numpy as np
    import scipy
    import sklearn
    try:
        import skdim
    except ImportError as e:
        sys.exit("bench_skdim.py: cannot import skdim (%s): install scikit-dimension 0.3.4 or set SKDIM "
                 "to a folder holding its skdim package (bench/skdim034/README.md)" % e)

    refs = json.load(open(os.path.join(args.testdata, "refs", "estimators.json")))
    skip = [s for s in args.skip.split(",") if s]
    out = {
        "skdim": os.path.dirname(os.path.abspath(skdim.__file__)),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")},
        "timing": "least over 2 batches of batch CPU (getrusage user+system) / calls; batch >= %g CPU s; one untimed warm-up call per key and array (numba JIT excluded)" % args.min_cpu,
        "results": {},
    }
    for name in sorted(refs):
        X = np.load(os.path.join(args.testdata, "refs", refs[name]["file"]))
        for key, rec in refs[name]["results"].items():
            if not key.startswith("skdim.") or (args.keys and args.keys not in key):
                continue
            if any(key.startswith(s) for s in skip) or "error" in rec:
                continue
            params = rec.get("params", {})
            call = rec["call"]

            def run():
                np.random.seed(0)
                return eval(call, {"skdim": skdim, "np": np}, {"params": dict(params), "X": X})

            try:
                v = run()  # warm-up (and the value)
            except Exception as e:  # recorded, not timed
                out["results"].setdefault(key, {})[name] = {"error": str(e)}
                print("%-30s %-22s error %s" % (key, name, e), file=sys.stderr)
                continue
            best_cpu, best_wall = float("inf"), float("inf")
            for _ in range(2):
                spent, wall, calls = 0.0, 0.0, 0
                while spent < args.min_cpu or calls == 0:
                    c, w = cpu(), time.perf_counter()
                    run()
                    spent += cpu() - c
                    wall += time.perf_counter() - w
                    calls += 1
                best_cpu = min(best_cpu, spent / calls)
                best_wall = min(best_wall, wall / calls)
            got = summary(v, np)
            want = {k: rec.get(k) for k in got}
            # Randomised keys (KNN, DANCo: numpy's generators) equal the
            # reference only where the same generator and seed are used.
            equal = all(close(got[k], want[k], 1e-6) for k in got)
            random = rec.get("uses_rng") is True
            out["results"].setdefault(key, {})[name] = {
                "cpu_s": best_cpu, "wall_s": best_wall, "got": got, "ref": want, "equal_1e-6": equal, "randomised": random,
            }
            print("%-30s %-22s cpu %.5f s  wall %.5f s  %s ref %s %s%s" % (
                key, name, best_cpu, best_wall, got, want, "equal" if equal else "DIFFERS",
                " (randomised)" if random else ""), file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(plain(out), f, indent=1, allow_nan=False)


def plain(v):
    """v with non-finite floats as the strings "NaN", "Infinity", "-Infinity" (the references' convention: plain JSON has no NaN)."""
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, float) and v != v:
        return "NaN"
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return "Infinity" if v > 0 else "-Infinity"
    return v


if __name__ == "__main__":
    main()
