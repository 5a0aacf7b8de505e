package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/result"
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
	rep, err := pipeline.Estimate(pipeline.File(pos[0]), &pipeline.Options{Estimate: *opt, Mem: mem.bytes,
		Check: func(n int) error { return checkResample(opt, n, mem.bytes) }})
	if err != nil {
		return BadInput(zeroNormHint(err))
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "intdim estimate: warning: %s\n", w)
	}
	return result.NewEstimate(rep, opt).Write(stdout, f.format)
}

// loadPoints reads one point cloud and checks it; release frees it. budget
// bounds the memory of a deflated .npz member (0: the default, half the
// physical memory).
func loadPoints(spec string, budget int64) (*cloud.Matrix, func(), error) {
	x, release, err := pipeline.Load(spec, budget)
	if err != nil {
		return nil, nil, BadInput(err)
	}
	return x, release, nil
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

func optF(p *float64) string {
	if p == nil {
		return ""
	}
	return ftoa(*p)
}
