package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"github.com/intdim/intdim/cloud"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/nn"
)

func init() {
	Register(&Command{Name: "train", Summary: "train a small network on MNIST (or a variant) in Go; optionally track layer IDs", Run: runTrain})
}

// mnistShape is the input shape of every MNIST network.
var mnistShape = nn.Shape{C: 1, H: mnist.Rows, W: mnist.Cols}

// loadData returns the training and test sets of a named data set:
// mnist, mnist-shuffled (training labels permuted with dataSeed),
// mnist-offset (offsets up to lambda drawn with dataSeed, and dataSeed+1 for
// the test set) or fashion.
func loadData(name string, dataSeed uint64, lambda float64) (train, test *mnist.Set, err error) {
	switch name {
	case "mnist":
		return mnist.Train(), mnist.Test(), nil
	case "mnist-shuffled":
		return mnist.ShuffleLabels(mnist.Train(), dataSeed), mnist.Test(), nil
	case "mnist-offset":
		return mnist.Offset(mnist.Train(), lambda, dataSeed), mnist.Offset(mnist.Test(), lambda, dataSeed+1), nil
	case "fashion":
		return mnist.Fashion("")
	}
	return nil, nil, Usage("unknown --data %q (want mnist, mnist-shuffled, mnist-offset or fashion)", name)
}

func dataset(s *mnist.Set) *nn.Dataset {
	return &nn.Dataset{X: s.Pixels, Y: s.Labels, N: s.N, Shape: mnistShape}
}

// parseSchedule reads "E1:LR1,E2:LR2": from epoch E (counted from 1) on,
// the learning rate is LR.
func parseSchedule(s string) (map[int]float64, error) {
	out := map[int]float64{}
	if s == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		e, l, ok := strings.Cut(part, ":")
		ep, err1 := strconv.Atoi(e)
		lr, err2 := strconv.ParseFloat(l, 64)
		if !ok || err1 != nil || err2 != nil || ep < 1 || !(lr > 0) {
			return nil, Usage("--lr-after %q: want EPOCH:LR,... (e.g. 40:0.01)", s)
		}
		out[ep] = lr
	}
	return out, nil
}

// trainRow is one line of the training log: after an epoch, or (with
// --track-id) at a point inside the first epoch.
type trainRow struct {
	Epoch     float64            `json:"epoch"` // fractional inside an epoch
	Step      int                `json:"step"`  // updates so far
	LR        float64            `json:"lr"`
	TrainLoss *float64           `json:"train_loss"`
	TrainAcc  *float64           `json:"train_accuracy"`
	TestLoss  float64            `json:"test_loss"`
	TestAcc   float64            `json:"test_accuracy"`
	Seconds   float64            `json:"seconds"`
	IDs       map[string]float64 `json:"ids,omitempty"`
}

type trainLog struct {
	Data   string     `json:"data"`
	Arch   string     `json:"arch"`
	Args   []string   `json:"args"`
	Layers []string   `json:"layers"`
	Rows   []trainRow `json:"rows"`
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("train", stderr)
	data := fs.String("data", "mnist", "data set: mnist, mnist-shuffled, mnist-offset or fashion")
	archS := fs.String("arch", "paper", "network: paper, mlp, or conv=C1,C2;hidden=H1,H2 (conv k3 → maxpool 2 → ReLU blocks, then dense ReLU layers)")
	epochs := fs.Int("epochs", 5, "passes over the training set")
	batch := fs.Int("batch", 64, "mini-batch size")
	lr := fs.Float64("lr", 0.01, "learning rate")
	lrAfter := fs.String("lr-after", "", "learning-rate steps EPOCH:LR,... (from that epoch on, counted from 1)")
	mom := fs.Float64("momentum", 0.9, "SGD momentum")
	wd := fs.Float64("weight-decay", 0, "L2 weight decay")
	optim := fs.String("optimizer", "sgd", "sgd (with --momentum) or adam (--lr is its step size, e.g. 0.001)")
	initDir := fs.String("init", "", "start from the weights (and architecture; --arch is ignored) of a model: a directory written by intdim train, a .safetensors file or a built-in name")
	seed := fs.Uint64("seed", 1, "seed of the initial weights and of the sample order")
	dataSeed := fs.Uint64("data-seed", 1, "seed of the shuffled labels or of the offsets")
	lambda := fs.Float64("lambda", mnist.DefaultLambda, "mnist-offset: offsets c ~ U(0, lambda) before min-max rescaling")
	subset := fs.Int("subset", 0, "train on the first N training images only (0: all)")
	testN := fs.Int("test-n", 0, "test accuracy on the first N test images only (0: all)")
	out := fs.String("out", "", "output directory (created): model.safetensors, log.json, log.csv")
	track := fs.Bool("track-id", false, "ID of every layer on the first --track-n test images after every epoch and 4 times in the first")
	trackN := fs.Int("track-n", 2000, "test images for --track-id")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	var format string
	addFormatFlag(fs, &format)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: intdim train --data mnist --arch paper --epochs 5 --out DIR [flags]")
		fs.PrintDefaults()
	}
	pos, err := parseFormat(fs, args, &format)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return Usage("unexpected argument %q", pos[0])
	}
	if *out == "" {
		return Usage("--out DIR is required")
	}
	if *epochs < 1 || *batch < 1 || !(*lr > 0) || *mom < 0 || *wd < 0 || *subset < 0 || *testN < 0 || *trackN < 3 || !(*lambda > 0) {
		return Usage("--epochs, --batch, --lr, --lambda must be positive; --momentum, --weight-decay, --subset non-negative; --track-n at least 3")
	}
	if *optim != "sgd" && *optim != "adam" {
		return Usage("unknown --optimizer %q (want sgd or adam)", *optim)
	}
	arch, err := nn.ParseArch(*archS)
	if err != nil {
		return Usage("--arch: %v", err)
	}
	sched, err := parseSchedule(*lrAfter)
	if err != nil {
		return err
	}
	trS, teS, err := loadData(*data, *dataSeed, *lambda)
	if err != nil {
		return BadInput(err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	train := dataset(trS).Subset(*subset)
	test := dataset(teS)
	trackSet := test
	test = test.Subset(*testN)
	net, err := arch.Build(mnistShape, 10, *seed)
	if err != nil {
		return Usage("--arch: %v", err)
	}
	net.Mean, net.Std = train.MeanStd()
	if *initDir != "" {
		// The architecture comes from the model; the normalisation is
		// that of the training set, as for a fresh network.
		if net, _, _, err = loadModel(*initDir); err != nil {
			return err
		}
		net.Mean, net.Std = train.MeanStd()
	}

	lg := &trainLog{Data: *data, Arch: arch.String(), Args: args, Layers: net.Names()}
	nTrack := min(*trackN, trackSet.N)
	trackX := trackSet.X[:nTrack*mnistShape.Size()]
	start := time.Now()
	ids := func() (map[string]float64, error) {
		if !*track {
			return nil, nil
		}
		m := map[string]float64{}
		for _, a := range net.Forward(trackX, nTrack) {
			x, err := cloud.New32(a.Data, nTrack, a.Shape.Size())
			if err != nil {
				return nil, err
			}
			rep, err := estimate.Points(x, &estimate.Options{Seed: 1})
			if err != nil {
				return nil, fmt.Errorf("ID of %s: %w", a.Name, err)
			}
			m[a.Name] = rep.Results[0].ID
		}
		return m, nil
	}
	meta := map[string]string{"data": *data, "args": strings.Join(args, " ")}
	save := func(row trainRow) error {
		meta["epochs"] = strconv.FormatFloat(row.Epoch, 'g', -1, 64)
		meta["test_accuracy"] = strconv.FormatFloat(row.TestAcc, 'g', -1, 64)
		if err := nn.SaveFile(filepath.Join(*out, "model.safetensors"), net, meta); err != nil {
			return err
		}
		return writeTrainLog(*out, lg)
	}
	batches := (train.N + *batch - 1) / *batch
	checkpoints := map[int]bool{}
	if *track {
		for _, f := range []float64{0.05, 0.1, 0.25, 0.5} {
			checkpoints[max(1, int(f*float64(batches)))] = true
		}
		row := trainRow{Epoch: 0, LR: *lr}
		row.TestAcc, row.TestLoss = net.Evaluate(test.X, test.Y, test.N)
		if row.IDs, err = ids(); err != nil {
			return err
		}
		lg.Rows = append(lg.Rows, row)
	}
	bar := progress.New(stderr, int64(*epochs*batches), "training", *quiet)
	curLR := *lr
	step := 0
	cfg := nn.Config{
		Epochs: *epochs, Batch: *batch, LR: *lr, Momentum: *mom, WeightDecay: *wd, Seed: *seed, Optimizer: *optim,
		LRAt: func(ep int) float64 {
			if v, ok := sched[ep+1]; ok {
				curLR = v
			}
			return curLR
		},
		OnBatch: func(ep, b, nb int) error {
			step++
			bar.Add(1)
			if ep == 0 && checkpoints[b] {
				row := trainRow{Epoch: float64(b) / float64(nb), Step: step, LR: curLR, Seconds: time.Since(start).Seconds()}
				row.TestAcc, row.TestLoss = net.Evaluate(test.X, test.Y, test.N)
				var err error
				if row.IDs, err = ids(); err != nil {
					return err
				}
				lg.Rows = append(lg.Rows, row)
			}
			return nil
		},
		OnEpoch: func(s nn.EpochStats) error {
			row := trainRow{Epoch: float64(s.Epoch), Step: step, LR: s.LR, TrainLoss: &s.TrainLoss, TrainAcc: &s.TrainAcc,
				TestLoss: s.TestLoss, TestAcc: s.TestAcc, Seconds: time.Since(start).Seconds()}
			var err error
			if row.IDs, err = ids(); err != nil {
				return err
			}
			lg.Rows = append(lg.Rows, row)
			bar.Describe(fmt.Sprintf("epoch %d: train %.4f test %.4f", s.Epoch, s.TrainAcc, s.TestAcc))
			if !*quiet {
				fmt.Fprintf(stderr, "epoch %d  lr %g  train loss %.4f acc %.4f  test loss %.4f acc %.4f  (%.0f s)\n",
					s.Epoch, s.LR, s.TrainLoss, s.TrainAcc, s.TestLoss, s.TestAcc, row.Seconds)
			}
			return save(row)
		},
	}
	if _, err := nn.Train(net, train, test, cfg); err != nil {
		return err
	}
	bar.Finish()
	return writeTrainSummary(stdout, format, lg)
}

func writeTrainLog(dir string, lg *trainLog) error {
	if err := atomicfile.WriteFile(filepath.Join(dir, "log.json"), func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(lg)
	}); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "log.csv"), func(w io.Writer) error {
		return writeTrainCSV(w, lg)
	})
}

func writeTrainCSV(w io.Writer, lg *trainLog) error {
	cw := csv.NewWriter(w)
	head := []string{"epoch", "step", "lr", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds"}
	for _, l := range lg.Layers {
		head = append(head, "id_"+l)
	}
	cw.Write(head)
	for _, r := range lg.Rows {
		rec := []string{ftoa(r.Epoch), strconv.Itoa(r.Step), ftoa(r.LR), optF(r.TrainLoss), optF(r.TrainAcc),
			ftoa(r.TestLoss), ftoa(r.TestAcc), strconv.FormatFloat(r.Seconds, 'f', 1, 64)}
		for _, l := range lg.Layers {
			if v, ok := r.IDs[l]; ok {
				rec = append(rec, ftoa(v))
			} else {
				rec = append(rec, "")
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

func writeTrainSummary(w io.Writer, format string, lg *trainLog) error {
	switch format {
	case "json":
		return writeJSON(w, lg)
	case "csv":
		return writeTrainCSV(w, lg)
	}
	last := lg.Rows[len(lg.Rows)-1]
	fmt.Fprintf(w, "%s on %s: %g epochs, train accuracy %s, test accuracy %.4f\n", lg.Arch, lg.Data, last.Epoch, optF(last.TrainAcc), last.TestAcc)
	if last.IDs != nil {
		for _, l := range lg.Layers {
			fmt.Fprintf(w, "  %-8s ID %.2f\n", l, last.IDs[l])
		}
	}
	return nil
}
