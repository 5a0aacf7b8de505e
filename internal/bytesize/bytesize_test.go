package bytesize

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		b    float64
		want string
	}{
		{0, "0 bytes"},
		{1023, "1023 bytes"},
		{1024, "1 KiB"},
		{1000 * 1000, "977 KiB"},
		{4 << 20, "4 MiB"},
		{3.81 * (1 << 20), "3.81 MiB"},
		{286 << 30, "286 GiB"},
		{1.31 * (1 << 40), "1.31 TiB"},
		{1 << 62, "4 EiB"},
		{1 << 72, "4.1e+03 EiB"},
	} {
		if got := Format(c.b); got != c.want {
			t.Errorf("Format(%g) = %q, want %q", c.b, got, c.want)
		}
	}
}
