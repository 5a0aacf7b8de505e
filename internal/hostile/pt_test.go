//go:build unix

package hostile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// ptZip writes a torch.save-style archive (members stored) holding the
// pickle pkl and the storages.
func ptZip(t *testing.T, name string, pkl []byte, storages map[string][]byte) func(*testing.T, string) {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	put := func(n string, data []byte) {
		f, err := w.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	put("archive/data.pkl", pkl)
	for k, v := range storages {
		put("archive/data/"+k, v)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return File(name, b.Bytes())
}

// tensorPickle is the pickle of one float32 tensor of the given shape
// (contiguous) whose storage claims numel elements.
func tensorPickle(numel uint32, rows, cols uint32) []byte {
	var b bytes.Buffer
	i := func(v uint32) { b.WriteByte('J'); binary.Write(&b, binary.LittleEndian, v) }
	s := func(v string) {
		b.WriteByte('X')
		binary.Write(&b, binary.LittleEndian, uint32(len(v)))
		b.WriteString(v)
	}
	b.WriteString("\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((")
	s("storage")
	b.WriteString("ctorch\nFloatStorage\n")
	s("0")
	s("cpu")
	i(numel)
	b.WriteString("tQ")
	i(0)
	b.WriteString("(")
	i(rows)
	i(cols)
	b.WriteString("t(")
	i(cols)
	i(1)
	b.WriteString("t\x89ccollections\nOrderedDict\n)RtR.")
	return b.Bytes()
}

// TestPT: hostile torch.save files (issue 11) are refused with the file
// named and the class or the lie stated, in bounded memory, and nothing
// in them runs.
func TestPT(t *testing.T) {
	fixture := func(name string) func(*testing.T, string) {
		data, err := os.ReadFile(filepath.Join("..", "..", "tensorio", "testdata", "pt", name))
		if err != nil {
			t.Fatal(err)
		}
		return File(name, data)
	}
	truncated := func(name string, cut int) func(*testing.T, string) {
		data, err := os.ReadFile(filepath.Join("..", "..", "tensorio", "testdata", "pt", name))
		if err != nil {
			t.Fatal(err)
		}
		return File(name, data[:len(data)-cut])
	}
	huge := append([]byte("\x80\x04\x8e"), 0, 0, 0, 0, 0, 0, 0, 0x10) // BINBYTES8 claiming 2⁶⁰ bytes
	est := func(a ...string) []string { return append([]string{"estimate"}, a...) }
	Run(t, []Case{
		{Name: "pt os.system", Args: est("malicious.pt:x"), Setup: fixture("malicious.pt"), Exit: 2,
			Stderr: "malicious.pt: data.pkl: refused: the pickle names posix.system; only tensors and containers of them are read (nothing in the file is executed)"},
		{Name: "pt os.system in profile", Args: []string{"profile", "--quiet", "malicious.pt"}, Setup: fixture("malicious.pt"), Exit: 2,
			Stderr: "refused: the pickle names posix.system"},
		{Name: "pt expanded view", Args: est("expanded.pt"), Setup: fixture("expanded.pt"), Exit: 2,
			Stderr: "expanded.pt: data.pkl: storage \"0\": tensor of shape 1000×3 has more elements than its storage (3)"},
		{Name: "pt huge pickle claim", Args: est("huge.pt"), Setup: ptZip(t, "huge.pt", huge, nil), Exit: 2,
			Stderr: "huge.pt: data.pkl: pickle claims 1152921504606846976 bytes, only 0 left: truncated or corrupt", MaxRSS: 200 << 20},
		{Name: "pt storage larger than its member", Args: est("lie.pt"),
			Setup: ptZip(t, "lie.pt", tensorPickle(1<<30, 1<<15, 1<<15), map[string][]byte{"0": make([]byte, 64)}), Exit: 2,
			Stderr: "lie.pt: data.pkl: storage \"0\": 1073741824 × float32 needs more than the 64 bytes of its member", MaxRSS: 200 << 20},
		{Name: "pt legacy truncated", Args: est("legacy.pt:t"), Setup: truncated("legacy.pt", 14), Exit: 2,
			Stderr: "legacy.pt: truncated: storage"},
		{Name: "pt zip truncated", Args: est("strided.pt:t"), Setup: truncated("strided.pt", 100), Exit: 2,
			Stderr: "strided.pt: bad zip archive"},
		{Name: "pt not torch", Args: est("x.pt"), Setup: File("x.pt", []byte("not a pickle at all")), Exit: 2,
			Stderr: "x.pt: not a torch.save file (neither a zip archive nor a legacy pickle)"},
	})
	if _, err := os.Stat("/tmp/intdim-pt-pwned"); err == nil {
		t.Fatal("the malicious pickle ran")
	}
}
