package nn

import (
	"bytes"
	"testing"
)

// FuzzLoadBytes: a network file either loads into a network whose
// parameters match the architecture, or gives an error; it never panics.
func FuzzLoadBytes(f *testing.F) {
	net, _ := Arch{Hidden: []int{3}}.Build(Shape{1, 2, 2}, 2, 1)
	var buf bytes.Buffer
	Save(&buf, net, map[string]string{"data": "x"})
	f.Add(buf.Bytes())
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		net, _, err := LoadBytes(b)
		if err != nil {
			return
		}
		n, err := net.Arch.NumParams(net.In, net.Classes)
		if err != nil || n != net.NumParams() {
			t.Fatalf("loaded %v with %d parameters (%d, %v)", net.Arch, net.NumParams(), n, err)
		}
	})
}
