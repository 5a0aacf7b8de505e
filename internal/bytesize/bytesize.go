// Package bytesize writes memory sizes for messages, in one format across
// the project: three significant digits and a binary unit ("286 GiB",
// "3.81 MiB"), or a count of bytes below 1 KiB.
package bytesize

import "fmt"

// Format writes b bytes as "512 bytes", "3.81 MiB", "1.31 TiB".
func Format(b float64) string {
	if b < 1024 {
		return fmt.Sprintf("%.0f bytes", b)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := -1
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}
