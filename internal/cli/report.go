package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/report"
)

func init() {
	report.Version = Version
	Register(&Command{Name: "report", Summary: "self-contained HTML report (figures, tables, settings) from intdim JSON", Run: runReport})
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("report", stderr)
	out := fs.String("out", "", "HTML file to write (required), e.g. report.html")
	title := fs.String("title", "", "title of the report (default: intdim report)")
	var format string
	addFormatFlag(fs, &format)
	fs.Bool("quiet", false, "no progress on stderr (report has no long step)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim report FILE.json... --out REPORT.html")
		fmt.Fprintln(stderr, "FILE.json: the JSON of intdim profile, demo, estimate, scale, linearize, study accuracy, plot --fit, or train's log.json.")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return Usage("want at least one FILE.json (see intdim report -h)")
	}
	if *out == "" {
		return Usage("--out REPORT.html is required")
	}
	if !strings.HasSuffix(strings.ToLower(*out), ".html") && !strings.HasSuffix(strings.ToLower(*out), ".htm") {
		return Usage("--out %s: want a .html file", *out)
	}
	if err := notADir(*out); err != nil {
		return err
	}
	docs, err := readDocs(pos)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if _, err := plot.Detect(d.Data); errors.Is(err, plot.ErrArrayFile) {
			return BadInput(fmt.Errorf("%s: %v; report reads the JSON of intdim commands, e.g. intdim estimate %s --method all --format json > %s.json",
				d.Name, err, d.Name, strings.TrimSuffix(filepath.Base(d.Name), filepath.Ext(d.Name))))
		}
	}
	report.Version = Version
	if err := report.WriteDocs(*out, docs, &report.Options{Title: *title, Time: time.Now()}); err != nil {
		return BadInput(err)
	}
	switch format {
	case "json":
		return writeJSON(stdout, map[string]any{"report": *out, "inputs": pos})
	case "csv":
		cw := csv.NewWriter(stdout)
		cw.Write([]string{"report"})
		cw.Write([]string{*out})
		cw.Flush()
		return cw.Error()
	}
	fmt.Fprintf(stdout, "report: %s\n", *out)
	return nil
}

// notADir refuses an output path taken by a directory, before any work.
func notADir(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return Usage("--out %s: is a directory", path)
	}
	return nil
}
