#!/usr/bin/env python3
"""Writes imageset/testdata/odd_?_grey.npy: the PNG test images converted to
grey by Pillow's convert("L") (what torchvision's Grayscale does to PIL
images), as uint8 arrays of shape (H, W). The Go test TestGreyMatchesPIL
compares imageset.Luminance with them.

    /usr/bin/python3 scripts/grey_refs.py     # Debian's python3-pil (Pillow 9.4.0)
"""
import glob
import os

from PIL import Image


def write_npy(path, data, h, w):
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%d, %d), }" % (h, w)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode("latin1"))
        f.write(bytes(data))


here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "imageset", "testdata")
for src in sorted(glob.glob(os.path.join(here, "odd_?.png"))):
    im = Image.open(src)
    grey = im.convert("L")
    w, h = grey.size
    write_npy(src[:-4] + "_grey.npy", list(grey.getdata()), h, w)
    print(src, im.mode, (w, h))
