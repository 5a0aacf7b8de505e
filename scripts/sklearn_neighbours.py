#!/usr/bin/env python3
"""Neighbour lists as scikit-learn writes them, for pipeline/sklearn_test.go
(issue 11): `intdim estimate --neighbours` on them must give the estimates
of the points themselves.

    apt-get install -y python3-sklearn
    python3 scripts/sklearn_neighbours.py pipeline/testdata

Writes sk_points.npy (150 points on a 3-dimensional manifold in 5
dimensions, float64, rows 10 and 20 repeating row 5), sk_neighbours.npz
(distances and indices of NearestNeighbors(n_neighbors=12).kneighbors(X):
column 0 is a point at distance 0, itself or one of its duplicates) and
sk_faiss.npz (the same lists for the distinct points' search without the
self column, as FAISS users keep them: kneighbors() without X).
"""
import sys

import numpy as np
from sklearn.neighbors import NearestNeighbors

out = sys.argv[1] if len(sys.argv) > 1 else "pipeline/testdata"
rng = np.random.default_rng(11)
z = rng.random((150, 3))
X = np.concatenate([np.sin(3 * z), np.cos(2 * z[:, :2])], axis=1)
X[10] = X[5]
X[20] = X[5]
np.save(f"{out}/sk_points.npy", X)
nn = NearestNeighbors(n_neighbors=12, algorithm="kd_tree").fit(X)
d, i = nn.kneighbors(X)
np.savez(f"{out}/sk_neighbours.npz", distances=d, indices=i)
d, i = nn.kneighbors()  # each point's neighbours without itself
np.savez(f"{out}/sk_faiss.npz", distances=d, indices=i)
print("column 0 not self in rows", [r for r in range(len(X)) if nn.kneighbors(X)[1][r, 0] != r])
