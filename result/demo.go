package result

import (
	"github.com/intdim/intdim/study"
)

// Kinds of the documents whose types live with their computation: they
// carry their "kind" (and, from version 1, "version") themselves.
const (
	KindAccuracyStudy Kind = "accuracy-study" // intdim study accuracy: study.Accuracy
	KindLinearize     Kind = "linearize"      // intdim linearize: study.Linearization
	KindFit           Kind = "twonn-fit"      // intdim plot --fit: plot.FitData
	KindTrainLog      Kind = "train-log"      // intdim train's log.json: nn.Log
)

// Demo is the document of 'intdim demo', demo.json: the ID profile of each
// network, the PCA spectra of the trained network's layers and the TwoNN
// fit of each input (study.RunDemo).
type Demo struct {
	Header
	*study.Demo
}

// NewDemo returns the document of d.
func NewDemo(d *study.Demo) *Demo {
	return &Demo{Header: Header{Kind: KindDemo, Version: Version}, Demo: d}
}
