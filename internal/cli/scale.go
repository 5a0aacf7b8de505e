package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/result"
)

func init() {
	Register(&Command{Name: "scale", Summary: "ID against scale: block analysis, decimation, GRIDE", Run: runScale})
}

// maxBlocks bounds --blocks: each number of blocks b costs a permutation of
// all the points, so B·N work in all.
const maxBlocks = 1000

func runScale(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("scale", stderr)
	f := addEstimateFlags(fs, "twonn")
	so := addScaleFlags(fs)
	in := addInputFlags(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim scale [--blocks 20] [--decimate] [--gride] [flags] INPUT")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return Usage("want one INPUT, got %d (see intdim scale -h)", len(pos))
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	if err := checkScaleFlags(fs, so); err != nil {
		return err
	}
	popt := &pipeline.Options{Estimate: *opt}
	classes, err := in.apply(popt)
	if err != nil {
		return err
	}
	rep, err := pipeline.Scale(pipeline.File(pos[0]), *so, popt)
	if err != nil {
		return BadInput(zeroNormHint(err))
	}
	for _, w := range flagWarnings(rep.Warnings) {
		fmt.Fprintf(stderr, "intdim scale: warning: %s\n", w)
	}
	doc := result.NewScale(rep, opt)
	doc.NClasses = classes
	return doc.Write(stdout, f.format)
}

// addScaleFlags adds the flags of the scale analyses to fs.
func addScaleFlags(fs *flag.FlagSet) *estimate.ScaleOptions {
	so := &estimate.ScaleOptions{}
	fs.IntVar(&so.Blocks, "blocks", 0, "block analysis: b = 1..B disjoint blocks of N/b points (default 20 when nothing else is chosen)")
	fs.BoolVar(&so.Decimate, "decimate", false, "decimation: disjoint subsets of N/2^i points")
	fs.BoolVar(&so.Gride, "gride", false, "GRIDE at neighbour ranks 2, 4, ..., --max-rank")
	return so
}

// checkScaleFlags refuses the flags of estimate that scale would ignore and
// a --blocks out of range, and chooses 20 blocks when no analysis is chosen.
func checkScaleFlags(fs *flag.FlagSet, so *estimate.ScaleOptions) error {
	// Flags of estimate that scale would silently ignore.
	var ignored []string
	fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "method", "resample", "fraction", "k":
			if fl.Name != "method" || fl.Value.String() != "twonn" {
				ignored = append(ignored, "--"+fl.Name)
			}
		}
	})
	if len(ignored) > 0 {
		return Usage("%s: not used by scale (TwoNN at every scale; error bars from the blocks and subsets; --gride for GRIDE)", strings.Join(ignored, ", "))
	}
	if so.Blocks < 0 || so.Blocks > maxBlocks {
		return Usage("--blocks %d outside [1, %d]", so.Blocks, maxBlocks)
	}
	if so.Blocks == 0 && !so.Decimate && !so.Gride {
		so.Blocks = 20
	}
	return nil
}
