package result

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// write writes the document v in format: indented JSON of v, or what
// writeCSV or writeText writes.
func write(w io.Writer, format string, v any, writeCSV, writeText func(io.Writer) error) error {
	switch format {
	case "json":
		return writeJSON(w, v)
	case "csv":
		return writeCSV(w)
	case "text":
		return writeText(w)
	}
	return fmt.Errorf("result: unknown format %q", format)
}

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
