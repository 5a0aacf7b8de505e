package nn

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/intdim/intdim/cloud"
	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/atomicfile"
)

// LogRow is one line of a training log: after an epoch, or, when IDs are
// tracked, before training and at points inside the first epoch.
type LogRow struct {
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

// Log is the training log Run writes as log.json (and, one row per line,
// log.csv).
type Log struct {
	Kind    string   `json:"kind"`    // LogKind
	Version int      `json:"version"` // LogVersion
	Data    string   `json:"data"`
	Arch    string   `json:"arch"`
	Args    []string `json:"args"`
	Layers  []string `json:"layers"`
	Rows    []LogRow `json:"rows"`
}

// LogKind and LogVersion are the kind and version of a Log document (the
// document model of package result, which holds them equal to its own).
const (
	LogKind    = "train-log"
	LogVersion = 1
)

// RunConfig configures Run.
type RunConfig struct {
	// Config is the optimisation; its LRAt and callbacks are set by Run.
	Config
	// Arch is the network trained, initialised from Config.Seed; when Init
	// is not nil, training starts from Init's weights and architecture
	// instead.
	Arch Arch
	Init *Net
	// Classes is the number of outputs; 0 means 10.
	Classes int
	// Schedule steps the learning rate: from epoch E (counted from 1) on,
	// it is Schedule[E].
	Schedule map[int]float64
	// Dir, when not empty, receives a checkpoint after every epoch:
	// model.safetensors (with Meta, the data set, the epochs and the test
	// accuracy in its metadata), log.json and log.csv, the three replaced
	// together or not at all (atomicfile.WriteAll). Dir is created at the
	// first checkpoint, so a run that fails before leaves nothing behind;
	// a Dir that exists and is not a directory is refused before training.
	Dir  string
	Meta map[string]string
	// Data and Args are recorded in the log.
	Data string
	Args []string
	// TrackN > 0 measures the TwoNN ID (estimate.Points, seed 1) of every
	// layer on the first TrackN samples of Track (the test set when nil)
	// before training, at 5, 10, 25 and 50 % of the first epoch and after
	// every epoch (Ansuini et al. 2019, Figure 5A).
	TrackN int
	Track  *Dataset
	// MaxBytes, when positive, refuses (before building anything) a
	// network whose TrainBytes exceed it.
	MaxBytes float64
	// Progress, if not nil, is called after every update with the updates
	// done and the total. OnEpoch, if not nil, is called with every
	// epoch's log row after its checkpoint.
	Progress func(done, total int)
	OnEpoch  func(row LogRow)
}

// ErrTooLarge is wrapped by the error Run returns for a network whose
// training would need more memory than RunConfig.MaxBytes.
var ErrTooLarge = errors.New("network too large")

// trackAt are the fractions of the first epoch at which IDs are tracked.
var trackAt = []float64{0.05, 0.1, 0.25, 0.5}

// Run trains a network as Train does, with a learning-rate schedule,
// checkpoints and a log, and returns the network and its log. It stops with
// an error wrapping ErrDiverged, before writing the epoch's checkpoint, when
// the loss or a weight stops being finite; the checkpoints of earlier epochs
// stay as they were.
func Run(train, test *Dataset, rc RunConfig) (*Net, *Log, error) {
	if rc.Classes == 0 {
		rc.Classes = 10
	}
	if rc.Batch == 0 {
		rc.Batch = 64
	}
	if rc.LR == 0 {
		rc.LR = 0.01
	}
	arch := rc.Arch
	if rc.Init != nil {
		arch = rc.Init.Arch
	}
	track := rc.Track
	if track == nil {
		track = test
	}
	nTrack := 0
	if rc.TrackN > 0 {
		nTrack = min(rc.TrackN, track.N)
		if nTrack < 3 {
			return nil, nil, fmt.Errorf("tracking IDs on %d samples: at least 3 are needed", nTrack)
		}
	}
	if rc.Dir != "" {
		if st, err := os.Stat(rc.Dir); err == nil && !st.IsDir() {
			return nil, nil, fmt.Errorf("%s: exists and is not a directory", rc.Dir)
		}
	}
	if rc.MaxBytes > 0 {
		need, err := arch.TrainBytes(train.Shape, rc.Classes, rc.Batch, max(nTrack, evalChunk))
		if err != nil {
			return nil, nil, err
		}
		if need > rc.MaxBytes {
			return nil, nil, fmt.Errorf("%w: %s with batch %d needs about %s of memory to train, more than the budget of %s",
				ErrTooLarge, arch, rc.Batch, FormatBytes(need), FormatBytes(rc.MaxBytes))
		}
	}
	net := rc.Init
	if net == nil {
		var err error
		if net, err = arch.Build(train.Shape, rc.Classes, rc.Seed); err != nil {
			return nil, nil, err
		}
	}
	// The input normalisation is the training set's, also when starting
	// from another network's weights.
	net.Mean, net.Std = train.MeanStd()

	lg := &Log{Kind: LogKind, Version: LogVersion, Data: rc.Data, Arch: arch.String(), Args: rc.Args, Layers: net.Names()}
	start := time.Now()
	ids := func() (map[string]float64, error) {
		if nTrack == 0 {
			return nil, nil
		}
		return LayerIDs(net, track.X[:nTrack*track.Shape.Size()], nTrack)
	}
	evaluate := func(row *LogRow) {
		if test != nil {
			row.TestAcc, row.TestLoss = net.Evaluate(test.X, test.Y, test.N)
		}
	}
	meta := map[string]string{}
	for k, v := range rc.Meta {
		meta[k] = v
	}
	meta["data"] = rc.Data
	save := func(row LogRow) error {
		if rc.Dir == "" {
			return nil
		}
		meta["epochs"] = strconv.FormatFloat(row.Epoch, 'g', -1, 64)
		meta["test_accuracy"] = strconv.FormatFloat(row.TestAcc, 'g', -1, 64)
		var model bytes.Buffer
		if err := Save(&model, net, meta); err != nil {
			return err
		}
		files, err := lg.files(rc.Dir)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(rc.Dir, 0o755); err != nil {
			return err
		}
		// The checkpoint's three files change together or not at all.
		return atomicfile.WriteAll(append(files, atomicfile.File{Path: filepath.Join(rc.Dir, "model.safetensors"), Data: model.Bytes()}))
	}

	batches := (train.N + rc.Batch - 1) / rc.Batch
	checkpoints := map[int]bool{}
	if nTrack > 0 {
		for _, f := range trackAt {
			checkpoints[max(1, int(f*float64(batches)))] = true
		}
		row := LogRow{Epoch: 0, LR: rc.LR}
		evaluate(&row)
		var err error
		if row.IDs, err = ids(); err != nil {
			return nil, nil, err
		}
		lg.Rows = append(lg.Rows, row)
	}
	cfg := rc.Config
	curLR := rc.LR
	cfg.LRAt = func(ep int) float64 {
		if v, ok := rc.Schedule[ep+1]; ok {
			curLR = v
		}
		return curLR
	}
	step, total := 0, rc.Epochs*batches
	cfg.OnBatch = func(ep, b, nb int) error {
		step++
		if rc.Progress != nil {
			rc.Progress(step, total)
		}
		if ep == 0 && checkpoints[b] {
			row := LogRow{Epoch: float64(b) / float64(nb), Step: step, LR: curLR, Seconds: time.Since(start).Seconds()}
			evaluate(&row)
			var err error
			if row.IDs, err = ids(); err != nil {
				return err
			}
			lg.Rows = append(lg.Rows, row)
		}
		return nil
	}
	cfg.OnEpoch = func(s EpochStats) error {
		row := LogRow{Epoch: float64(s.Epoch), Step: step, LR: s.LR, TrainLoss: &s.TrainLoss, TrainAcc: &s.TrainAcc,
			TestLoss: s.TestLoss, TestAcc: s.TestAcc, Seconds: time.Since(start).Seconds()}
		var err error
		if row.IDs, err = ids(); err != nil {
			return err
		}
		lg.Rows = append(lg.Rows, row)
		if err := save(row); err != nil {
			return err
		}
		if rc.OnEpoch != nil {
			rc.OnEpoch(row)
		}
		return nil
	}
	hist, err := Train(net, train, test, cfg)
	if err != nil {
		if errors.Is(err, ErrDiverged) && rc.Dir != "" {
			if len(hist) == 0 {
				err = fmt.Errorf("%w; nothing was written", err)
			} else {
				err = fmt.Errorf("%w; %s holds the checkpoint of epoch %d", err, rc.Dir, len(hist))
			}
		}
		return nil, nil, err
	}
	return net, lg, nil
}

// LayerIDs returns the TwoNN ID (estimate.Points with its defaults and seed
// 1) of the input and of every named layer of net on n samples of x.
func LayerIDs(net *Net, x []float32, n int) (map[string]float64, error) {
	m := map[string]float64{}
	for _, a := range net.Forward(x, n) {
		v, err := cloud.New32(a.Data, n, a.Shape.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Name, err)
		}
		rep, err := estimate.Points(v, &estimate.Options{Seed: 1})
		if err != nil {
			return nil, fmt.Errorf("ID of %s: %w", a.Name, err)
		}
		m[a.Name] = rep.Results[0].ID
	}
	return m, nil
}

// WriteDir writes lg into dir as log.json and log.csv, each atomically.
func (lg *Log) WriteDir(dir string) error {
	files, err := lg.files(dir)
	if err != nil {
		return err
	}
	return atomicfile.WriteAll(files)
}

// files renders dir/log.json and dir/log.csv.
func (lg *Log) files(dir string) ([]atomicfile.File, error) {
	var js, cs bytes.Buffer
	e := json.NewEncoder(&js)
	e.SetIndent("", "  ")
	if err := e.Encode(lg); err != nil {
		return nil, err
	}
	if err := lg.WriteCSV(&cs); err != nil {
		return nil, err
	}
	return []atomicfile.File{{Path: filepath.Join(dir, "log.json"), Data: js.Bytes()}, {Path: filepath.Join(dir, "log.csv"), Data: cs.Bytes()}}, nil
}

// WriteCSV writes one row per line: epoch, step, lr, train_loss,
// train_accuracy, test_loss, test_accuracy, seconds and id_LAYER for every
// layer (empty where not measured).
func (lg *Log) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"epoch", "step", "lr", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds"}
	for _, l := range lg.Layers {
		head = append(head, "id_"+l)
	}
	cw.Write(head)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return f(*p)
	}
	for _, r := range lg.Rows {
		rec := []string{f(r.Epoch), strconv.Itoa(r.Step), f(r.LR), opt(r.TrainLoss), opt(r.TrainAcc),
			f(r.TestLoss), f(r.TestAcc), strconv.FormatFloat(r.Seconds, 'f', 1, 64)}
		for _, l := range lg.Layers {
			if v, ok := r.IDs[l]; ok {
				rec = append(rec, f(v))
			} else {
				rec = append(rec, "")
			}
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// FormatBytes writes a size as "812 MB" or "1.2 TB" (powers of 1000).
func FormatBytes(b float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	if b >= 100 || i == 0 {
		return fmt.Sprintf("%.0f %s", b, units[i])
	}
	return fmt.Sprintf("%.3g %s", b, units[i])
}
