package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/result"
)

func init() {
	Register(&Command{Name: "overlap", Summary: "neighbourhood overlap of two representations, label overlap", Run: runOverlap})
	Register(&Command{Name: "imbalance", Summary: "information imbalance between two representations", Run: runImbalance})
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

// geoOptions are the pipeline options of overlap, imbalance and local:
// the metric and the search only.
func geoOptions(m knn.Metric, s knn.SearchMode) *pipeline.Options {
	return &pipeline.Options{Estimate: estimate.Options{Metric: m, Search: s}}
}

// overlapFlags are the flags of 'intdim overlap' (and of the library's
// overlap) besides --format.
type overlapFlags struct {
	k                      *int
	labels, metric, search *string
}

func addOverlapFlags(fs *flag.FlagSet) *overlapFlags {
	return &overlapFlags{
		k:      fs.Int("k", 30, "neighbours per point"),
		labels: fs.String("labels", "", "class labels of the N points (FILE, FILE:NAME): report the label overlap of A"),
		metric: fs.String("metric", "euclidean", "distance: euclidean or cosine"),
		search: addSearchFlag(fs),
	}
}

// overlapDoc measures the overlap (pipeline.Overlap) and fills its
// document; b is nil for the label overlap alone.
func overlapDoc(a pipeline.Source, b *pipeline.Source, labels []int, labelsFrom string, k int, m knn.Metric, s knn.SearchMode) (*result.Overlap, error) {
	opt := geoOptions(m, s)
	opt.LabelsFrom = labelsFrom
	r, err := pipeline.Overlap(a, b, labels, k, opt)
	if err != nil {
		return nil, BadInput(err)
	}
	doc := result.NewOverlap()
	doc.A, doc.K, doc.N = nameOf(a), r.K, r.N
	if b != nil {
		doc.B = nameOf(*b)
	}
	doc.Overlap, doc.LabelOverlap, doc.LabelOverlapUnweighted = r.Overlap, r.LabelOverlap, r.LabelOverlapUnweighted
	if labels != nil {
		doc.Labels, doc.NClasses = labelsFrom, r.NClasses
	}
	return doc, nil
}

// nameOf is a source's name in documents: its Name, else its Spec.
func nameOf(s pipeline.Source) string {
	if s.Name != "" {
		return s.Name
	}
	return s.Spec
}

func runOverlap(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("overlap", stderr)
	f := addOverlapFlags(fs)
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim overlap [--k 30] A B        neighbourhood overlap of two representations of the same points")
		fmt.Fprintln(stderr, "       intdim overlap [--k 30] --labels Y A   label overlap of A")
		fs.PrintDefaults()
	}
	pos, m, err := parseMetricFormat(fs, args, &format, f.metric)
	if err != nil {
		return err
	}
	sm, err := parseSearch(*f.search)
	if err != nil {
		return err
	}
	if *f.k < 1 {
		return Usage("--k %d: need at least 1", *f.k)
	}
	switch {
	case len(pos) == 1 && *f.labels == "":
		return Usage("one input needs --labels (label overlap); two give the neighbourhood overlap (see intdim overlap -h)")
	case len(pos) < 1 || len(pos) > 2:
		return Usage("want A [B], got %d inputs (see intdim overlap -h)", len(pos))
	}
	var b *pipeline.Source
	if len(pos) == 2 {
		s := pipeline.File(pos[1])
		b = &s
	}
	var y []int
	if *f.labels != "" {
		if y, err = pipeline.LoadLabels(*f.labels, 0); err != nil {
			return BadInput(err)
		}
	}
	doc, err := overlapDoc(pipeline.File(pos[0]), b, y, *f.labels, *f.k, m, sm)
	if err != nil {
		return err
	}
	return doc.Write(stdout, format)
}

// imbalanceDoc measures the imbalances of a and b (pipeline.Imbalance)
// and fills their document.
func imbalanceDoc(a, b pipeline.Source, m knn.Metric, s knn.SearchMode) (*result.Imbalance, error) {
	r, err := pipeline.Imbalance(a, b, geoOptions(m, s))
	if err != nil {
		return nil, BadInput(err)
	}
	doc := result.NewImbalance()
	doc.A, doc.B, doc.N, doc.DeltaAB, doc.DeltaBA = nameOf(a), nameOf(b), r.N, r.DeltaAB, r.DeltaBA
	return doc, nil
}

func runImbalance(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("imbalance", stderr)
	metric := fs.String("metric", "euclidean", "distance: euclidean or cosine")
	search := addSearchFlag(fs)
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
	sm, err := parseSearch(*search)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return Usage("want two inputs A B, got %d (see intdim imbalance -h)", len(pos))
	}
	doc, err := imbalanceDoc(pipeline.File(pos[0]), pipeline.File(pos[1]), m, sm)
	if err != nil {
		return err
	}
	return doc.Write(stdout, format)
}
