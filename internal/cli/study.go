package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/plot"
	"github.com/intdim/intdim/report"
	"github.com/intdim/intdim/study"
)

func init() {
	Register(&Command{Name: "study", Summary: "studies: 'study accuracy' (last-hidden-layer ID against test accuracy, paper Fig. 4)", Run: runStudy})
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func runStudy(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("study", stderr)
	var from, nets listFlag
	fs.Var(&from, "from", "finished profiles with accuracies instead of training: demo JSON, profile --model JSON, or profile JSON with \"test_accuracy\" (repeatable; more files may follow)")
	accs := fs.String("accuracy", "", "--from: test accuracies (0-1), in order, of the models whose JSON has none")
	layer := fs.String("layer", "", "layer to measure (default: the last hidden layer, before the output)")
	fs.Var(&nets, "net", "train this network instead of the default family: NAME:ARCH:EPOCHS[:TRAIN_IMAGES], ARCH as in intdim train --arch (repeatable)")
	data := fs.String("data", "auto", "data sets, comma-separated: mnist, fashion (Fashion-MNIST from "+mnist.FashionDir+"); auto: mnist, and fashion when installed")
	points := fs.Int("points", 2000, "test images whose last-hidden-layer ID is measured")
	resample := fs.Int("resample", 20, "resamplings for the ID's error bar")
	fraction := fs.Float64("fraction", 0.9, "size of each resampling, as a fraction of --points")
	lr := fs.Float64("lr", 0.01, "SGD learning rate")
	seed := fs.Uint64("seed", 1, "seed of the weights, the sample order and the resamplings")
	threads := fs.Int("threads", 0, "ID threads (0: all cores)")
	out := fs.String("out", "", "also draw the scatter: FIG.png or FIG.svg")
	rep := fs.String("report", "", "also write an HTML report")
	save := fs.String("save", "", "also write the study's JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim study accuracy [--net NAME:ARCH:EPOCHS[:N]]... [--out FIG.png] [--report R.html]")
		fmt.Fprintln(stderr, "       intdim study accuracy --from demo.json [MORE.json...] [--accuracy 0.98,...]")
		fmt.Fprintln(stderr, "Trains a family of MLPs and CNNs (default: ten on MNIST, and ten on Fashion-MNIST when installed;")
		fmt.Fprintln(stderr, "about 12 minutes per data set, 23 for both, measured on 2 shared cores), measures each one's test")
		fmt.Fprintln(stderr, "accuracy and the TwoNN ID of its last hidden layer, and reports Pearson's r and p.")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if len(pos) == 0 || pos[0] != "accuracy" {
		return Usage("want a study: intdim study accuracy (see intdim study -h)")
	}
	if len(pos) > 1 && len(from) == 0 {
		return Usage("unexpected argument %q (files go after --from)", pos[1])
	}
	from = append(from, pos[1:]...)
	if *out != "" {
		if _, err := plot.Format(*out); err != nil {
			return Usage("--out %v", err)
		}
	}
	var a *study.Accuracy
	if len(from) > 0 {
		if len(nets) > 0 {
			return Usage("--from and --net exclude each other")
		}
		if a, err = accuracyFromFiles(from, *accs, *layer); err != nil {
			return err
		}
	} else {
		if *accs != "" || *layer != "" {
			return Usage("--accuracy and --layer go with --from")
		}
		if *points < 3 || *resample < 1 || !(*fraction > 0 && *fraction <= 1) || !(*lr > 0) {
			return Usage("--points ≥ 3, --resample ≥ 1, --fraction in (0, 1] and --lr > 0, please")
		}
		specs := study.DefaultFamily()
		if len(nets) > 0 {
			specs = nil
			for _, s := range nets {
				sp, err := study.ParseSpec(s)
				if err != nil {
					return Usage("--net: %v", err)
				}
				specs = append(specs, sp)
			}
		}
		sets := strings.Split(*data, ",")
		if *data == "auto" {
			sets = []string{"mnist"}
			if _, err := os.Stat(mnist.FashionDir); err == nil {
				sets = append(sets, "fashion")
			}
		}
		var parts []*study.Accuracy
		for _, set := range sets {
			p, err := trainFamily(specs, strings.TrimSpace(set), *points, *resample, *fraction, *lr, *seed, *threads, *quiet, stderr)
			if err != nil {
				return err
			}
			parts = append(parts, p)
		}
		a = study.Merge(parts...)
	}
	for _, w := range a.Warnings {
		fmt.Fprintf(stderr, "intdim study: warning: %s\n", w)
	}
	if *out != "" {
		if err := plot.Accuracy(a).Save(*out); err != nil {
			return err
		}
	}
	if *save != "" {
		if err := atomicfile.WriteFile(*save, func(w io.Writer) error { return writeJSON(w, a) }); err != nil {
			return err
		}
	}
	if *rep != "" {
		var buf strings.Builder
		if err := writeJSON(&buf, a); err != nil {
			return err
		}
		report.Version = Version
		docs := []plot.Doc{{Name: "study accuracy", Data: []byte(buf.String())}}
		if err := report.WriteDocs(*rep, docs, &report.Options{Title: "intdim study accuracy", Time: time.Now()}); err != nil {
			return err
		}
	}
	return writeAccuracy(stdout, format, a)
}

// accuracyFromFiles reads finished profiles: every model of every file.
func accuracyFromFiles(files []string, accs, layer string) (*study.Accuracy, error) {
	var models []study.Model
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, BadInput(err)
		}
		ms, err := plot.Models(plot.Doc{Name: f, Data: b})
		if err != nil {
			return nil, BadInput(fmt.Errorf("%s: %v", f, err))
		}
		models = append(models, ms...)
	}
	if accs != "" {
		var vals []float64
		for _, s := range strings.Split(accs, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || !(v >= 0 && v <= 1) {
				return nil, Usage("--accuracy %q: want accuracies in [0, 1] separated by commas", accs)
			}
			vals = append(vals, v)
		}
		k := 0
		for i := range models {
			if models[i].TestAccuracy == nil {
				if k == len(vals) {
					return nil, Usage("--accuracy gives %d values for more models without one", len(vals))
				}
				models[i].TestAccuracy = &vals[k]
				k++
			}
		}
		if k != len(vals) {
			return nil, Usage("--accuracy gives %d values for %d models without one", len(vals), k)
		}
	}
	a, err := study.FromModels(models, layer)
	if err != nil {
		return nil, BadInput(fmt.Errorf("%s: %v (add \"test_accuracy\" to the JSON or use --accuracy)", strings.Join(files, ", "), err))
	}
	return a, nil
}

func trainFamily(specs []study.Spec, data string, points, resample int, fraction, lr float64, seed uint64, threads int, quiet bool, stderr io.Writer) (*study.Accuracy, error) {
	if data != "mnist" && data != "fashion" {
		return nil, Usage("unknown --data %q (want mnist, fashion or auto)", data)
	}
	trS, teS, err := mnist.Load(data, 1, mnist.DefaultLambda)
	if err != nil {
		return nil, BadInput(err)
	}
	train, test := dataset(trS), dataset(teS)
	bar := progress.New(stderr, 0, "study", quiet)
	start := time.Now()
	a, err := study.Train(specs, study.TrainOptions{
		Dataset: data, Train: train, Test: test, Points: points, Resample: resample, Fraction: fraction,
		LR: lr, Seed: seed, Threads: threads, Progress: bar.Set,
		OnStart: func(i int, s study.Spec) {
			bar.Describe(fmt.Sprintf("training %s on %s (%d/%d)", s.Name, data, i+1, len(specs)))
		},
		OnDone: func(i int, n study.Network) {
			if !quiet {
				fmt.Fprintf(stderr, "intdim study: %s on %s: test accuracy %.4f, %s ID %.2f ± %s (%.0f s)\n",
					n.Name, data, n.TestAccuracy, n.Layer, n.ID, fmtErr(n.Err), time.Since(start).Seconds())
			}
		},
	})
	bar.Finish()
	if err != nil {
		return nil, err
	}
	return a, nil
}

func writeAccuracy(w io.Writer, format string, a *study.Accuracy) error {
	switch format {
	case "json":
		return writeJSON(w, a)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"network", "family", "dataset", "width", "depth", "epochs", "params", "test_accuracy", "layer", "dim", "id", "err"})
		for _, n := range a.Networks {
			cw.Write([]string{n.Name, n.Family, n.Dataset, strconv.Itoa(n.Width), strconv.Itoa(n.Depth), strconv.Itoa(n.Epochs),
				strconv.Itoa(n.Params), ftoa(n.TestAccuracy), n.Layer, strconv.Itoa(n.Dim), ftoa(n.ID), optF(n.Err)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "network\tdata\tfamily\twidth\tdepth\tepochs\tparams\ttest acc.\tlayer\tdim\tID\t± err")
	for _, n := range a.Networks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f %%\t%s\t%d\t%.2f\t%s\n", n.Name, dash(n.Dataset), dash(n.Family), dashInt(n.Width), dashInt(n.Depth),
			dashInt(n.Epochs), dashInt(n.Params), 100*n.TestAccuracy, n.Layer, n.Dim, n.ID, fmtErr(n.Err))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range a.ByDataset {
		if c := d.Pearson; c != nil {
			fmt.Fprintf(w, "%s: Pearson r = %.3f, p = %.3g (two-sided, t = %.2f, %d networks)\n", d.Dataset, c.R, c.P, c.T, c.N)
		}
	}
	if c := a.Pearson; c != nil {
		what := ""
		if len(a.ByDataset) > 1 {
			what = "pooled: "
		}
		fmt.Fprintf(w, "%sPearson r = %.3f (last-hidden-layer ID against test error), p = %.3g (two-sided, t = %.2f, %d networks)\n", what, c.R, c.P, c.T, c.N)
	}
	return nil
}

// dash and dashInt print unknown (empty or zero) values as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dashInt(v int) string {
	if v == 0 {
		return "-"
	}
	return strconv.Itoa(v)
}
