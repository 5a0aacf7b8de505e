package result

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func optF(p *float64) string {
	if p == nil {
		return ""
	}
	return ftoa(*p)
}

// fmtErr formats an optional error bar.
func fmtErr(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.3f", *p)
}
