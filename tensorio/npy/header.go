package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/intdim/intdim/tensorio/internal/shape"
)

// Magic is the first six bytes of every .npy file.
const Magic = "\x93NUMPY"

// MaxHeaderSize is the longest header text accepted, in bytes.
const MaxHeaderSize = 1 << 20

// Header is the parsed header of a .npy file.
type Header struct {
	Version    int    // format major version: 1, 2 or 3
	DType      string // numpy descr, e.g. "<f4"
	Shape      []int
	Fortran    bool  // elements stored column-major
	DataOffset int64 // where the elements start
}

// Len returns the number of elements (1 for a scalar).
func (h *Header) Len() int {
	n, _ := shape.Count(h.Shape)
	return n
}

// Rows returns Shape[0] (1 for a scalar).
func (h *Header) Rows() int {
	if len(h.Shape) == 0 {
		return 1
	}
	return h.Shape[0]
}

// Cols returns the product of Shape[1:], the length of a flattened row.
func (h *Header) Cols() int {
	if len(h.Shape) == 0 {
		return 1
	}
	n, _ := shape.Count(h.Shape[1:])
	return n
}

// ItemSize returns the size of one element in bytes, or 0 for an
// unsupported dtype.
func (h *Header) ItemSize() int {
	t, err := parseDescr(h.DType)
	if err != nil {
		return 0
	}
	return t.Size
}

// TypeName returns the numpy name of the element type ("float32",
// "int16 big-endian", "bool"), or the descr if it is not supported.
func (h *Header) TypeName() string {
	t, err := parseDescr(h.DType)
	if err != nil {
		return h.DType
	}
	return t.String()
}

// DataSize returns the number of data bytes the header calls for, and false
// if that overflows int64 or the dtype is unsupported.
func (h *Header) DataSize() (int64, bool) {
	t, err := parseDescr(h.DType)
	if err != nil {
		return 0, false
	}
	return shape.Bytes(h.Shape, t.Size)
}

// describe formats the header's claim: "2000×100 float32 (800000 bytes)".
func (h *Header) describe() string {
	size := "too many"
	if n, ok := h.DataSize(); ok {
		size = strconv.FormatInt(n, 10)
	}
	return fmt.Sprintf("%s %s (%s bytes)", shape.Format(h.Shape), h.TypeName(), size)
}

// ReadHeader reads the magic, version and header of a .npy stream, leaving
// r at the first data byte. The header is validated: known keys only, a
// supported dtype, non-negative dimensions whose product fits in an int.
func ReadHeader(r io.Reader) (*Header, error) {
	var pre [8]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		if n >= 6 && string(pre[:6]) != Magic || n > 0 && n < 6 && !strings.HasPrefix(Magic, string(pre[:n])) {
			return nil, fmt.Errorf("not a .npy file: wrong magic %q", pre[:min(n, 6)])
		}
		if n == 0 {
			return nil, errors.New("empty file, not a .npy file")
		}
		return nil, fmt.Errorf("truncated header: file has only %d bytes", n)
	}
	if string(pre[:6]) != Magic {
		return nil, fmt.Errorf("not a .npy file: wrong magic %q (want %q)", pre[:6], Magic)
	}
	h := &Header{Version: int(pre[6])}
	var lenBytes int
	switch h.Version {
	case 1:
		lenBytes = 2
	case 2, 3:
		lenBytes = 4
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d", pre[6], pre[7])
	}
	if _, err := io.ReadFull(r, pre[:lenBytes]); err != nil {
		return nil, errors.New("truncated header: file ends in the header length")
	}
	hlen := int(binary.LittleEndian.Uint16(pre[:2]))
	if lenBytes == 4 {
		n := binary.LittleEndian.Uint32(pre[:4])
		if n > MaxHeaderSize {
			return nil, fmt.Errorf("header too large: %d bytes (limit %d)", n, MaxHeaderSize)
		}
		hlen = int(n)
	}
	h.DataOffset = int64(8 + lenBytes)
	// Read as the bytes arrive, so that a length claimed by a 20-byte file
	// costs 20 bytes, not MaxHeaderSize.
	text, err := io.ReadAll(io.LimitReader(r, int64(hlen)))
	if err != nil || len(text) < hlen {
		return nil, fmt.Errorf("truncated header: header length %d but only %d bytes follow", hlen, len(text))
	}
	h.DataOffset += int64(hlen)
	if h.Version == 3 && !utf8.Valid(text) {
		return nil, errors.New("bad header: version 3 header is not valid UTF-8")
	}
	if err := h.parse(text); err != nil {
		return nil, err
	}
	return h, nil
}
