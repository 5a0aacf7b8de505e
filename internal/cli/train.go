package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/intdim/intdim/data/mnist"
	"github.com/intdim/intdim/internal/progress"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/nn"
	"github.com/intdim/intdim/nn/zoo"
)

func init() {
	Register(&Command{Name: "train", Summary: "train a small network on MNIST (or a variant) in Go; optionally track layer IDs", Run: runTrain})
}

// mnistShape is the input shape of every MNIST network.
var mnistShape = nn.Shape{C: 1, H: mnist.Rows, W: mnist.Cols}

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
		if !ok || err1 != nil || err2 != nil || ep < 1 || !(lr > 0) || math.IsInf(lr, 1) {
			return nil, Usage("--lr-after %q: want EPOCH:LR,... (e.g. 40:0.01)", s)
		}
		out[ep] = lr
	}
	return out, nil
}

func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := NewFlagSet("train", stderr)
	data := fs.String("data", "mnist", "data set: mnist, mnist-shuffled, mnist-offset or fashion")
	archS := fs.String("arch", "paper", "network: paper, mlp, or conv=C1,C2;hidden=H1,H2 (conv k3 → maxpool 2 → ReLU blocks, then dense ReLU layers); refused when training it would need more than half the memory")
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
	out := fs.String("out", "", "output directory: model.safetensors, log.json and log.csv, written after every epoch (created at the first; a run that fails before writes nothing)")
	track := fs.Bool("track-id", false, "ID of every layer on the first --track-n test images before training, at 5, 10, 25 and 50 % of the first epoch and after every epoch")
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
	if *epochs < 1 || *batch < 1 || !(*lr > 0) || !(*mom >= 0) || !(*wd >= 0) || *subset < 0 || *testN < 0 || *trackN < 3 || !(*lambda > 0) {
		return Usage("--epochs, --batch, --lr, --lambda must be positive; --momentum, --weight-decay, --subset non-negative; --track-n at least 3")
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"--lr", *lr}, {"--momentum", *mom}, {"--weight-decay", *wd}, {"--lambda", *lambda}} {
		if math.IsInf(v.v, 0) {
			return Usage("%s %g: want a finite value", v.name, v.v)
		}
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
	if st, err := os.Stat(*out); err == nil && !st.IsDir() {
		return Usage("--out %s: exists and is not a directory", *out)
	}
	trS, teS, err := mnist.Load(*data, *dataSeed, *lambda)
	if err != nil {
		return BadInput(fmt.Errorf("--data: %w", err))
	}
	train := dataset(trS).Subset(*subset)
	test := dataset(teS)
	rc := nn.RunConfig{
		Config: nn.Config{Epochs: *epochs, Batch: *batch, LR: *lr, Momentum: *mom, WeightDecay: *wd, Seed: *seed, Optimizer: *optim},
		Arch:   arch, Schedule: sched, Dir: *out, Data: *data, Args: args,
		Meta:     map[string]string{"args": strings.Join(args, " ")},
		Track:    test,
		MaxBytes: float64(knn.DefaultMemBudget()),
	}
	if *track {
		rc.TrackN = *trackN
	}
	if *initDir != "" {
		// The architecture comes from the model; the normalisation is
		// that of the training set, as for a fresh network.
		m, err := zoo.Open(*initDir)
		if err != nil {
			return BadInput(fmt.Errorf("--init: %w", err))
		}
		rc.Init = m.Net
	}
	bar := progress.New(stderr, int64(*epochs*((train.N+*batch-1) / *batch)), "training", *quiet)
	rc.Progress = func(done, total int) { bar.Add(1) }
	rc.OnEpoch = func(r nn.LogRow) {
		bar.Describe(fmt.Sprintf("epoch %g: train %.4f test %.4f", r.Epoch, *r.TrainAcc, r.TestAcc))
		if !*quiet {
			fmt.Fprintf(stderr, "epoch %g  lr %g  train loss %.4f acc %.4f  test loss %.4f acc %.4f  (%.0f s)\n",
				r.Epoch, r.LR, *r.TrainLoss, *r.TrainAcc, r.TestLoss, r.TestAcc, r.Seconds)
		}
	}
	_, lg, err := nn.Run(train, test.Subset(*testN), rc)
	bar.Finish()
	if err != nil {
		if errors.Is(err, nn.ErrDiverged) {
			return fmt.Errorf("%w (try a smaller --lr)", err)
		}
		if errors.Is(err, nn.ErrTooLarge) {
			return Usage("--arch, --batch: %v", err)
		}
		return err
	}
	return writeTrainSummary(stdout, format, lg)
}

func writeTrainSummary(w io.Writer, format string, lg *nn.Log) error {
	switch format {
	case "json":
		return writeJSON(w, lg)
	case "csv":
		return lg.WriteCSV(w)
	}
	last := lg.Rows[len(lg.Rows)-1]
	fmt.Fprintf(w, "%s on %s: %s, train accuracy %s, test accuracy %.4f\n", lg.Arch, lg.Data, plural(last.Epoch, "epoch"), optF(last.TrainAcc), last.TestAcc)
	if last.IDs != nil {
		for _, l := range lg.Layers {
			fmt.Fprintf(w, "  %-8s ID %.2f\n", l, last.IDs[l])
		}
	}
	return nil
}

// plural writes "1 epoch", "2 epochs", "0.5 epochs".
func plural(v float64, unit string) string {
	if v == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%g %ss", v, unit)
}
