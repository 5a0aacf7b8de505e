// Package safetensors reads and writes the safetensors tensor format
// (https://github.com/huggingface/safetensors).
//
// A safetensors file is:
//
//	8 bytes      N, the header length, unsigned little-endian
//	N bytes      a JSON object, padded with spaces:
//	             {"__metadata__": {"key": "value", ...},            (optional)
//	              "name": {"dtype": "F32", "shape": [2, 3],
//	                       "data_offsets": [begin, end]}, ...}
//	the rest     the data buffer; each tensor's bytes lie at [begin, end)
//	             of it, little-endian, row-major (C order)
//
// The dtypes read are F64, F32, F16, BF16, I8, I16, I32, I64, U8, U16, U32,
// U64 and BOOL. Tensors are listed in the order their keys appear in the
// header's JSON text (a token-based decoder keeps that order; a Go map would
// lose it), which is the order writers put them in.
//
// Reading validates everything before allocating: the header length against
// the file size and a 100 MB cap, each shape's element count against its
// byte range, and each byte range against the data buffer. Errors are one
// line stating the problem; ReadFile prefixes the file's path ("PATH: ...").
package safetensors
