package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/intdim/intdim/tensorio/internal/osfile"
	"github.com/intdim/intdim/tensorio/internal/shape"
)

// MaxHeaderSize is the largest JSON header accepted, in bytes (the same
// limit as the reference Rust implementation).
const MaxHeaderSize = 100_000_000

// Info describes one tensor of a file without its data.
type Info struct {
	Name   string
	DType  string
	Shape  []int
	Offset int64 // absolute position of the first byte in the file
	Size   int64 // number of bytes
}

// Header is the parsed header of a safetensors file.
type Header struct {
	Metadata   map[string]string
	Tensors    []Info // in the order of the header's JSON text
	DataOffset int64  // where the data buffer starts: 8 + header length
}

// Names returns the tensors' names in header order.
func (h *Header) Names() []string {
	names := make([]string, len(h.Tensors))
	for i, t := range h.Tensors {
		names[i] = t.Name
	}
	return names
}

// Len returns the number of elements of the tensor (1 for a scalar).
func (t *Info) Len() int {
	n, _ := shape.Count(t.Shape) // validated by ReadHeader
	return n
}

// ReadHeader reads and validates the header of the safetensors file of the
// given size held by r: every tensor has a supported dtype, a shape whose
// size matches its byte range, and a byte range inside the file.
func ReadHeader(r io.ReaderAt, size int64) (*Header, error) {
	if size < 8 {
		return nil, fmt.Errorf("truncated: %d bytes, too short for a safetensors header length", size)
	}
	var lenBuf [8]byte
	if err := readAt(r, lenBuf[:], 0); err != nil {
		return nil, err
	}
	hl := binary.LittleEndian.Uint64(lenBuf[:])
	if hl > MaxHeaderSize {
		return nil, fmt.Errorf("header too large: %d bytes (limit %d); not a safetensors file?", hl, MaxHeaderSize)
	}
	if int64(hl) > size-8 {
		return nil, fmt.Errorf("truncated header: header length %d but only %d bytes follow", hl, size-8)
	}
	raw := make([]byte, hl)
	if err := readAt(r, raw, 8); err != nil {
		return nil, err
	}
	h := &Header{DataOffset: 8 + int64(hl)}
	if err := parseHeader(h, raw, size-h.DataOffset); err != nil {
		return nil, err
	}
	return h, nil
}

// readAt fills p from r at off; a full read is a success even when it
// comes with io.EOF, as io.ReaderAt allows at the end of the input.
func readAt(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return readErr(err)
}

func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("truncated data: file shorter than its stated size")
	}
	return err
}

// entry is one tensor's header entry.
type entry struct {
	DType       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// parseHeader fills h from the JSON text raw; dataLen is the size of the
// data buffer.
func parseHeader(h *Header, raw []byte, dataLen int64) error {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("bad header: not a JSON object; not a safetensors file?")
	}
	if !utf8.Valid(raw) {
		return errors.New("bad header: not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // '{'
		return jsonErr(err)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		key, ok := tok.(string)
		if !ok {
			return errors.New("bad header JSON: object key is not a string")
		}
		if seen[key] {
			return fmt.Errorf("bad header: duplicate key %q", key)
		}
		seen[key] = true
		if key == "__metadata__" {
			var md map[string]any
			if err := dec.Decode(&md); err != nil {
				return fmt.Errorf("bad header: __metadata__: %v", oneLine(err))
			}
			h.Metadata = make(map[string]string, len(md))
			for k, v := range md {
				s, ok := v.(string)
				if !ok {
					return fmt.Errorf("bad header: __metadata__ value of %q is not a string", k)
				}
				h.Metadata[k] = s
			}
			continue
		}
		var e entry
		if err := dec.Decode(&e); err != nil {
			return fmt.Errorf("bad header: tensor %q: %v", key, oneLine(err))
		}
		info, err := e.info(key, dataLen)
		if err != nil {
			return err
		}
		info.Offset += int64(len(raw)) + 8
		h.Tensors = append(h.Tensors, info)
	}
	if _, err := dec.Token(); err != nil { // '}'
		return jsonErr(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("bad header JSON: data after the closing brace")
	}
	return contiguous(h.Tensors, int64(len(raw))+8, dataLen)
}

// contiguous checks the safetensors rule that the tensors' byte ranges,
// taken in offset order, tile the data buffer exactly: the first starts at
// 0, each starts where the one before ends (no gap, no overlap), and the
// last ends at the end of the file. (The format requires it so that no
// byte of a file is left unaccounted for; the reference implementation
// refuses such files too.) The error names the tensor at fault. base is the
// data buffer's position in the file, already added to the offsets.
func contiguous(ts []Info, base, dataLen int64) error {
	order := make([]int, len(ts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		if c := cmp.Compare(ts[i].Offset, ts[j].Offset); c != 0 {
			return c
		}
		return cmp.Compare(ts[i].Size, ts[j].Size)
	})
	at, prev := int64(0), -1 // end of the data covered so far, and by which tensor
	for _, i := range order {
		t := &ts[i]
		b, e := t.Offset-base, t.Offset-base+t.Size
		switch {
		case b > at && prev < 0:
			return fmt.Errorf("bad header: tensor %q starts at byte %d of the data, leaving bytes [0, %d) unused; tensors must be contiguous", t.Name, b, b)
		case b > at:
			return fmt.Errorf("bad header: tensor %q starts at byte %d of the data but tensor %q ends at %d, a gap of %d bytes; tensors must be contiguous", t.Name, b, ts[prev].Name, at, b-at)
		case b < at:
			p := &ts[prev]
			return fmt.Errorf("bad header: tensor %q at bytes [%d, %d) of the data overlaps tensor %q at [%d, %d)", t.Name, b, e, p.Name, p.Offset-base, at)
		}
		if e > at || prev < 0 {
			at, prev = e, i
		}
	}
	if at != dataLen {
		if prev < 0 {
			return fmt.Errorf("bad header: no tensors, but %d bytes of data follow the header", dataLen)
		}
		return fmt.Errorf("bad header: %d bytes of data after the last tensor, %q, which ends at byte %d of %d; tensors must cover the data exactly", dataLen-at, ts[prev].Name, at, dataLen)
	}
	return nil
}

// info validates e and returns its Info, with Offset relative to the data
// buffer.
func (e *entry) info(name string, dataLen int64) (Info, error) {
	et, ok := types[e.DType]
	if !ok {
		return Info{}, fmt.Errorf("tensor %q: unsupported dtype %q", name, e.DType)
	}
	if len(e.DataOffsets) != 2 {
		return Info{}, fmt.Errorf("bad header: tensor %q: data_offsets must be [begin, end]", name)
	}
	b, end := e.DataOffsets[0], e.DataOffsets[1]
	if b < 0 || end < b {
		return Info{}, fmt.Errorf("bad header: tensor %q: invalid data_offsets [%d, %d]", name, b, end)
	}
	if end > dataLen {
		return Info{}, fmt.Errorf("truncated data: tensor %q lies at bytes [%d, %d) of the data but the file holds %d", name, b, end, dataLen)
	}
	dims := make([]int, len(e.Shape))
	for i, d := range e.Shape {
		if d < 0 || int64(int(d)) != d {
			return Info{}, fmt.Errorf("bad header: tensor %q: invalid dimension %d", name, d)
		}
		dims[i] = int(d)
	}
	if need, ok := shape.Bytes(dims, et.Size); !ok || need != end-b {
		return Info{}, fmt.Errorf("tensor %q: shape %s × %s needs %s bytes, data_offsets give %d",
			name, shape.Format(dims), e.DType, shape.FormatBytes(dims, et.Size), end-b)
	}
	return Info{Name: name, DType: e.DType, Shape: dims, Offset: b, Size: end - b}, nil
}

func jsonErr(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("bad header JSON at byte %d: %v", se.Offset, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("bad header JSON: not closed")
	}
	return fmt.Errorf("bad header JSON: %v", oneLine(err))
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	return string(bytes.ReplaceAll([]byte(err.Error()), []byte("\n"), []byte(" ")))
}

// Read reads a whole safetensors file of the given size from r.
func Read(r io.ReaderAt, size int64) (*File, error) {
	h, err := ReadHeader(r, size)
	if err != nil {
		return nil, err
	}
	f := &File{Metadata: h.Metadata, Tensors: make([]Tensor, len(h.Tensors))}
	for i, t := range h.Tensors {
		data := make([]byte, t.Size)
		if err := readAt(r, data, t.Offset); err != nil {
			return nil, err
		}
		f.Tensors[i] = Tensor{Name: t.Name, DType: t.DType, Shape: t.Shape, Data: data}
	}
	return f, nil
}

// ReadFloat64 reads the tensor's values from the file r into dst, converted
// to float64, in place (see the package doc). len(dst) must be t.Len().
func (t *Info) ReadFloat64(r io.ReaderAt, dst []float64) error {
	et, ok := types[t.DType]
	if !ok || len(dst)*et.Size != int(t.Size) {
		panic(fmt.Sprintf("safetensors: ReadFloat64: %d values for tensor %q (%s, %d bytes)", len(dst), t.Name, t.DType, t.Size))
	}
	if err := et.ReadFull(io.NewSectionReader(r, t.Offset, t.Size), dst); err != nil {
		return readErr(err)
	}
	return nil
}

// ReadFloat32 is ReadFloat64 for a float32 destination, for the types kept
// as float32 (F32, F16, BF16: exact); it panics for another type.
func (t *Info) ReadFloat32(r io.ReaderAt, dst []float32) error {
	et, ok := types[t.DType]
	if !ok || !et.Narrow() || len(dst)*et.Size != int(t.Size) {
		panic(fmt.Sprintf("safetensors: ReadFloat32: %d values for tensor %q (%s, %d bytes)", len(dst), t.Name, t.DType, t.Size))
	}
	if err := et.ReadFull32(io.NewSectionReader(r, t.Offset, t.Size), dst); err != nil {
		return readErr(err)
	}
	return nil
}

// Narrow reports whether the tensor's values are kept as float32 (F32, F16
// and BF16; see ReadFloat32).
func (t *Info) Narrow() bool {
	et, ok := types[t.DType]
	return ok && et.Narrow()
}

// ReadFile reads the safetensors file at path. Errors are prefixed with the
// path: "model.safetensors: truncated data: ...".
func ReadFile(path string) (*File, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := Read(f, size)
	if err != nil {
		return nil, osfile.PathError(path, err)
	}
	return out, nil
}
