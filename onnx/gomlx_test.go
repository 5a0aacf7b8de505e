//go:build gomlx

package onnx

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gonnx "github.com/gomlx/onnx-gomlx/onnx"
	"google.golang.org/protobuf/proto"
)

// TestNativeAgrees runs every candidate layer of both test models with the
// native and the gomlx runner and compares them, and the auto layers with
// PyTorch's activations.
func TestNativeAgrees(t *testing.T) {
	for name, want := range autoLayers {
		m, err := Open(filepath.Join("testdata", name+".onnx"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := NewRunner(m, &RunnerOptions{Backend: "gomlx"})
		if err != nil {
			t.Fatal(err)
		}
		nat, err := NewRunner(m, &RunnerOptions{Backend: "native"})
		if err != nil {
			t.Fatal(err)
		}
		lg, err := m.Layers(g, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := m.Layers(nat, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		if len(lg) != len(ln) {
			t.Fatalf("%s: %d candidate layers with gomlx, %d native", name, len(lg), len(ln))
		}
		ag, an := forwardAll(t, m, g, lg, 40), forwardAll(t, m, nat, lg, 40)
		sameActs(t, name, lg, an, ag)
		for _, w := range want {
			_, ref := readNpy(t, filepath.Join("testdata", "ref_"+name+"_"+w.ref+".npy"))
			for j, l := range lg {
				if l.Name == w.value {
					d := maxRelDiff(an[j], ref)
					t.Logf("%s %-7s native vs PyTorch %.2g", name, w.ref, d)
					if d > 1e-4 {
						t.Errorf("%s %s: native differs from PyTorch by %.3g", name, w.ref, d)
					}
				}
			}
		}
	}
}

// TestAutoFallback: a graph with an operator that native lacks (Abs here)
// runs on gomlx under the auto backend, and NativeSupport names the
// operator.
func TestAutoFallback(t *testing.T) {
	t.Setenv("ONNXRUNTIME_LIB", "")
	m, err := Parse("abs.onnx", absModel().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.NativeSupport(); err == nil || !strings.Contains(err.Error(), "Abs") {
		t.Fatalf("NativeSupport: %v", err)
	}
	r, err := NewRunner(m, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Name() != "gomlx" {
		t.Fatalf("auto backend %s, want gomlx", r.Name())
	}
	if _, err := NewRunner(m, &RunnerOptions{Backend: "native"}); err == nil {
		t.Fatal("native accepted Abs")
	}
	if _, err := m.Layers(r, 16, 16); err != nil {
		t.Fatal(err)
	}
}

// TestQuietStdout: what GoMLX prints to standard output while a gomlx
// runner works does not reach it (it would corrupt --format json), and
// os.Stdout is restored afterwards.
func TestQuietStdout(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	quietStdout(func() { fmt.Println("ConvGeneral: debug line") })
	restored := os.Stdout == w
	os.Stdout = saved
	w.Close()
	b, _ := io.ReadAll(r)
	if len(b) != 0 || !restored {
		t.Fatalf("stdout got %q, restored %v", b, restored)
	}
}

// TestDecodeAgreesWithProtobuf: on the test models, and on the model
// given to onnxruntime, intdim's decoder reads the same nodes,
// initializers and outputs as the generated protobuf code of onnx-gomlx.
func TestDecodeAgreesWithProtobuf(t *testing.T) {
	for _, name := range []string{"vgg_tiny.onnx", "resnet_tiny.onnx", "ops_tiny.onnx", "vgg_tiny_b5.onnx"} {
		m, err := Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.withOutputs([]string{"/extra_a", "/extra_b"})
		if err != nil {
			t.Fatal(err)
		}
		orig, err := gonnx.Parse(m.data)
		if err != nil {
			t.Fatal(err)
		}
		// onnx-gomlx's Parse wants typed outputs; decode with its
		// generated message type directly.
		proto.Reset(&orig.Proto)
		if err := proto.Unmarshal(b, &orig.Proto); err != nil {
			t.Fatal(err)
		}
		gp := orig.Proto.GetGraph()
		var outs []string
		for _, o := range gp.GetOutput() {
			outs = append(outs, o.GetName())
		}
		if want := append(slices.Clone(m.Outputs), "/extra_a", "/extra_b"); !slices.Equal(outs, want) {
			t.Errorf("%s: outputs %q, want %q", name, outs, want)
		}
		if len(gp.GetNode()) != len(m.pb.graph.nodes) || len(gp.GetInitializer()) != len(m.pb.graph.inits) {
			t.Fatalf("%s: %d/%d nodes, %d/%d initializers", name, len(gp.GetNode()), len(m.pb.graph.nodes), len(gp.GetInitializer()), len(m.pb.graph.inits))
		}
		for k, n := range gp.GetNode() {
			mine := m.pb.graph.nodes[k]
			if n.GetOpType() != mine.op || n.GetName() != mine.name || !slices.Equal(n.GetInput(), mine.in) || !slices.Equal(n.GetOutput(), mine.out) || len(n.GetAttribute()) != len(mine.attrs) {
				t.Errorf("%s node %d: %v vs %+v", name, k, n, mine)
			}
		}
		for k, it := range gp.GetInitializer() {
			mine := m.pb.graph.inits[k]
			if it.GetName() != mine.name || !slices.Equal(it.GetDims(), mine.dims) || len(it.GetRawData()) != len(mine.raw) || len(it.GetFloatData()) != len(mine.floats) {
				t.Errorf("%s initializer %s differs", name, it.GetName())
			}
		}
	}
}
