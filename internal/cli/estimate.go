package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/result"
	"github.com/intdim/intdim/tensorio"
)

func init() {
	Register(&Command{Name: "estimate", Summary: "intrinsic dimension of one point cloud (.npy, .npz, .safetensors)", Run: runEstimate})
}

func runEstimate(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("estimate", stderr)
	f := addEstimateFlags(fs, "twonn")
	mem := addMemFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim estimate [flags] INPUT   (INPUT: FILE, FILE:NAME)")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one INPUT, got %d (see intdim estimate -h)", len(pos))
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	var rep *estimate.Report
	if mem.streamed(pos[0]) {
		if rep, _, err = estimateStreamed(pos[0], mem, opt, opt.Method == "pca" || opt.Method == "all"); err != nil {
			return err
		}
	} else {
		a, n, d, err := loadPoints(pos[0], mem.bytes)
		if err != nil {
			return err
		}
		if err := checkResample(opt, n, mem.bytes); err != nil {
			return err
		}
		if rep, err = estimate.Points(cloud.Must64(a.Data, n, d), opt); err != nil {
			return BadInput(fmt.Errorf("%s: %w", pos[0], err))
		}
	}
	rep.Input = pos[0]
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "intdim estimate: warning: %s\n", w)
	}
	return result.NewEstimate(rep, opt).Write(stdout, f.format)
}

// loadPoints reads one point cloud and checks it; budget bounds the memory
// of a deflated .npz member (0: the default, half the physical memory).
func loadPoints(spec string, budget int64) (*tensorio.Array, int, int, error) {
	a, err := tensorio.OpenMatrixWith(spec, tensorio.Options{MaxBytes: budget})
	if err != nil {
		return nil, 0, 0, BadInput(err)
	}
	if err := tensorio.CheckPoints(a); err != nil {
		return nil, 0, 0, BadInput(err)
	}
	n, d, err := a.Matrix()
	if err != nil {
		return nil, 0, 0, BadInput(err)
	}
	return a, n, d, nil
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func optF(p *float64) string {
	if p == nil {
		return ""
	}
	return ftoa(*p)
}
