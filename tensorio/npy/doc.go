// Package npy reads and writes numpy's .npy array format
// (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
//
// A .npy file is:
//
//	6 bytes   magic "\x93NUMPY"
//	2 bytes   version major, minor: 1.0, 2.0 or 3.0
//	2 or 4    header length H, little-endian (2 bytes in version 1, 4 in 2 and 3)
//	H bytes   a Python dict literal, padded with spaces and ending in '\n':
//	          {'descr': '<f4', 'fortran_order': False, 'shape': (2000, 100), }
//	the rest  the array's elements, row-major (C order) or, when
//	          fortran_order is True, column-major
//
// Version 2 only widens the header length; version 3 allows UTF-8 in the
// header (versions 1 and 2 are Latin-1). The descr is a byte order ('<'
// little, '>' big, '|' not applicable, '=' native, taken as little) and a
// kind and size: f2, f4, f8 (float16/32/64), i1–i8, u1–u8, b1 (bool).
// Structured, complex, string, datetime and object dtypes are rejected.
//
// The readers check the header against the data before allocating (a header
// claiming 10¹⁸ elements is an error, not an allocation), read large arrays
// once, in place (see Read), and report every problem as one line without
// the file name; ReadFile prefixes the path ("x.npy: truncated data: ...").
package npy
