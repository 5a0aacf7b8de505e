"""Peer baselines for bench/compare.sh (Debian python3-numpy, python3-sklearn).

  peers.py matmul N D THREADS     numpy float32 X @ X.T, best of 3, GFLOP/s
  peers.py twonn FILE.npy [f64]   sklearn NearestNeighbors (3 neighbours,
                                  itself included) + the TwoNN fit of
                                  DADApy/scikit-dimension (discard 10 %,
                                  slope through the origin); load excluded;
                                  f64: the array cast to float64 first (as
                                  a float64 .npy would be), cast excluded
"""
import sys, time
import numpy as np


def matmul(n, d):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, d), dtype=np.float32)
    best, cpu = 1e9, 0.0
    for _ in range(5):
        c = time.process_time()
        t = time.perf_counter()
        x @ x.T
        w = time.perf_counter() - t
        if w < best:
            best, cpu = w, time.process_time() - c
    f = 2.0 * n * n * d
    return f / best / 1e9, f / cpu / 1e9


def twonn(path, f64=False):
    from sklearn.neighbors import NearestNeighbors
    x = np.load(path)
    if f64:
        x = x.astype(np.float64)
    c = time.process_time()
    t = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=3).fit(x)
    dist, _ = nn.kneighbors(x)
    mu = np.sort(dist[:, 2] / dist[:, 1])
    n = len(mu)
    m = int(n * 0.9)
    xs = np.log(mu[:m])
    ys = -np.log(1 - np.arange(1, m + 1) / n)
    idim = float(xs @ ys / (xs @ xs))
    return time.perf_counter() - t, time.process_time() - c, idim


if __name__ == "__main__":
    if sys.argv[1] == "matmul":
        n, d, th = map(int, sys.argv[2:5])
        g, gc = matmul(n, d)
        print(f"numpy_matmul_threads{th}_n{n}_d{d} {g:.1f} GFLOP/s")
        print(f"numpy_matmul_percpu_threads{th}_n{n}_d{d} {gc:.1f} GFLOP/cpu-s")
    else:
        f64 = sys.argv[3:4] == ["f64"]
        s, c, idim = twonn(sys.argv[2], f64)
        x = np.load(sys.argv[2], mmap_mode="r")
        tag = "sklearn64" if f64 else "sklearn"
        print(f"{tag}_twonn_n{x.shape[0]}_d{x.shape[1]} {s:.3f} s id={idim:.4f}")
        print(f"cpu_{tag}_twonn_n{x.shape[0]}_d{x.shape[1]} {c:.3f} cpu-s")
