package plan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/bytesize"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/tensorio"
)

// MakeOptions says how to cut a profile: into Tasks tasks of about equal
// cost (0: one task per layer); TaskMem, when positive, is the memory a
// task may use (TaskMemory), checked for every task. Every input file is
// recorded with its size and CRC-32C, which run-task and merge check
// (Verify), and with its SHA-256 too when SHA256 (a name of its contents
// for the record, sha256sum's; ≈ 0.75 CPU s per GB here, the plan's
// largest cost after the layers' reading and projection).
// Args and Mem are recorded in the plan (Plan.Args, Plan.Mem). Out is the
// path the plan will be written to: with it, the strip index of every
// pruned layer (knn.StripIndex) is written beside it as the layer is read
// (StripPath), and the layer is cut into pruned strips; without, pruned
// layers are cut into blocks.
type MakeOptions struct {
	Tasks   int
	TaskMem int64
	Args    []string
	Mem     int64
	Out     string
	SHA256  bool
}

// Make reads every input (checksums, and each layer prepared as the
// profile prepares it: the rows to search once duplicates are collapsed)
// and cuts the layers' searches into tasks. popt is the profile's
// pipeline options (Search and Only are set here); noPCA does not matter
// to the cut (PC-ID is computed when merging).
func Make(specs []string, popt pipeline.Options, mo MakeOptions) (p *Plan, err error) {
	var written []string // strip indexes written so far, removed if Make fails
	defer func() {
		if err != nil {
			for _, f := range written {
				os.Remove(f)
			}
		}
	}()
	if popt.Mem <= 0 {
		popt.Mem = knn.DefaultMemBudget()
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	p = &Plan{Kind: Kind, Version: Version, Dir: wd, Args: mo.Args, Mem: popt.Mem}
	if p.Args == nil {
		p.Args = []string{}
	}
	// The inputs' checksums: of a file the layer is mapped from, taken
	// where the layer is loaded, with its finiteness (sumMapped), unless
	// the SHA-256 is wanted too; of every other file, before the layers
	// are read (sumFile), as the checksum must be of the bytes the plan's
	// layers come from: one taken after would record a file changed while
	// the plan was made with the new bytes' checksum, and Verify would
	// accept it.
	pending := map[string][]*File{}
	for _, spec := range specs {
		files, err := tensorio.Files(spec)
		if err != nil {
			return nil, err
		}
		in := Input{Spec: spec}
		for _, f := range files {
			abs, err := filepath.Abs(f)
			if err != nil {
				return nil, err
			}
			in.Files = append(in.Files, File{Path: abs})
		}
		p.Inputs = append(p.Inputs, in)
	}
	for i := range p.Inputs {
		for j := range p.Inputs[i].Files {
			f := &p.Inputs[i].Files[j]
			pending[f.Path] = append(pending[f.Path], f)
		}
	}
	for path, fs := range pending {
		if !mo.SHA256 && tensorio.MayMap(path) {
			continue // summed where it is loaded (sumMapped)
		}
		if err := sumInto(path, fs, mo.SHA256); err != nil {
			return nil, err
		}
		delete(pending, path)
	}
	if !mo.SHA256 {
		popt.Loaded = func(_ int, a *tensorio.Array) error {
			path, err := filepath.Abs(a.Source)
			if err != nil || len(pending[path]) == 0 {
				return nil
			}
			h, finite, ok := sumMapped(a, path)
			if !ok {
				return nil
			}
			if x, err := a.Points(); err == nil && finite {
				x.MarkFinite() // checked: CheckPoints does not scan it again
			}
			for _, f := range pending[path] {
				*f = h
			}
			delete(pending, path)
			return nil
		}
	}
	var inputs []int
	elem := map[int]int{}
	popt.Only = func(layer, spec int) bool {
		inputs = append(inputs, spec)
		return true
	}
	searched := map[int]Layer{}
	prunings := map[int]*knn.Pruning{}
	strips := map[int]*File{}
	trees := map[int]bool{}
	// The last strip index written: the next one takes its memory.
	var prevStrip *knn.StripIndex
	popt.Search = func(layer int, pr *estimate.Prepared) (*knn.Graph, error) {
		x := pr.Rows()
		searched[layer] = Layer{Rows: x.N(), Dim: x.D(), K: pr.K(), Checked: pr.Collapsed() == 0}
		elem[layer] = x.Elem().Size()
		if pr.K() > 0 {
			// The search profile would run: tree, pruned or brute, a
			// pruned one on at most stripDirections directions.
			so := *pr.SearchOptions()
			so.MaxDirections = stripDirections
			mode, pru, err := knn.ChooseSearch(x, pr.K(), &so)
			if err != nil {
				return nil, err
			}
			if pru != nil {
				prunings[layer] = pru
				if mo.Out != "" {
					// What the one pruned search computes once (the
					// projection, tree order and seeding), computed
					// once here for every strip.
					si, err := knn.NewStripIndexReusing(x, pr.K(), pru, &so, prevStrip)
					prevStrip = nil
					if err != nil {
						return nil, err
					}
					if si != nil {
						if strips[layer], err = writeStrip(mo.Out, layer, si); err != nil {
							return nil, err
						}
						written = append(written, StripPath(mo.Out, layer))
						prevStrip = si
					}
				}
			}
			trees[layer] = mode == knn.SearchTree
		}
		return nil, pipeline.ErrSkip
	}
	prof, err := pipeline.Profile(specs, true, &popt)
	if err != nil {
		return nil, err
	}
	// A file that could have been mapped and was not (the system
	// refused the map): summed after the layers are read.
	for path, fs := range pending {
		if err := sumInto(path, fs, mo.SHA256); err != nil {
			return nil, err
		}
	}
	if len(inputs) != len(prof.Layers) {
		return nil, fmt.Errorf("plan: %d layers, %d inputs recorded", len(prof.Layers), len(inputs))
	}
	for i, l := range prof.Layers {
		pl := Layer{Name: l.Name, Input: inputs[i], Dim: l.Dim}
		if s, ok := searched[i]; ok && s.K > 0 {
			pl.Rows, pl.Dim, pl.K, pl.Search, pl.Checked = s.Rows, s.Dim, s.K, SearchBrute, s.Checked
		}
		p.Layers = append(p.Layers, pl)
		if pru, ok := prunings[i]; ok && pl.K > 0 {
			if err := p.setPruning(i, pru); err != nil {
				return nil, err
			}
			p.Layers[i].cost = pru.Cost()
			p.Layers[i].Strip = strips[i]
		} else if trees[i] && pl.K > 0 {
			p.Layers[i].Search = SearchTree
		}
	}
	if mo.Tasks > 0 {
		err = p.cutTasks(mo.Tasks)
	} else {
		err = p.perLayer()
	}
	if err == nil && mo.TaskMem > 0 {
		err = p.checkMem(mo.TaskMem, elem)
	}
	if err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		panic("plan: Make wrote a bad plan: " + err.Error())
	}
	return p, nil
}

// stripDirections is the most directions of a plan's pruned searches
// (knn.Options.MaxDirections); the search's cost model chooses how many of
// them to keep, as in profile's search (which may take up to 256 on large
// layers). Every strip of a layer reads and checks the coordinates of the
// rows from its first on again (CRC-32C, margins, packing), and the plan
// projects, writes and checks them once more: on 2 × 32,000 × 512 in 8
// tasks, 128 directions cost the plan and tasks 0.2–0.5 CPU s less than
// 256 (BENCHMARKS.md, issue 15). The lists are the same either way.
const stripDirections = 128

// ErrNothing is returned by Make when no layer needs a neighbour search.
var ErrNothing = errors.New("no layer needs a neighbour search: nothing to split (run intdim profile)")

// cutTasks cuts the rows of every searched layer, taken in order, into n
// tasks of about equal cost. Row i of a layer of m rows in d dimensions
// costs (m − i)·d: its strip pairs it with the rows after it
// (knn.SearchStrip), so a layer costs about m²·d/2 multiply-adds; a
// pruned layer's strip of positions (knn.SearchStripPruned) c times that,
// where c is the pruned search's predicted time relative to brute force
// (knn.Pruning.Cost); in a pruned layer cut into blocks every row costs
// the same, c·m·d/2. Task t
// starts at the first row where the cost so far reaches t/n of the total
// (and after the previous task's first row, leaving a row to each later
// task); a task that spans layers has a piece of each. In a pruned layer a
// cut that would leave a piece of less than a quarter of a task's share
// moves to the layer's start or end: each piece reads its layer and its
// strip index, or projects every row of its layer (knn.SearchBlock), a
// cost the model above leaves out; and when every searched layer is
// searched in blocks and there are as many tasks as layers or more, each
// layer gets whole tasks instead (cutPerLayer).
func (p *Plan) cutTasks(n int) error {
	type span struct {
		layer, g0 int     // layer, first global row
		c0        float64 // cost before it
	}
	// cum is the cost of the first r rows of layer l.
	cum := func(l Layer, r int) float64 {
		c := l.cost
		if !(c > 0) || !l.pruned() {
			c = 1
		}
		if l.blocks() {
			return c * float64(max(l.Dim, 1)) * float64(r) * float64(l.Rows) / 2
		}
		return c * float64(max(l.Dim, 1)) * (float64(r)*float64(l.Rows) - float64(r)*float64(r-1)/2)
	}
	var spans []span
	rows, total := 0, 0.0
	for li, l := range p.Layers {
		if l.K == 0 {
			continue
		}
		spans = append(spans, span{li, rows, total})
		rows += l.Rows
		total += cum(l, l.Rows)
	}
	if rows == 0 {
		return ErrNothing
	}
	if n > rows {
		return fmt.Errorf("--tasks %d: the layers have only %d rows to search in all", n, rows)
	}
	if n >= len(spans) && p.allBlocks() {
		p.cutPerLayer(n, func(l Layer) float64 { return cum(l, l.Rows) })
		return nil
	}
	start := make([]int, n+1) // task t: global rows [start[t], start[t+1])
	start[n] = rows
	for t := 1; t < n; t++ {
		c := total * float64(t) / float64(n)
		s := spans[0]
		for _, sp := range spans[1:] {
			if sp.c0 <= c {
				s = sp
			}
		}
		l := p.Layers[s.layer]
		r := sort.Search(l.Rows, func(r int) bool { return s.c0+cum(l, r) >= c })
		if share := total / float64(n); l.pruned() {
			// Every piece of a pruned layer projects all its rows
			// (blocks) or reads its strip index (strips): no piece
			// of less than a quarter of a share.
			if cum(l, r) < share/4 {
				r = 0
			} else if cum(l, l.Rows)-cum(l, r) < share/4 {
				r = l.Rows
			}
		}
		start[t] = min(max(s.g0+r, start[t-1]+1), rows-(n-t))
	}
	p.Tasks = make([]Task, n)
	for t := range n {
		for _, sp := range spans {
			m := p.Layers[sp.layer].Rows
			r0, r1 := max(start[t], sp.g0), min(start[t+1], sp.g0+m)
			if r0 < r1 {
				p.Tasks[t].Pieces = append(p.Tasks[t].Pieces, Piece{Layer: sp.layer, Rows: [2]int{r0 - sp.g0, r1 - sp.g0}})
			}
		}
	}
	return nil
}

// allBlocks reports whether every searched layer is searched in blocks
// against all rows (pruned or tree).
func (p *Plan) allBlocks() bool {
	for _, l := range p.Layers {
		if l.K > 0 && !l.blocks() {
			return false
		}
	}
	return true
}

// cutPerLayer gives every searched layer whole tasks, at least one, n in
// all (n ≥ the searched layers, each with at least as many rows as it is
// given tasks): each next task goes to the layer whose tasks would cost
// the most (cost of the layer over its tasks), and a layer's rows are cut
// into that many blocks of equal rows (in a pruned layer every row costs
// the same). No task spans layers, so none reads or projects two.
func (p *Plan) cutPerLayer(n int, cost func(Layer) float64) {
	var layers []int
	for li, l := range p.Layers {
		if l.K > 0 {
			layers = append(layers, li)
		}
	}
	tasks := make([]int, len(layers))
	for i := range tasks {
		tasks[i] = 1
	}
	for range n - len(layers) {
		best, bc := -1, -1.0
		for i, li := range layers {
			l := p.Layers[li]
			if c := cost(l) / float64(tasks[i]); tasks[i] < l.Rows && c > bc {
				best, bc = i, c
			}
		}
		tasks[best]++
	}
	p.Tasks = p.Tasks[:0]
	for i, li := range layers {
		m, q := p.Layers[li].Rows, tasks[i]
		for j := range q {
			p.Tasks = append(p.Tasks, Task{Pieces: []Piece{{Layer: li, Rows: [2]int{j * m / q, (j + 1) * m / q}}}})
		}
	}
}

// perLayer makes one task of every searched layer.
func (p *Plan) perLayer() error {
	for li, l := range p.Layers {
		if l.K > 0 {
			p.Tasks = append(p.Tasks, Task{Pieces: []Piece{{Layer: li, Rows: [2]int{0, l.Rows}}}})
		}
	}
	if len(p.Tasks) == 0 {
		return ErrNothing
	}
	return nil
}

// TaskMemory is the memory of a task computing the strip from row a of a
// layer of m rows in d dimensions of elem bytes with k neighbours: the
// layer as read and as prepared (duplicates collapsed), its norms, the
// candidates and lists of the m − a rows of the strip, the kernel's
// packed blocks and the runtime. It does not depend on the block's end:
// every task holds its whole layer.
func TaskMemory(m, d, elem, k, a int) int64 {
	return 2*int64(m)*int64(d)*int64(elem) + 24*int64(m) + int64(m-a)*int64((2*k+30)*12+28*k) + 96<<20
}

// TaskMemoryPruned is TaskMemory for a block of q rows of a pruned layer
// (Layer.Search) projected on dirs directions: the layer as read and as
// prepared, the projection of every row (float64 coordinates, their
// float32 packing, norms and margins), every row's search state, the
// block's candidates and lists, and the runtime.
func TaskMemoryPruned(m, d, elem, k, q, dirs int) int64 {
	return 2*int64(m)*int64(d)*int64(elem) + int64(m)*int64(12*dirs+72+12*k) + int64(q)*int64((2*k+30)*12+28*k) + 96<<20
}

// TaskMemoryStrip is TaskMemory for the pruned strip from position a of a
// layer (Layer.Strip) whose index has dirs directions: the layer as read
// and as prepared, the index as read and decoded, the strip's coarse
// coordinates, packed, its rows' search state, candidates and lists, and
// the runtime.
func TaskMemoryStrip(m, d, elem, k, a, dirs int) int64 {
	q := int64(m - a)
	return 2*int64(m)*int64(d)*int64(elem) + 2*knn.StripIndexSize(m, dirs) + q*int64(12*min(dirs, 128)+96+12*k) + q*int64((2*k+30)*16+28*k) + 96<<20
}

// checkMem refuses a plan whose tasks do not fit in mem bytes.
func (p *Plan) checkMem(mem int64, elem map[int]int) error {
	for _, t := range p.Tasks {
		for _, pc := range t.Pieces {
			l := p.Layers[pc.Layer]
			need := TaskMemory(l.Rows, l.Dim, elem[pc.Layer], l.K, pc.Rows[0])
			if l.strips() {
				need = TaskMemoryStrip(l.Rows, l.Dim, elem[pc.Layer], l.K, pc.Rows[0], l.stripDirs())
			} else if l.blocks() {
				need = TaskMemoryPruned(l.Rows, l.Dim, elem[pc.Layer], l.K, pc.N(), min(l.Dim, 128))
			}
			if need > mem {
				return fmt.Errorf("--task-mem %s: layer %s (%d×%d) needs %s in a task (every task holds its whole layer)",
					bytesize.Format(float64(mem)), l.Name, l.Rows, l.Dim, bytesize.Format(float64(need)))
			}
		}
	}
	return nil
}

// specs returns the input specs to read: as given, or, when the working
// directory is not the plan's (Plan.Dir) and a spec is relative, joined to
// the plan's directory.
func (p *Plan) specs() []string {
	out := make([]string, len(p.Inputs))
	wd, _ := os.Getwd()
	for i, in := range p.Inputs {
		out[i] = in.Spec
		if wd != p.Dir && p.Dir != "" && !filepath.IsAbs(in.Spec) {
			out[i] = p.Dir + string(filepath.Separator) + in.Spec
		}
	}
	return out
}

// sumInto sets every File in fs to the checksums of the file at path
// (sumFile).
func sumInto(path string, fs []*File, withSHA bool) error {
	h, err := sumFile(path, withSHA)
	if err != nil {
		return err
	}
	for _, f := range fs {
		*f = h
	}
	return nil
}
