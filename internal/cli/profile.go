package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/profile"
	"github.com/intdim/intdim/tensorio"
)

func init() {
	Register(&Command{Name: "profile", Summary: "ID of every layer: one layer per array, file or directory entry", Run: runProfile})
}

func runProfile(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("profile", stderr)
	f := addEstimateFlags(fs, "twonn")
	noPCA := fs.Bool("no-pca", false, "skip the PC-ID of each layer")
	mem := addMemFlag(fs)
	model := fs.String("model", "", "profile a network: a directory written by 'intdim train' or a built-in name (mnist, mnist-shuffled, mnist-offset)")
	data := fs.String("data", "", "--model: test images (mnist-test, mnist-offset-test, fashion-test; default: the set the model was trained for)")
	untrained := fs.Bool("untrained", false, "--model: replace the weights by a fresh initialisation drawn with --seed")
	ox := registerONNXFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim profile [flags] INPUT...          each array of each INPUT is a layer, in order (a directory in natural name order)")
		fmt.Fprintln(stderr, "       intdim profile --model NAME|DIR [--n 2000] [--untrained] [flags]")
		fmt.Fprintln(stderr, "       intdim profile --onnx MODEL.onnx --images DIR [--n N] [flags]")
		fs.PrintDefaults()
	}
	pos, err := Parse(fs, args)
	if err != nil {
		return err
	}
	opt, err := f.options()
	if err != nil {
		return err
	}
	if opt.Method == "all" || opt.Method == "pca" {
		return Usage("--method %s: a profile takes one ID method (twonn, twonn-ml, gride or mle); PC-ID is always included", opt.Method)
	}
	b := profile.New(opt)
	if *noPCA {
		b.SkipPCA()
	}
	if *model != "" || ox.model != "" {
		if len(pos) > 0 || (*model != "" && ox.model != "") {
			return Usage("give either INPUT files, --model or --onnx")
		}
		bar := progress.New(stderr, 0, "layers", f.quiet)
		add := func(l profile.Layer) error {
			if err := checkResample(opt, l.Points.N(), mem.bytes); err != nil {
				return err
			}
			bar.Describe(l.Name)
			defer bar.Add(1)
			return b.Add(l) // l.Data is not kept
		}
		if *model != "" {
			return profileModel(*model, *data, ox.n, *untrained, f, b, stdout, stderr)
		} else {
			ox.seed, ox.quiet = f.seed, f.quiet
			if ox.listLayers {
				return listONNXLayers(ox, stdout)
			}
			// One layer at a time: the activations of a large network do
			// not all fit in memory as float64.
			if err := onnxEachLayer(ox, f.seed, f.quiet, stderr, add); err != nil {
				return BadInput(err)
			}
		}
		bar.Finish()
		return writeProfile(stdout, stderr, f.format, b.Profile())
	}
	if len(pos) == 0 {
		return Usage("no INPUT (see intdim profile -h)")
	}
	// Open every input first so that a bad file fails before any work.
	var arrays []*tensorio.Array
	stream := map[int]string{} // layers larger than memory, by position
	for _, spec := range pos {
		if mem.streamed(spec) {
			stream[len(arrays)] = spec
			arrays = append(arrays, &tensorio.Array{Name: strings.TrimSuffix(filepath.Base(spec), filepath.Ext(spec))})
			continue
		}
		as, err := tensorio.OpenWith(spec, tensorio.Options{MaxBytes: mem.bytes})
		if err != nil {
			return BadInput(err)
		}
		arrays = append(arrays, as...)
	}
	bar := progress.New(stderr, int64(len(arrays)), "layers", f.quiet)
	for i, a := range arrays {
		if path, ok := stream[i]; ok {
			bar.Describe(a.Name)
			o := b.Options()
			rep, pcid, err := estimateStreamed(path, mem, &o, b.PCA())
			if err != nil {
				return err
			}
			b.AddReport(a.Name, nil, rep, pcid)
			bar.Add(1)
			continue
		}
		if err := tensorio.CheckPoints(a); err != nil {
			return BadInput(err)
		}
		n, d, err := a.Matrix()
		if err != nil {
			return BadInput(err)
		}
		if err := checkResample(opt, n, mem.bytes); err != nil {
			return err
		}
		bar.Describe(a.Name)
		if err := b.Add(profile.Layer{Name: a.Name, Points: cloud.Must64(a.Data, n, d)}); err != nil {
			return BadInput(err)
		}
		arrays[i] = nil // free the activations
		bar.Add(1)
	}
	bar.Finish()
	return writeProfile(stdout, stderr, f.format, b.Profile())
}

// writeProfile prints the profile on w and every layer's warnings on
// stderr.
func writeProfile(w, stderr io.Writer, format string, p *profile.Profile) error {
	for _, l := range p.Layers {
		for _, msg := range l.Warnings {
			fmt.Fprintf(stderr, "intdim profile: warning: %s: %s\n", l.Name, msg)
		}
	}
	switch format {
	case "json":
		return writeJSON(w, p)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"index", "name", "rel_depth", "n", "dim", "id", "err", "pc_id", "method", "seed"})
		for _, l := range p.Layers {
			pc := ""
			if l.PCID != nil {
				pc = strconv.Itoa(*l.PCID)
			}
			cw.Write([]string{strconv.Itoa(l.Index), l.Name, ftoa(l.RelDepth), strconv.Itoa(l.N),
				strconv.Itoa(l.Dim), ftoa(l.ID), optF(l.Err), pc, p.Method, strconv.FormatUint(p.Seed, 10)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "layer\trel. depth\tpoints\tdim\tID (%s)\t± err\tPC-ID\t\n", p.Method)
	for _, l := range p.Layers {
		pc := "-"
		if l.PCID != nil {
			pc = strconv.Itoa(*l.PCID)
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%d\t%d\t%.2f\t%s\t%s\t\n", l.Name, l.RelDepth, l.N, l.Dim, l.ID, fmtErr(l.Err), pc)
	}
	return tw.Flush()
}
