package pt

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/intdim/intdim/tensorio/internal/dtype"
	"github.com/intdim/intdim/tensorio/internal/shape"
)

// storageTypes maps torch's typed storage classes to element types.
var storageTypes = map[string]dtype.Type{
	"DoubleStorage":   {Kind: dtype.Float, Size: 8},
	"FloatStorage":    {Kind: dtype.Float, Size: 4},
	"HalfStorage":     {Kind: dtype.Float, Size: 2},
	"BFloat16Storage": {Kind: dtype.BFloat, Size: 2},
	"LongStorage":     {Kind: dtype.Int, Size: 8},
	"IntStorage":      {Kind: dtype.Int, Size: 4},
	"ShortStorage":    {Kind: dtype.Int, Size: 2},
	"CharStorage":     {Kind: dtype.Int, Size: 1},
	"ByteStorage":     {Kind: dtype.Uint, Size: 1},
	"BoolStorage":     {Kind: dtype.Bool, Size: 1},
}

// storage is one storage of the file: numel elements of typ at byte off.
type storage struct {
	key   string
	typ   dtype.Type
	numel int64
	off   int64 // absolute position of the first byte; -1 until known
}

// Tensor is one tensor of a file, described by torch's strided layout:
// element (i₀, …, iₖ) is element Offset + Σ iⱼ·Stride[j] of its storage.
type Tensor struct {
	// Name is the tensor's path in the saved object: dict keys and
	// list/tuple indices joined by "." ("hidden_states.3"); "" for a file
	// holding one bare tensor.
	Name   string
	DType  string // "float32", "bfloat16", "int64", …
	Shape  []int
	Stride []int
	Offset int64

	st *storage
}

// File is the list of tensors of a torch.save file, in the order the
// saved object holds them (dicts in insertion order).
type File struct {
	Tensors []*Tensor
}

// Names returns the tensors' names in order.
func (f *File) Names() []string {
	names := make([]string, len(f.Tensors))
	for i, t := range f.Tensors {
		names[i] = t.Name
	}
	return names
}

// Len returns the number of elements.
func (t *Tensor) Len() int {
	n, _ := shape.Count(t.Shape) // checked by Read
	return n
}

// Narrow reports whether the values are kept as float32 (float32,
// float16, bfloat16: exact); other types are read as float64.
func (t *Tensor) Narrow() bool { return t.st.typ.Narrow() }

// Read reads the structure of the torch.save file of the given size held
// by r: the pickle, checked opcode by opcode and class by class, and every
// storage's extent against the file. No tensor data is read.
func Read(r io.ReaderAt, size int64) (*File, error) {
	var head [4]byte
	if size < 4 {
		return nil, fmt.Errorf("truncated: %d bytes, not a torch.save file", size)
	}
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return nil, err
	}
	switch {
	case string(head[:]) == "PK\x03\x04":
		return readZip(r, size)
	case head[0] == 0x80:
		return readLegacy(r, size)
	}
	return nil, errors.New("not a torch.save file (neither a zip archive nor a legacy pickle)")
}

// readZip reads the format of torch ≥ 1.6: a zip archive (members stored,
// uncompressed) of PREFIX/data.pkl, the pickle, and PREFIX/data/KEY, the
// raw bytes of each storage, in the byte order PREFIX/byteorder names
// (little-endian when absent).
func readZip(r io.ReaderAt, size int64) (*File, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("bad zip archive: %v", err)
	}
	members := map[string]*zip.File{}
	var pkl *zip.File
	for _, f := range z.File {
		members[f.Name] = f
		if strings.HasSuffix(f.Name, "/data.pkl") && strings.Count(f.Name, "/") == 1 {
			pkl = f
		}
	}
	if pkl == nil {
		return nil, errors.New("no data.pkl in the zip archive: not a torch.save file")
	}
	prefix := strings.TrimSuffix(pkl.Name, "data.pkl")
	big := false
	if bo := members[prefix+"byteorder"]; bo != nil {
		off, n, err := stored(bo, size)
		if err != nil {
			return nil, err
		}
		b := make([]byte, min(n, 8))
		if _, err := r.ReadAt(b, off); err != nil {
			return nil, errTruncated
		}
		switch string(b) {
		case "little":
		case "big":
			big = true
		default:
			return nil, fmt.Errorf("byteorder %q is neither little nor big", b)
		}
	}
	off, n, err := stored(pkl, size)
	if err != nil {
		return nil, err
	}
	storages := map[string]*storage{}
	persisted := func(pid any) (any, error) {
		key, typ, numel, err := storageID(pid, 5)
		if err != nil {
			return nil, err
		}
		if s := storages[key]; s != nil {
			return s, nil
		}
		m := members[prefix+"data/"+key]
		if m == nil {
			return nil, fmt.Errorf("storage %q: no member data/%s in the archive", key, key)
		}
		off, n, err := stored(m, size)
		if err != nil {
			return nil, err
		}
		if numel > n/int64(typ.Size) {
			return nil, fmt.Errorf("storage %q: %d × %s needs more than the %d bytes of its member", key, numel, typ, n)
		}
		typ.BigEndian = big
		s := &storage{key: key, typ: typ, numel: numel, off: off}
		storages[key] = s
		return s, nil
	}
	u := newUnpickler(io.NewSectionReader(r, off, n), n, persisted)
	v, err := u.run()
	if err != nil {
		return nil, fmt.Errorf("data.pkl: %w", err)
	}
	return collect(v)
}

// stored returns the position and size of an uncompressed member, checked
// against the file.
func stored(f *zip.File, size int64) (off, n int64, err error) {
	if f.Method != zip.Store {
		return 0, 0, fmt.Errorf("member %s is compressed (method %d); torch.save stores its members uncompressed", f.Name, f.Method)
	}
	off, err = f.DataOffset()
	if err != nil {
		return 0, 0, fmt.Errorf("member %s: %v", f.Name, err)
	}
	if f.UncompressedSize64 > uint64(size) || off < 0 || off > size-int64(f.UncompressedSize64) {
		return 0, 0, fmt.Errorf("truncated: member %s claims %d bytes at %d, the file has %d", f.Name, f.UncompressedSize64, off, size)
	}
	return off, int64(f.UncompressedSize64), nil
}

// storageID checks a persistent id ('storage', torch.XStorage, key,
// location, numel[, view_metadata]) of n fields.
func storageID(pid any, n int) (key string, typ dtype.Type, numel int64, err error) {
	t, ok := pid.(tuple)
	if !ok || len(t) != n || t[0] != "storage" {
		return "", typ, 0, fmt.Errorf("persistent id %s is not a storage of %d fields", typeName(pid), n)
	}
	g, ok := t[1].(global)
	if !ok {
		return "", typ, 0, fmt.Errorf("storage type is a %s", typeName(t[1]))
	}
	typ = storageTypes[g.name] // allowed() let only these through
	key, ok = t[2].(string)
	if !ok {
		return "", typ, 0, fmt.Errorf("storage key is a %s", typeName(t[2]))
	}
	numel, ok = t[4].(int64)
	if !ok || numel < 0 {
		return "", typ, 0, fmt.Errorf("storage %q: bad size %v", key, t[4])
	}
	if n == 6 && t[5] != nil {
		return "", typ, 0, fmt.Errorf("storage %q: a legacy storage view is not read", key)
	}
	return key, typ, numel, nil
}

// legacyMagic is the number torch's legacy format begins with.
var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

// readLegacy reads the format of torch.save(…, _use_new_zipfile_
// serialization=False): five pickles in a row (the magic number, the
// protocol version 1001, a dict of system information, the object, and the
// list of storage keys), then each storage in that order as its element
// count (int64) and its bytes.
func readLegacy(r io.ReaderAt, size int64) (*File, error) {
	storages := map[string]*storage{}
	persisted := func(pid any) (any, error) {
		key, typ, numel, err := storageID(pid, 6)
		if err != nil {
			return nil, err
		}
		if s := storages[key]; s != nil {
			return s, nil
		}
		s := &storage{key: key, typ: typ, numel: numel, off: -1}
		storages[key] = s
		return s, nil
	}
	u := newUnpickler(io.NewSectionReader(r, 0, size), size, persisted)
	next := func(what string) (any, error) {
		u.stack, u.marks, u.memo = nil, nil, map[int64]any{}
		v, err := u.run()
		if err != nil {
			return nil, fmt.Errorf("legacy format, %s: %w", what, err)
		}
		return v, nil
	}
	magic, err := next("magic number")
	if err != nil {
		return nil, err
	}
	if m, ok := magic.(*big.Int); !ok || m.Cmp(legacyMagic) != 0 {
		return nil, errors.New("a pickle, not a torch.save file (no torch magic number)")
	}
	if v, err := next("protocol version"); err != nil {
		return nil, err
	} else if v != int64(1001) {
		return nil, fmt.Errorf("legacy format, protocol version %v is not read (want 1001)", v)
	}
	info, err := next("system information")
	if err != nil {
		return nil, err
	}
	big := false
	if d, ok := info.(*dict); ok {
		if i := d.index("little_endian"); i >= 0 && d.vals[i] == false {
			big = true
		}
	}
	obj, err := next("object")
	if err != nil {
		return nil, err
	}
	keys, err := next("storage keys")
	if err != nil {
		return nil, err
	}
	kl, ok := keys.(*list)
	if !ok {
		return nil, fmt.Errorf("legacy format: storage keys are a %s", typeName(keys))
	}
	pos := size - u.left // the bytes the pickles took
	for _, k := range kl.items {
		key, _ := k.(string)
		s := storages[key]
		if s == nil {
			return nil, fmt.Errorf("legacy format: storage %v listed but not used", k)
		}
		var b [8]byte
		if pos > size-8 {
			return nil, fmt.Errorf("truncated: storage %q starts past the end of the file", key)
		}
		if _, err := r.ReadAt(b[:], pos); err != nil {
			return nil, errTruncated
		}
		order := binary.ByteOrder(binary.LittleEndian)
		if big {
			order = binary.BigEndian
		}
		n := order.Uint64(b[:])
		if n != uint64(s.numel) {
			return nil, fmt.Errorf("legacy format: storage %q holds %d elements, the pickle says %d", key, n, s.numel)
		}
		s.off = pos + 8
		s.typ.BigEndian = big
		if s.numel > (size-s.off)/int64(s.typ.Size) {
			return nil, fmt.Errorf("truncated: storage %q needs %d × %s, the file ends first", key, s.numel, s.typ)
		}
		pos = s.off + s.numel*int64(s.typ.Size)
	}
	for _, s := range storages {
		if s.off < 0 {
			return nil, fmt.Errorf("legacy format: storage %q is not in the file", s.key)
		}
	}
	return collect(obj)
}

// call applies one of the allowed callables to its arguments.
func call(f any, args tuple) (any, error) {
	g, ok := f.(global)
	if !ok {
		return nil, fmt.Errorf("corrupt pickle: REDUCE calls a %s", typeName(f))
	}
	switch g.String() {
	case "collections.OrderedDict":
		if len(args) != 0 {
			return nil, errors.New("OrderedDict with arguments is not read")
		}
		return &dict{}, nil
	case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
		if len(args) < 1 {
			return nil, errors.New("_rebuild_parameter without arguments")
		}
		t, ok := args[0].(*Tensor)
		if !ok {
			return nil, fmt.Errorf("_rebuild_parameter of a %s", typeName(args[0]))
		}
		return t, nil
	case "torch._utils._rebuild_tensor_v2":
		return rebuild(args)
	}
	return nil, fmt.Errorf("refused: the pickle calls %s; only tensors and containers of them are read (nothing in the file is executed)", g)
}

// rebuild checks the arguments of _rebuild_tensor_v2(storage, offset,
// size, stride, requires_grad, backward_hooks[, metadata]): every element
// the tensor addresses, Offset + Σ (Shape[j]−1)·Stride[j] at most, lies in
// its storage.
func rebuild(args tuple) (*Tensor, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 with %d arguments", len(args))
	}
	st, ok := args[0].(*storage)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2 of a %s, not a storage", typeName(args[0]))
	}
	off, ok := args[1].(int64)
	sz, ok2 := args[2].(tuple)
	sd, ok3 := args[3].(tuple)
	if !ok || !ok2 || !ok3 || off < 0 || len(sz) != len(sd) {
		return nil, fmt.Errorf("storage %q: bad tensor layout (offset %v, size %v, stride %v)", st.key, args[1], args[2], args[3])
	}
	t := &Tensor{DType: st.typ.String(), Offset: off, st: st, Shape: make([]int, len(sz)), Stride: make([]int, len(sd))}
	last := off
	empty := false
	for i := range sz {
		n, ok1 := sz[i].(int64)
		s, ok2 := sd[i].(int64)
		if !ok1 || !ok2 || n < 0 || s < 0 || n > math.MaxInt32*int64(1<<20) || s > math.MaxInt64/(n+1) {
			return nil, fmt.Errorf("storage %q: bad tensor layout (size %v, stride %v)", st.key, args[2], args[3])
		}
		t.Shape[i], t.Stride[i] = int(n), int(s)
		if n == 0 {
			empty = true
		} else if last > math.MaxInt64-(n-1)*s {
			return nil, fmt.Errorf("storage %q: tensor layout overflows", st.key)
		} else {
			last += (n - 1) * s
		}
	}
	// A tensor of more elements than its storage (stride 0: expand())
	// would take memory the file does not bound.
	if n, ok := shape.Count(t.Shape); !ok || int64(n) > st.numel {
		return nil, fmt.Errorf("storage %q: tensor of shape %s has more elements than its storage (%d): an expanded or overlapping view; save t.contiguous()", st.key, shape.Format(t.Shape), st.numel)
	}
	if !empty && last >= st.numel {
		return nil, fmt.Errorf("storage %q: tensor of shape %s (stride %v, offset %d) reaches element %d of %d", st.key, shape.Format(t.Shape), t.Stride, off, last, st.numel)
	}
	return t, nil
}

// collect lists the tensors of the saved object, depth first, in order.
func collect(v any) (*File, error) {
	f := &File{}
	var walk func(v any, path string, depth int) error
	walk = func(v any, path string, depth int) error {
		if depth > 100 {
			return errors.New("containers nested more than 100 deep")
		}
		join := func(k string) string {
			if path == "" {
				return k
			}
			return path + "." + k
		}
		switch v := v.(type) {
		case *Tensor:
			c := *v
			c.Name = path
			f.Tensors = append(f.Tensors, &c)
		case *list:
			for i, x := range v.items {
				if err := walk(x, join(strconv.Itoa(i)), depth+1); err != nil {
					return err
				}
			}
		case tuple:
			for i, x := range v {
				if err := walk(x, join(strconv.Itoa(i)), depth+1); err != nil {
					return err
				}
			}
		case *dict:
			for i, k := range v.keys {
				if err := walk(v.vals[i], join(fmt.Sprint(k)), depth+1); err != nil {
					return err
				}
			}
		case *storage:
			return fmt.Errorf("a bare storage (%q) is not read; save tensors", v.key)
		}
		return nil // numbers, strings, None: not tensors
	}
	if err := walk(v, "", 0); err != nil {
		return nil, err
	}
	return f, nil
}
