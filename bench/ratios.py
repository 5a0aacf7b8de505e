"""Ratios from bench/compare.sh results (every baseline from the same run)."""
import re, sys

v = {}  # name -> mean of its measurements in this run
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) >= 2 and not line.startswith("#"):
        try:
            v.setdefault(p[0], []).append(float(p[1]))
        except ValueError:
            pass
v = {k: sum(x) / len(x) for k, x in v.items()}


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
    ratio(f"kernel / FMA peak, {th} thread(s), per wall second",
          get(f"kernel_.*_threads{th}_n4096_d768"), get(f"peak_threads{th}"), ">= 0.50")
    ratio(f"kernel / FMA peak, {th} thread(s), per CPU second",
          get(f"kernel_percpu_threads{th}_n4096_d768"), get(f"peak_percpu_threads{th}"), ">= 0.50")
    ratio(f"kernel / numpy matmul, {th} thread(s), per wall second",
          get(f"kernel_.*_threads{th}_n4096_d768"), get(f"numpy_matmul_threads{th}_n4096_d768"))
    ratio(f"kernel / numpy matmul, {th} thread(s), per CPU second",
          get(f"kernel_percpu_threads{th}_n4096_d768"), get(f"numpy_matmul_percpu_threads{th}_n4096_d768"))
for n in (5000, 20000):
    goal = ">= 20" if n == 20000 else ""
    ratio(f"TwoNN {n}x768: sklearn / intdim, wall", get(f"sklearn_twonn_n{n}_d768"),
          get(f"twonn_n{n}_d768_threads2"), goal)
    ratio(f"TwoNN {n}x768: sklearn / intdim, CPU", get(f"cpu_sklearn_twonn_n{n}_d768"),
          get(f"cpu_twonn_n{n}_d768_threads2"), goal)
ratio("TwoNN 20000x768: sklearn on float64 / intdim, wall", get("sklearn64_twonn_n20000_d768"),
      get("twonn_n20000_d768_threads2"), ">= 20")
ratio("TwoNN 20000x768: sklearn on float64 / intdim, CPU", get("cpu_sklearn64_twonn_n20000_d768"),
      get("cpu_twonn_n20000_d768_threads2"), ">= 20")
for kind, pre in (("wall", ""), ("CPU", "cpu_")):
    single = get(f"{pre}twonn_n20000_d768_threads2")
    ratio(f"resample 20 / single, {kind}", get(f"{pre}twonn_resample20_n20000_d768_threads2"), single, "<= 1.3")
    ratio(f"blocks 20 / single, {kind}", get(f"{pre}twonn_blocks20_n20000_d768_threads2"), single, "<= 3")
rss = get("searchfile_peak_rss")
if rss:
    print(f"6.4 GB layer peak RSS: {rss / 1024:.0f} MiB (goal < 1024)")
