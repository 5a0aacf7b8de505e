package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/result"
)

func init() {
	Register(&Command{Name: "estimate", Summary: "intrinsic dimension of one point cloud (.npy, .npz, .safetensors, .pt)", Run: runEstimate})
}

func runEstimate(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("estimate", stderr)
	f := addEstimateFlags(fs, "twonn")
	mem := addMemFlag(fs)
	nbr := fs.String("neighbours", "", "precomputed neighbour lists: an .npz with N×k arrays distances and indices (scikit-learn's kneighbors(X): column 0 the point itself) instead of INPUT")
	noSelf := fs.Bool("no-self", false, "--neighbours: the lists have no self column (FAISS-style)")
	dist := fs.String("distances", "", "a precomputed N×N distance matrix (FILE or FILE:NAME) instead of INPUT")
	in := addInputFlags(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim estimate [flags] INPUT   (INPUT: FILE, FILE:NAME)")
		fmt.Fprintln(stderr, "       intdim estimate [flags] --neighbours G.npz | --distances D.npy")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	given := len(pos)
	if *nbr != "" {
		given++
	}
	if *dist != "" {
		given++
	}
	if given != 1 {
		return Usage("want one INPUT, --neighbours or --distances, got %d (see intdim estimate -h)", given)
	}
	if *noSelf && *nbr == "" {
		return Usage("--no-self applies to --neighbours only")
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	po := &pipeline.Options{Estimate: *opt, Mem: mem.bytes,
		Check: func(n int) error { return checkResample(opt, n, mem.bytes) }}
	classes, err := in.apply(po)
	if err != nil {
		return err
	}
	var rep *estimate.Report
	switch {
	case *nbr != "":
		rep, err = pipeline.EstimateNeighbours(*nbr, &knn.ListsOptions{NoSelf: *noSelf}, po)
	case *dist != "":
		rep, err = pipeline.EstimateDistances(*dist, po)
	default:
		rep, err = pipeline.Estimate(pipeline.File(pos[0]), po)
	}
	if err != nil {
		return BadInput(zeroNormHint(err))
	}
	for _, w := range flagWarnings(rep.Warnings) {
		fmt.Fprintf(stderr, "intdim estimate: warning: %s\n", w)
	}
	doc := result.NewEstimate(rep, opt)
	doc.NClasses = classes
	if po.Labels != nil && len(pos) == 0 {
		fmt.Fprintln(stderr, "intdim estimate: warning: the ID of each class needs the points (INPUT); with --neighbours or --distances, --labels only counts the classes")
	}
	if po.Labels != nil && len(pos) == 1 {
		cs, err := pipeline.EstimateClasses(pos[0], po)
		if err != nil {
			return BadInput(err)
		}
		doc.SetClasses(cs)
	}
	return doc.Write(stdout, f.format)
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
