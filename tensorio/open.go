package tensorio

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/intdim/intdim/tensorio/internal/osfile"
	"github.com/intdim/intdim/tensorio/npy"
	"github.com/intdim/intdim/tensorio/npz"
	"github.com/intdim/intdim/tensorio/pt"
	"github.com/intdim/intdim/tensorio/safetensors"
)

// Extensions lists the file name extensions Open reads.
var Extensions = []string{".npy", ".npz", ".safetensors", ".pt", ".pth"}

func supported(path string) bool {
	return slices.Contains(Extensions, strings.ToLower(filepath.Ext(path)))
}

// Options bound what the readers may allocate.
type Options struct {
	// MaxBytes bounds the memory of the arrays whose sizes the files' own
	// sizes do not bound, deflated .npz members (which may expand
	// 1032-fold), in total over one call, at 4 bytes per element of an
	// array kept as float32 and 8 otherwise; 0 means
	// half the physical memory. Arrays stored uncompressed take memory in
	// proportion to the file, whose size is checked against every header
	// first.
	MaxBytes int64

	used int64 // of MaxBytes, by the members read so far
}

// Open reads every array named by spec (FILE, FILE:NAME, DIR or DIR:NAME;
// see the package documentation), in container order, and a directory's
// files in natural name order, with the default Options.
func Open(spec string) ([]*Array, error) { return OpenWith(spec, Options{}) }

// OpenWith is Open with the given options.
func OpenWith(spec string, opt Options) ([]*Array, error) {
	path, name, sel, fi, err := resolve(spec)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return openDir(path, name, sel, &opt)
	}
	return openFile(path, name, sel, &opt)
}

// OpenMatrix reads the one array named by spec and checks that it has rank
// ≥ 2 (see Array.Matrix). A spec that names several arrays is an error that
// lists them ("use FILE:NAME").
func OpenMatrix(spec string) (*Array, error) { return OpenMatrixWith(spec, Options{}) }

// OpenMatrixWith is OpenMatrix with the given options.
func OpenMatrixWith(spec string, opt Options) (*Array, error) {
	arrays, err := OpenWith(spec, opt)
	if err != nil {
		return nil, err
	}
	if len(arrays) != 1 {
		path, _, _, _, _ := resolve(spec)
		names := make([]string, len(arrays))
		for i, a := range arrays {
			names[i] = a.Name
		}
		return nil, fmt.Errorf("%s: holds %d arrays (%s); use %s:NAME to pick one", path, len(arrays), nameList(names), path)
	}
	if _, _, err := arrays[0].Matrix(); err != nil {
		return nil, err
	}
	return arrays[0], nil
}

// resolve splits spec into a path that exists and an optional array name.
func resolve(spec string) (path, name string, sel bool, fi fs.FileInfo, err error) {
	if spec == "" {
		return "", "", false, nil, errors.New("empty input path")
	}
	if fi, err := os.Stat(spec); err == nil {
		return spec, "", false, fi, nil
	}
	for i := strings.LastIndexByte(spec, ':'); i > 0; i = strings.LastIndexByte(spec[:i], ':') {
		if fi, err := os.Stat(spec[:i]); err == nil {
			name := spec[i+1:]
			if name == "" {
				return "", "", false, nil, fmt.Errorf("%s: empty array name after ':'", spec[:i])
			}
			return spec[:i], name, true, fi, nil
		}
	}
	// Nothing exists: report the likeliest path.
	path = spec
	if i := strings.LastIndexByte(spec, ':'); i > 0 && supported(spec[:i]) && !supported(spec) {
		path = spec[:i]
	}
	_, err = os.Stat(path)
	return "", "", false, nil, osfile.PathError(path, err)
}

// baseName is the name of a plain .npy file's array.
func baseName(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// openFile reads the arrays of one file: all of them, or the one called
// name if sel.
func openFile(path, name string, sel bool, opt *Options) ([]*Array, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		base := baseName(path)
		if sel && name != base {
			return nil, fmt.Errorf("%s: no array %q; a .npy file holds one array, %q", path, name, base)
		}
		if a, ok, err := mapNPY(path); ok || err != nil {
			if a != nil {
				a.Name = base
			}
			return []*Array{a}, err
		}
		h, v, err := npy.ReadFileValues(path)
		if err != nil {
			return nil, err
		}
		return []*Array{{Name: base, Shape: h.Shape, Data: v.F64, Data32: v.F32, Source: path, DType: h.TypeName()}}, nil
	case ".npz":
		return openNPZ(path, name, sel, opt)
	case ".safetensors":
		return openSafetensors(path, name, sel)
	case ".pt", ".pth":
		return openPT(path, name, sel)
	}
	return nil, unsupportedErr(path)
}

// pick returns the names to read: all, or name if sel (an error listing
// the names if it is not among them).
func pick(path string, names []string, name string, sel bool) ([]string, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: holds no arrays", path)
	}
	if !sel {
		return names, nil
	}
	if !slices.Contains(names, name) {
		return nil, fmt.Errorf("%s: no array %q; it holds: %s", path, name, nameList(names))
	}
	return []string{name}, nil
}

func openNPZ(path, name string, sel bool, opt *Options) ([]*Array, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := npz.NewReader(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.MaxBytes, r.Used = opt.MaxBytes, opt.used
	defer func() { opt.used = r.Used }()
	names, err := pick(path, r.Names(), name, sel)
	if err != nil {
		return nil, err
	}
	arrays := make([]*Array, 0, len(names))
	for _, n := range names {
		h, v, err := r.ReadValues(n)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		arrays = append(arrays, &Array{Name: n, Shape: h.Shape, Data: v.F64, Data32: v.F32, Source: path, DType: h.TypeName()})
	}
	return arrays, nil
}

func openSafetensors(path, name string, sel bool) ([]*Array, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := safetensors.ReadHeader(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	names, err := pick(path, h.Names(), name, sel)
	if err != nil {
		return nil, err
	}
	arrays := make([]*Array, 0, len(names))
	for i := range h.Tensors {
		t := &h.Tensors[i]
		if sel && t.Name != names[0] {
			continue
		}
		et, _ := safetensors.ElemType(t.DType)
		a := &Array{Name: t.Name, Shape: t.Shape, Source: path, DType: et.String()}
		if t.Narrow() {
			a.Data32 = make([]float32, t.Len())
			err = t.ReadFloat32(f, a.Data32)
		} else {
			a.Data = make([]float64, t.Len())
			err = t.ReadFloat64(f, a.Data)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: tensor %q: %w", path, t.Name, err)
		}
		arrays = append(arrays, a)
	}
	return arrays, nil
}

// listDir returns the input files directly inside dir, those with a
// supported extension (hidden entries skipped), in natural name order.
// Every file that looks like an input must be readable: a dangling link, a
// link loop, a named pipe or a device so named is an error that names it,
// never silently left out of a profile (subdirectories are not read). A directory with no
// inputs says whether it is empty or holds only other files.
func listDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, osfile.PathError(dir, err)
	}
	var files, others []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !supported(e.Name()) {
			others = append(others, e.Name())
			continue
		}
		p := filepath.Join(dir, e.Name())
		fi, err := os.Stat(p) // follows links
		if err != nil {
			return nil, osfile.PathError(p, err)
		}
		if fi.IsDir() { // not recursive
			others = append(others, e.Name()+"/")
			continue
		}
		if err := osfile.Regular(p, fi); err != nil {
			return nil, err
		}
		files = append(files, p)
	}
	if len(files) == 0 {
		if len(others) == 0 {
			return nil, fmt.Errorf("%s: empty directory: no %s files in it", dir, kinds)
		}
		return nil, fmt.Errorf("%s: no %s files in it, only %d other %s: %s",
			dir, kinds, len(others), plural(len(others), "entry", "entries"), nameList(others))
	}
	slices.SortFunc(files, func(a, b string) int {
		if NaturalLess(a, b) {
			return -1
		}
		if NaturalLess(b, a) {
			return 1
		}
		return 0
	})
	return files, nil
}

// Names returns the names of the arrays in the file or directory path, in
// the order Open reads them, reading headers only.
func Names(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, osfile.PathError(path, err)
	}
	if !fi.IsDir() {
		return fileNames(path)
	}
	files, err := listDir(path)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		n, err := fileNames(f)
		if err != nil {
			return nil, err
		}
		names = append(names, n...)
	}
	return names, nil
}

// fileNames lists the array names of one file from its header(s).
func fileNames(path string) ([]string, error) {
	var names func(f *os.File, size int64) ([]string, error)
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return []string{baseName(path)}, nil
	case ".npz":
		names = func(f *os.File, size int64) ([]string, error) {
			r, err := npz.NewReader(f, size)
			if err != nil {
				return nil, err
			}
			return r.Names(), nil
		}
	case ".safetensors":
		names = func(f *os.File, size int64) ([]string, error) {
			h, err := safetensors.ReadHeader(f, size)
			if err != nil {
				return nil, err
			}
			return h.Names(), nil
		}
	case ".pt", ".pth":
		names = func(f *os.File, size int64) ([]string, error) {
			p, err := pt.Read(f, size)
			if err != nil {
				return nil, err
			}
			return ptNames(path, p), nil
		}
	default:
		return nil, unsupportedErr(path)
	}
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := names(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// kinds names the file types read, for messages.
const kinds = ".npy, .npz, .safetensors, .pt or .pth"

func unsupportedErr(path string) error {
	return fmt.Errorf("%s: unsupported file type %q (want %s, or a directory of them)", path, filepath.Ext(path), kinds)
}

// openDir reads every array of the directory's files, or the one called
// name if sel.
func openDir(dir, name string, sel bool, opt *Options) ([]*Array, error) {
	files, err := listDir(dir)
	if err != nil {
		return nil, err
	}
	if !sel {
		var arrays []*Array
		for _, f := range files {
			a, err := openFile(f, "", false, opt)
			if err != nil {
				return nil, err
			}
			arrays = append(arrays, a...)
		}
		return arrays, nil
	}
	var all, in []string
	for _, f := range files {
		names, err := fileNames(f)
		if err != nil {
			return nil, err
		}
		all = append(all, names...)
		if slices.Contains(names, name) {
			in = append(in, f)
		}
	}
	switch len(in) {
	case 0:
		return nil, fmt.Errorf("%s: no array %q in the directory; it holds: %s", dir, name, nameList(all))
	case 1:
		return openFile(in[0], name, true, opt)
	}
	return nil, fmt.Errorf("%s: %d files hold an array %q (%s); use FILE:NAME", dir, len(in), name, nameList(in))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// nameList joins names for a message, eliding all but the first 20.
func nameList(names []string) string {
	const max = 20
	if len(names) <= max {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s, … (%d more)", strings.Join(names[:max], ", "), len(names)-max)
}
