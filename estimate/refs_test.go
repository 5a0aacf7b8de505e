package estimate

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"github.com/intdim/intdim/cloud"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/intdim/intdim/knn"
)

// refsDir holds copies of /work/shared/refs; see its PROVENANCE.md.
const refsDir = "../testdata/refs"

// readNpy reads a little-endian float64, C-order, 2-D .npy file. It is a
// test helper only (the project's reader is tensorio).
func readNpy(t testing.TB, path string) (x []float64, n, d int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 10 || !bytes.Equal(b[:6], []byte("\x93NUMPY")) {
		t.Fatalf("%s: not a .npy file", path)
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		t.Fatalf("%s: npy version %d", path, b[6])
	}
	hdr := string(b[off : off+hlen])
	if !strings.Contains(hdr, "'descr': '<f8'") || !strings.Contains(hdr, "'fortran_order': False") {
		t.Fatalf("%s: want '<f8' in C order, header %q", path, hdr)
	}
	m := regexp.MustCompile(`'shape': \((\d+), (\d+)\)`).FindStringSubmatch(hdr)
	if m == nil {
		t.Fatalf("%s: want a 2-D shape, header %q", path, hdr)
	}
	n, _ = strconv.Atoi(m[1])
	d, _ = strconv.Atoi(m[2])
	data := b[off+hlen:]
	if len(data) != 8*n*d {
		t.Fatalf("%s: %d data bytes for shape (%d, %d)", path, len(data), n, d)
	}
	x = make([]float64, n*d)
	for i := range x {
		x[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
	}
	return x, n, d
}

type refResult struct {
	Value  json.RawMessage `json:"value"`
	Err    json.RawMessage `json:"err"`
	Scales []int           `json:"scales"`
	Error  string          `json:"error"`
}

type refSet struct {
	File    string               `json:"file"`
	N       int                  `json:"N"`
	D       int                  `json:"D"`
	TrueID  float64              `json:"true_id"`
	Results map[string]refResult `json:"results"`
}

func loadRefs(t testing.TB) map[string]refSet {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(refsDir, "refs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var refs map[string]refSet
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs) != 8 {
		t.Fatalf("refs.json has %d sets, want 8", len(refs))
	}
	return refs
}

// scalar returns the number in a refs value.
func scalar(t testing.TB, raw json.RawMessage) float64 {
	t.Helper()
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("refs value %s: %v", raw, err)
	}
	return v
}

func vector(t testing.TB, raw json.RawMessage) []float64 {
	t.Helper()
	var v []float64
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("refs value %s: %v", raw, err)
	}
	return v
}

func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)
}

// refCase is one reference data set with its neighbour graph (K = 256, the
// largest GRIDE rank).
type refCase struct {
	name string
	ref  refSet
	x    []float64
	n, d int
	g    *knn.Graph
}

var refCases []refCase

func loadRefCases(t *testing.T) []refCase {
	t.Helper()
	if refCases != nil {
		return refCases
	}
	refs := loadRefs(t)
	names := make([]string, 0, len(refs))
	for name := range refs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		r := refs[name]
		x, n, d := readNpy(t, filepath.Join(refsDir, r.File))
		if n != r.N || d != r.D {
			t.Fatalf("%s: shape (%d, %d), refs say (%d, %d)", name, n, d, r.N, r.D)
		}
		g, err := knn.Search(cloud.Must64(x, n, d), 256, nil)
		if err != nil {
			t.Fatal(err)
		}
		refCases = append(refCases, refCase{name, r, x, n, d, g})
	}
	return refCases
}

func firstTwo(g *knn.Graph) (r1, r2 []float64) {
	r1, r2 = make([]float64, g.N), make([]float64, g.N)
	for i := range r1 {
		r1[i], r2[i] = g.Dist[i*g.K], g.Dist[i*g.K+1]
	}
	return r1, r2
}
