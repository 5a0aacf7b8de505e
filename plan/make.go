package plan

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/bytesize"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/tensorio"
)

// MakeOptions says how to cut a profile: into Tasks tasks of about equal
// cost, or into tasks that each fit in TaskMem bytes (one of the two).
// Args and Mem are recorded in the plan (Plan.Args, Plan.Mem).
type MakeOptions struct {
	Tasks   int
	TaskMem int64
	Args    []string
	Mem     int64
}

// Make reads every input (checksums, and each layer prepared as the
// profile prepares it: the rows to search once duplicates are collapsed)
// and cuts the layers' searches into tasks. popt is the profile's
// pipeline options (Search and Only are set here); noPCA does not matter
// to the cut (PC-ID is computed when merging).
func Make(specs []string, popt pipeline.Options, mo MakeOptions) (*Plan, error) {
	if (mo.Tasks > 0) == (mo.TaskMem > 0) {
		panic("plan: Make: give Tasks or TaskMem")
	}
	if popt.Mem <= 0 {
		popt.Mem = knn.DefaultMemBudget()
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	p := &Plan{Kind: Kind, Version: Version, Dir: wd, Args: mo.Args, Mem: popt.Mem}
	if p.Args == nil {
		p.Args = []string{}
	}
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
			h, err := hashFile(abs)
			if err != nil {
				return nil, err
			}
			in.Files = append(in.Files, h)
		}
		p.Inputs = append(p.Inputs, in)
	}
	var inputs []int
	elem := map[int]int{}
	popt.Only = func(layer, spec int) bool {
		inputs = append(inputs, spec)
		return true
	}
	searched := map[int]Layer{}
	popt.Search = func(layer int, pr *estimate.Prepared) (*knn.Graph, error) {
		x := pr.Rows()
		searched[layer] = Layer{Rows: x.N(), Dim: x.D(), K: pr.K()}
		elem[layer] = x.Elem().Size()
		return nil, pipeline.ErrSkip
	}
	prof, err := pipeline.Profile(specs, true, &popt)
	if err != nil {
		return nil, err
	}
	if len(inputs) != len(prof.Layers) {
		return nil, fmt.Errorf("plan: %d layers, %d inputs recorded", len(prof.Layers), len(inputs))
	}
	for i, l := range prof.Layers {
		pl := Layer{Name: l.Name, Input: inputs[i], Dim: l.Dim}
		if s, ok := searched[i]; ok && s.K > 0 {
			pl.Rows, pl.Dim, pl.K = s.Rows, s.Dim, s.K
		}
		p.Layers = append(p.Layers, pl)
	}
	if mo.Tasks > 0 {
		err = p.cutTasks(mo.Tasks)
	} else {
		err = p.cutMem(mo.TaskMem, elem)
	}
	if err != nil {
		return nil, err
	}
	if err := p.check(); err != nil {
		panic("plan: Make wrote a bad plan: " + err.Error())
	}
	return p, nil
}

// ErrNothing is returned by Make when no layer needs a neighbour search.
var ErrNothing = errors.New("no layer needs a neighbour search: nothing to split (run intdim profile)")

// cutTasks cuts the rows of every searched layer, taken in order, into n
// tasks of about equal cost: a row of a layer of m rows in d dimensions
// costs m·d (its share of the 2·m²·d flops of the layer's search). Task t
// starts at the first row where the cost so far reaches t/n of the total
// (and after the previous task's first row, leaving a row to each later
// task); a task that spans layers has a piece of each.
func (p *Plan) cutTasks(n int) error {
	type span struct {
		layer, g0 int     // layer, first global row
		c0, w     float64 // cost before it, cost of a row
	}
	var spans []span
	rows, total := 0, 0.0
	for li, l := range p.Layers {
		if l.K == 0 {
			continue
		}
		w := float64(l.Rows) * float64(max(l.Dim, 1))
		spans = append(spans, span{li, rows, total, w})
		rows += l.Rows
		total += float64(l.Rows) * w
	}
	if rows == 0 {
		return ErrNothing
	}
	if n > rows {
		return fmt.Errorf("--tasks %d: the layers have only %d rows to search in all", n, rows)
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
		r := s.g0 + min(int(math.Ceil((c-s.c0)/s.w)), p.Layers[s.layer].Rows)
		start[t] = min(max(r, start[t-1]+1), rows-(n-t))
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

// taskBase and taskRow are the memory of a task searching q rows of a
// layer of m rows in d dimensions of elem bytes: the layer as read and as
// prepared (duplicates collapsed), its float32 packing, the runtime; and
// per query row its candidates and its neighbours.
func taskBase(m, d, elem int) int64 {
	return 2*int64(m)*int64(d)*int64(elem) + int64(m)*int64(d)*4 + 16*int64(m) + 64<<20
}

func taskRow(k int) int64 { return int64(4*k+64)*16 + int64(k)*12 }

// cutMem cuts every searched layer into blocks of query rows whose task
// fits in mem bytes, one task per block.
func (p *Plan) cutMem(mem int64, elem map[int]int) error {
	for li, l := range p.Layers {
		if l.K == 0 {
			continue
		}
		base := taskBase(l.Rows, l.Dim, elem[li])
		per := taskRow(l.K)
		if base+per > mem {
			return fmt.Errorf("--task-mem %s: layer %s (%d×%d) needs at least %s per task (every task holds the whole layer)",
				bytesize.Format(float64(mem)), l.Name, l.Rows, l.Dim, bytesize.Format(float64(base+per)))
		}
		q := int(min((mem-base)/per, int64(l.Rows)))
		blocks := (l.Rows + q - 1) / q
		for b := range blocks {
			r0, r1 := b*l.Rows/blocks, (b+1)*l.Rows/blocks
			p.Tasks = append(p.Tasks, Task{Pieces: []Piece{{Layer: li, Rows: [2]int{r0, r1}}}})
		}
	}
	if len(p.Tasks) == 0 {
		return ErrNothing
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
