package tensorio

import (
	"fmt"
	"strings"

	"github.com/intdim/intdim/tensorio/internal/osfile"
	"github.com/intdim/intdim/tensorio/pt"
)

// ptNames returns the names of a torch.save file's tensors: their key and
// index paths, or the file's base name for one bare tensor.
func ptNames(path string, f *pt.File) []string {
	names := f.Names()
	for i, n := range names {
		if n == "" {
			names[i] = baseName(path)
		}
	}
	return names
}

// openPT reads the tensors of a torch.save file: all, or those at the
// path name (a key or index path, "hidden_states.3"; a container's path
// selects every tensor inside it, in order).
func openPT(path, name string, sel bool) ([]*Array, error) {
	f, size, err := osfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := pt.Read(f, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	names := ptNames(path, p)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: holds no tensors", path)
	}
	var arrays []*Array
	for i, t := range p.Tensors {
		n := names[i]
		if sel && n != name && !strings.HasPrefix(n, name+".") {
			continue
		}
		a := &Array{Name: n, Shape: t.Shape, Source: path, DType: t.DType}
		if t.Narrow() {
			a.Data32 = make([]float32, t.Len())
			err = t.ReadFloat32(f, a.Data32)
		} else {
			a.Data = make([]float64, t.Len())
			err = t.ReadFloat64(f, a.Data)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: tensor %q: %w", path, n, err)
		}
		arrays = append(arrays, a)
	}
	if len(arrays) == 0 {
		return nil, fmt.Errorf("%s: no tensor %q; it holds: %s", path, name, nameList(names))
	}
	return arrays, nil
}
