package cli

import (
	"flag"
	"slices"
	"strings"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/pipeline"
)

// inputFlags are the flags that say how arrays become point clouds
// (pipeline.Options.Tokens, LayerAxis, Labels).
type inputFlags struct {
	tokens, labels string
	layerAxis      int
}

func addInputFlags(fs *flag.FlagSet, layerAxis bool) *inputFlags {
	in := &inputFlags{layerAxis: -1}
	fs.StringVar(&in.tokens, "tokens", "flatten", "rank-3 arrays [N, T, D]: flatten (N points of T·D), first or last token, mean over tokens (N×D), or all (N·T points)")
	fs.StringVar(&in.labels, "labels", "", "class labels of the N points: FILE (.npy), FILE:NAME (.npz member, .pt entry); integers; the JSON reports n_classes")
	if layerAxis {
		fs.IntVar(&in.layerAxis, "layer-axis", -1, "0: each array [L, N, ...] is L layers NAME.0 ... NAME.L-1 (torch.stack(hidden_states))")
	}
	return in
}

// given returns the input flags set on the command line, as "--name".
func (in *inputFlags) given(fs *flag.FlagSet) []string {
	var set []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "tokens", "labels", "layer-axis":
			set = append(set, "--"+f.Name)
		}
	})
	return set
}

// apply sets the options of the flags in o; classes is the number of
// distinct labels (0 without --labels).
func (in *inputFlags) apply(o *pipeline.Options) (classes int, err error) {
	if !slices.Contains(cloud.TokenModes, in.tokens) {
		return 0, Usage("--tokens %q: want %s", in.tokens, strings.Join(cloud.TokenModes, ", "))
	}
	switch in.layerAxis {
	case -1:
	case 0:
		o.LayerAxis = true
	default:
		return 0, Usage("--layer-axis %d: only 0 (layers stacked first, [L, N, ...]) is read", in.layerAxis)
	}
	o.Tokens = in.tokens
	if in.labels == "" {
		return 0, nil
	}
	o.LabelsFrom = in.labels
	if o.Labels, err = pipeline.LoadLabels(in.labels, o.Mem); err != nil {
		return 0, BadInput(err)
	}
	return pipeline.Classes(o.Labels), nil
}
