package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func ptFixture(name string) string {
	return filepath.Join("..", "..", "tensorio", "testdata", "pt", name)
}

// --tokens, --layer-axis and --labels on files written by PyTorch.
func TestInputFlags(t *testing.T) {
	hs := ptFixture("hidden.pt") + ":hidden_states.1"
	code, out, errOut := run("estimate", "--format", "json", "--tokens", "mean", "--labels", ptFixture("labels.pt")+":labels", hs)
	var doc struct {
		N        int `json:"n"`
		Dim      int `json:"dim"`
		NClasses int `json:"n_classes"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.N != 12 || doc.Dim != 5 || doc.NClasses != 4 {
		t.Fatalf("estimate --tokens mean --labels: exit %d, %+v, %s", code, doc, errOut)
	}
	doc.NClasses = 0
	code, out, _ = run("scale", "--format", "json", "--tokens", "all", hs)
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.N != 48 || doc.Dim != 5 || doc.NClasses != 0 || strings.Contains(out, "n_classes") {
		t.Fatalf("scale --tokens all: exit %d, %+v", code, doc)
	}
	code, _, errOut = run("estimate", hs)
	if code != 0 || !strings.Contains(errOut, "warning: rank-3 array 12×4×5 read as 12 points") {
		t.Fatalf("flattened rank 3: exit %d, %s", code, errOut)
	}
	code, out, _ = run("profile", "--quiet", "--format", "json", "--layer-axis", "0", "--tokens", "last", ptFixture("stack.pt"))
	var p struct {
		Layers []struct {
			Name string `json:"name"`
			Dim  int    `json:"dim"`
		} `json:"layers"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &p) != nil || len(p.Layers) != 3 || p.Layers[2].Name != "stack.2" || p.Layers[2].Dim != 5 {
		t.Fatalf("profile --layer-axis 0: exit %d, %+v", code, p)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"estimate", "--tokens", "middle", hs}, 2, `--tokens "middle": want flatten, first, last, mean, all`},
		{[]string{"profile", "--layer-axis", "1", ptFixture("stack.pt")}, 2, "--layer-axis 1: only 0"},
		{[]string{"profile", "--tokens", "mean", "--model", "mnist"}, 2, "--tokens: for INPUT files, not --model or --onnx"},
		{[]string{"estimate", "--labels", ptFixture("labels_frac.npy"), hs}, 2, "labels_frac.npy: labels: value 0 is 0.5, not an integer"},
		{[]string{"estimate", "--labels", ptFixture("labels_short.npy"), hs}, 2, "12 points, but 5 labels"},
		{[]string{"estimate", ptFixture("malicious.pt") + ":x"}, 2, "refused: the pickle names posix.system"},
	} {
		code, _, errOut := run(c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
