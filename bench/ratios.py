"""Ratios from bench/compare.sh results (every baseline from the same run)."""
import re, sys

v = {}
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) >= 2 and not line.startswith("#"):
        try:
            v[p[0]] = float(p[1])
        except ValueError:
            pass


def get(pat):
    for k, x in v.items():
        if re.fullmatch(pat, k):
            return x
    return None


def ratio(name, a, b, goal=""):
    if a is None or b is None:
        print(f"{name}: n/a")
        return
    print(f"{name}: {a / b:.2f}{'  (goal ' + goal + ')' if goal else ''}")


for th in (1, 2):
    peak = get(f"peak_threads{th}")
    ker = get(f"kernel_.*_threads{th}_n4096_d768")
    np_ = get(f"numpy_matmul_threads{th}_n4096_d768")
    ratio(f"kernel / FMA peak, {th} thread(s)", ker, peak, ">= 0.50")
    ratio(f"kernel / numpy matmul, {th} thread(s)", ker, np_)
for n in (5000, 20000):
    ratio(f"TwoNN {n}x768: sklearn time / intdim time", get(f"sklearn_twonn_n{n}_d768"),
          get(f"twonn_n{n}_d768_threads2"), ">= 20" if n == 20000 else "")
single = get("twonn_n20000_d768_threads2")
ratio("resample 20 / single (wall)", get("twonn_resample20_n20000_d768_threads2"), single, "<= 1.3")
ratio("blocks 20 / single (wall)", get("twonn_blocks20_n20000_d768_threads2"), single, "<= 3")
cs = get("cpu_twonn_n20000")
ratio("resample 20 / single (user CPU)", get("cpu_twonn-resample20_n20000"), cs, "<= 1.3")
ratio("blocks 20 / single (user CPU)", get("cpu_twonn-blocks20_n20000"), cs, "<= 3")
rss = get("searchfile_peak_rss")
if rss:
    print(f"6.4 GB layer peak RSS: {rss / 1024:.0f} MiB (goal < 1024)")
