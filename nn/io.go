package nn

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"strconv"

	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/tensorio/safetensors"
)

// Save writes the parameters of net (built from an Arch) as F32 tensors in
// the safetensors format, named as PyTorch would (conv1.weight [32 1 3 3],
// fc1.weight [128 1600], …), with the architecture, input shape,
// normalisation and the entries of meta in the metadata.
func Save(w io.Writer, net *Net, meta map[string]string) error {
	md := map[string]string{}
	maps.Copy(md, meta)
	md["format"] = "intdim-nn"
	md["arch"] = net.Arch.String()
	md["input"] = fmt.Sprintf("%d,%d,%d", net.In.C, net.In.H, net.In.W)
	md["classes"] = strconv.Itoa(net.Classes)
	md["mean"] = strconv.FormatFloat(float64(net.Mean), 'g', -1, 32)
	md["std"] = strconv.FormatFloat(float64(net.Std), 'g', -1, 32)
	var ts []safetensors.Tensor
	for _, p := range net.Params() {
		ts = append(ts, safetensors.F32(p.Name, p.Shape, p.W))
	}
	return safetensors.Write(w, ts, md)
}

// SaveFile writes net to path atomically (see Save).
func SaveFile(path string, net *Net, meta map[string]string) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return Save(w, net, meta) })
}

// LoadFile reads a network written by Save.
func LoadFile(path string) (*Net, map[string]string, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	net, err := fromFile(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, f.Metadata, nil
}

// LoadBytes reads a network written by Save from memory.
func LoadBytes(b []byte) (*Net, map[string]string, error) {
	f, err := safetensors.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil, err
	}
	net, err := fromFile(f)
	return net, f.Metadata, err
}

func fromFile(f *safetensors.File) (*Net, error) {
	md := f.Metadata
	if md["format"] != "intdim-nn" {
		return nil, fmt.Errorf("not an intdim network (metadata format %q)", md["format"])
	}
	arch, err := ParseArch(md["arch"])
	if err != nil {
		return nil, err
	}
	var in Shape
	if _, err := fmt.Sscanf(md["input"], "%d,%d,%d", &in.C, &in.H, &in.W); err != nil || in.Size() <= 0 {
		return nil, fmt.Errorf("bad input shape %q", md["input"])
	}
	classes, err := strconv.Atoi(md["classes"])
	if err != nil || classes <= 0 {
		return nil, fmt.Errorf("bad class count %q", md["classes"])
	}
	mean, err1 := strconv.ParseFloat(md["mean"], 32)
	std, err2 := strconv.ParseFloat(md["std"], 32)
	if err1 != nil || err2 != nil || !(std > 0) {
		return nil, fmt.Errorf("bad normalisation mean %q std %q", md["mean"], md["std"])
	}
	// Bound the allocation by the data in the file before building.
	want, err := arch.NumParams(in, classes)
	if err != nil {
		return nil, err
	}
	have := 0
	for i := range f.Tensors {
		have += len(f.Tensors[i].Data)
	}
	if want > have/4 {
		return nil, fmt.Errorf("architecture %s on %v needs %d parameters, the file holds %d bytes of tensors", arch, in, want, have)
	}
	net, err := arch.Build(in, classes, 0)
	if err != nil {
		return nil, err
	}
	net.Mean, net.Std = float32(mean), float32(std)
	byName := map[string]*safetensors.Tensor{}
	for i := range f.Tensors {
		byName[f.Tensors[i].Name] = &f.Tensors[i]
	}
	for _, p := range net.Params() {
		t := byName[p.Name]
		if t == nil {
			return nil, fmt.Errorf("no tensor %s", p.Name)
		}
		if fmt.Sprint(t.Shape) != fmt.Sprint(p.Shape) {
			return nil, fmt.Errorf("tensor %s has shape %v, want %v", p.Name, t.Shape, p.Shape)
		}
		v, err := t.Float32()
		if err != nil {
			return nil, err
		}
		copy(p.W, v)
	}
	return net, nil
}
