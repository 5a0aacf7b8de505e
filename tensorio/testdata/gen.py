#!/usr/bin/python3
"""Writes the numpy reference files of tensorio's tests.

Run with Debian's numpy (apt-get install python3-numpy; these were made with
numpy 1.24.2 on Python 3.11):  cd tensorio/testdata && /usr/bin/python3 gen.py
Every array is a simple function of np.arange so that the Go test can
rebuild the expected values; see TestNumpyReference in reference_test.go.
"""
import numpy as np
from numpy.lib import format as npf


def ramp(shape, dtype, scale=1.0, offset=0.0):
    n = int(np.prod(shape))
    return (np.arange(n) * scale + offset).reshape(shape).astype(dtype)


def save(name, a, version=None):
    with open(name, "wb") as f:
        npf.write_array(f, a, version=version)


save("f4_c.npy", ramp((3, 4), "<f4", 0.25))
save("f8_be_fortran.npy", np.asfortranarray(ramp((2, 3, 4), ">f8", 1.0, -5.0)))
save("f2.npy", ramp((3, 5), "<f2", 0.125, -1.0))
save("f2_special.npy", np.array([[1.0, 0.5, -2.0], [65504.0, 2.0**-24, -0.0], [np.inf, -np.inf, 2.0**-14]], "<f2"))
save("i2_be.npy", ramp((3, 4), ">i2", 1.0, -6.0))
save("i1.npy", ramp((4, 2), "|i1", 1.0, -4.0))
save("u8.npy", ramp((3, 2), "<u8", 1000.0))
save("u4_be_fortran.npy", np.asfortranarray(ramp((3, 2), ">u4", 7.0)))
save("bool.npy", (np.arange(6) % 2 == 1).reshape(3, 2))
save("f4_v2.npy", ramp((3, 4), "<f4", 0.25), version=(2, 0))
save("f4_v3.npy", ramp((3, 4), "<f4", 0.25), version=(3, 0))
save("f8_rank1.npy", ramp((5,), "<f8"))
np.savez("savez.npz", zeta=ramp((3, 2), "<f4"), alpha=ramp((3, 1), "<i8", 2.0), mid=ramp((3, 2, 2), "<f8", 0.5))
np.savez_compressed("savez_compressed.npz", zeta=ramp((3, 2), "<f4"), alpha=ramp((3, 1), "<i8", 2.0), mid=ramp((3, 2, 2), "<f8", 0.5))
