package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/geometry"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/result"
)

func init() {
	Register(&Command{Name: "overlap", Summary: "neighbourhood overlap of two representations, label overlap", Run: runOverlap})
	Register(&Command{Name: "imbalance", Summary: "information imbalance between two representations", Run: runImbalance})
}

// geoInput is one representation read for package geometry: its points (on
// the unit sphere for --metric cosine) and its neighbour graph.
type geoInput struct {
	name    string
	x       *cloud.Matrix
	g       *knn.Graph
	release func()
}

// loadGeo reads spec and searches its k nearest neighbours; with clamp, at
// most N − 1 of them.
func loadGeo(spec string, k int, metric knn.Metric, clamp bool) (*geoInput, error) {
	x, release, err := pipeline.Load(spec, 0)
	if err != nil {
		return nil, BadInput(err)
	}
	in := &geoInput{name: spec, x: x, release: release}
	if clamp {
		k = min(k, x.N()-1)
	}
	if k > x.N()-1 {
		release()
		return nil, BadInput(fmt.Errorf("%s: %d points, too few for k = %d neighbours (need k < N)", spec, x.N(), k))
	}
	if metric == knn.Cosine {
		if in.x, err = knn.Normalize(x); err != nil {
			release()
			return nil, BadInput(fmt.Errorf("%s: %w", spec, err))
		}
	}
	if in.g, err = knn.Search(in.x, k, nil); err != nil {
		release()
		return nil, BadInput(fmt.Errorf("%s: %w", spec, err))
	}
	return in, nil
}

// loadPair reads two representations of the same points.
func loadPair(a, b string, k int, metric knn.Metric, clamp bool) (*geoInput, *geoInput, error) {
	ga, err := loadGeo(a, k, metric, clamp)
	if err != nil {
		return nil, nil, err
	}
	gb, err := loadGeo(b, k, metric, clamp)
	if err != nil {
		ga.release()
		return nil, nil, err
	}
	if ga.x.N() != gb.x.N() {
		ga.release()
		gb.release()
		return nil, nil, BadInput(fmt.Errorf("%s has %d points, %s has %d: not representations of the same points", a, ga.x.N(), b, gb.x.N()))
	}
	return ga, gb, nil
}

// parseMetricFormat parses the arguments (parseFormat) and then --metric,
// for the commands that search neighbours themselves.
func parseMetricFormat(fs *flag.FlagSet, args []string, format, metric *string) ([]string, knn.Metric, error) {
	pos, err := parseFormat(fs, args, format)
	if err != nil {
		return nil, 0, err
	}
	m, err := knn.ParseMetric(*metric)
	if err != nil {
		return nil, 0, Usage("%v", err)
	}
	return pos, m, nil
}

func runOverlap(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("overlap", stderr)
	k := fs.Int("k", 30, "neighbours per point")
	labels := fs.String("labels", "", "class labels of the N points (FILE, FILE:NAME): report the label overlap of A")
	metric := fs.String("metric", "euclidean", "distance: euclidean or cosine")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim overlap [--k 30] A B        neighbourhood overlap of two representations of the same points")
		fmt.Fprintln(stderr, "       intdim overlap [--k 30] --labels Y A   label overlap of A")
		fs.PrintDefaults()
	}
	pos, m, err := parseMetricFormat(fs, args, &format, metric)
	if err != nil {
		return err
	}
	if *k < 1 {
		return Usage("--k %d: need at least 1", *k)
	}
	switch {
	case len(pos) == 1 && *labels == "":
		return Usage("one input needs --labels (label overlap); two give the neighbourhood overlap (see intdim overlap -h)")
	case len(pos) < 1 || len(pos) > 2:
		return Usage("want A [B], got %d inputs (see intdim overlap -h)", len(pos))
	}
	doc := result.NewOverlap()
	doc.A, doc.K = pos[0], *k
	var a *geoInput
	if len(pos) == 2 {
		var b *geoInput
		if a, b, err = loadPair(pos[0], pos[1], *k, m, false); err != nil {
			return err
		}
		defer b.release()
		v, err := geometry.Overlap(a.g, b.g, *k)
		if err != nil {
			a.release()
			return err
		}
		doc.B, doc.Overlap = pos[1], &v
	} else if a, err = loadGeo(pos[0], *k, m, false); err != nil {
		return err
	}
	defer a.release()
	doc.N = a.x.N()
	if *labels != "" {
		y, err := pipeline.LoadLabels(*labels, 0)
		if err != nil {
			return BadInput(err)
		}
		if len(y) != a.x.N() {
			return BadInput(fmt.Errorf("%s: %d labels, but %s has %d points", *labels, len(y), pos[0], a.x.N()))
		}
		w, u, err := geometry.LabelOverlap(a.g, y, *k)
		if err != nil {
			return err
		}
		doc.Labels, doc.LabelOverlap, doc.LabelOverlapUnweighted = *labels, &w, &u
		doc.NClasses = pipeline.Classes(y)
	}
	return doc.Write(stdout, format)
}

func runImbalance(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("imbalance", stderr)
	metric := fs.String("metric", "euclidean", "distance: euclidean or cosine")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim imbalance A B   information imbalances Delta(A->B) and Delta(B->A) (rank 1)")
		fs.PrintDefaults()
	}
	pos, m, err := parseMetricFormat(fs, args, &format, metric)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return Usage("want two inputs A B, got %d (see intdim imbalance -h)", len(pos))
	}
	// The ranks are read from lists of imbalanceK neighbours where they
	// reach, and counted over the row otherwise (geometry.Ranks).
	const imbalanceK = 30
	a, b, err := loadPair(pos[0], pos[1], imbalanceK, m, true)
	if err != nil {
		return err
	}
	defer a.release()
	defer b.release()
	doc := result.NewImbalance()
	doc.A, doc.B, doc.N = pos[0], pos[1], a.x.N()
	if doc.DeltaAB, err = geometry.Imbalance(a.g, b.g, b.x); err != nil {
		return err
	}
	if doc.DeltaBA, err = geometry.Imbalance(b.g, a.g, a.x); err != nil {
		return err
	}
	return doc.Write(stdout, format)
}
