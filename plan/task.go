package plan

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/intdim/intdim/estimate"
	"github.com/intdim/intdim/internal/atomicfile"
	"github.com/intdim/intdim/knn"
	"github.com/intdim/intdim/pipeline"
	"github.com/intdim/intdim/profile"
)

// RunTask computes task i and writes its partial file beside the plan,
// atomically (a temporary file renamed into place), so that a task killed
// half-way leaves nothing, and two runs of one task at once both write the
// same bytes. A valid partial already there is kept (kept is true):
// running a task again is free. The checksums of the task's inputs are
// checked (Verify's check) as each of its layers is loaded where the file
// is mapped (loadCheck), and otherwise once its lists are computed, before
// anything is written. popt are the pipeline options of the plan's Args, as
// 'intdim profile' makes them; Search and Only are set here.
func (p *Plan) RunTask(i int, popt pipeline.Options) (kept bool, err error) {
	if i < 0 || i >= len(p.Tasks) {
		return false, fmt.Errorf("task index %d outside the plan's 0..%d", i, len(p.Tasks)-1)
	}
	if p.CheckPart(i) == nil {
		return true, nil
	}
	t := p.Tasks[i]
	var inputs []int
	for _, pc := range t.Pieces {
		if in := p.Layers[pc.Layer].Input; !slices.Contains(inputs, in) {
			inputs = append(inputs, in)
		}
	}
	prunings := map[int]*knn.Pruning{}
	strips := map[int]*knn.StripIndex{}
	for _, pc := range t.Pieces {
		if p.Layers[pc.Layer].pruned() && prunings[pc.Layer] == nil {
			pru, err := p.loadPruning(pc.Layer)
			if err != nil {
				return false, err
			}
			prunings[pc.Layer] = pru
			if p.Layers[pc.Layer].strips() {
				// The task's pieces of a layer follow one another: the
				// first starts at the first position any of them reads.
				si, release, err := p.loadStrip(pc.Layer, pc.Rows[0])
				defer release()
				if err != nil {
					return false, err
				}
				strips[pc.Layer] = si
			}
		}
	}
	graphs := make([]*knn.Graph, len(t.Pieces))
	popt.Mem = p.Mem
	// The inputs' checksums: each mapped layer's file as it is loaded
	// (loadCheck), the others once the profile is made (verify).
	files := p.checkOnLoad(&popt)
	popt.Only = func(layer, _ int) bool {
		return slices.ContainsFunc(t.Pieces, func(pc Piece) bool { return pc.Layer == layer })
	}
	popt.Search = func(layer int, pr *estimate.Prepared) (*knn.Graph, error) {
		if err := p.agree(layer, pr); err != nil {
			return nil, err
		}
		for j, pc := range t.Pieces {
			if pc.Layer != layer {
				continue
			}
			var g *knn.Graph
			var err error
			if si := strips[layer]; si != nil {
				g, err = knn.SearchStripPruned(pr.Rows(), pr.K(), pc.Rows[0], pc.Rows[1], prunings[layer], si, pr.SearchOptions())
			} else if pru := prunings[layer]; pru != nil {
				g, err = knn.SearchBlock(pr.Rows(), pr.K(), pc.Rows[0], pc.Rows[1], pru, pr.SearchOptions())
			} else if p.Layers[layer].Search == SearchTree {
				g, err = knn.SearchBlockTree(pr.Rows(), pr.K(), pc.Rows[0], pc.Rows[1], pr.SearchOptions())
			} else {
				g, err = knn.SearchStrip(pr.Rows(), pr.K(), pc.Rows[0], pc.Rows[1], pr.SearchOptions())
			}
			if err != nil {
				return nil, fmt.Errorf("layer %s: %w", p.Layers[layer].Name, err)
			}
			graphs[j] = g
		}
		return nil, pipeline.ErrSkip
	}
	if _, err := pipeline.Profile(p.specs(), true, &popt); err != nil {
		// Profile opens every input to number the layers; a file of
		// another task that changed since the plan fails there first.
		// Name the change, not what it broke.
		if verr := p.Verify(nil); verr != nil {
			return false, verr
		}
		return false, err
	}
	if err := p.verify(inputs, files); err != nil {
		return false, err
	}
	for j, g := range graphs {
		if g == nil {
			l := p.Layers[t.Pieces[j].Layer]
			return false, fmt.Errorf("layer %s: not searched (it failed before its search here, but not when the plan was made)", l.Name)
		}
	}
	payload := encodePayload(graphs)
	if int64(len(payload)) != p.payloadSize(t) {
		panic("plan: payload of the wrong size")
	}
	if err := os.MkdirAll(PartsDir(p.path), 0o755); err != nil {
		return false, err
	}
	head := p.header(i, sha256.Sum256(payload))
	return false, atomicfile.WriteFile(PartPath(p.path, i), func(w io.Writer) error {
		if _, err := w.Write(head); err != nil {
			return err
		}
		_, err := w.Write(payload)
		return err
	})
}

// checkOnLoad sets popt's Loaded to loadCheck's check and its Checked to
// the layers loadCheck checked that the plan checked (Layer.Checked); it
// returns the set of files checked, which the caller's verify skips.
func (p *Plan) checkOnLoad(popt *pipeline.Options) map[string]bool {
	files, loaded := map[string]bool{}, map[int]bool{}
	popt.Loaded = p.loadCheck(files, loaded)
	popt.Checked = func(layer int) bool { return loaded[layer] && p.checked(layer) }
	return files
}

// checked reports whether a layer's rows were checked when the plan was
// made (Layer.Checked): called once its input is verified.
func (p *Plan) checked(layer int) bool {
	return layer < len(p.Layers) && p.Layers[layer].Checked
}

// agree checks that a layer prepared now is the one the plan was made
// from.
func (p *Plan) agree(layer int, pr *estimate.Prepared) error {
	if layer >= len(p.Layers) {
		return fmt.Errorf("the inputs have more layers than the plan's %d", len(p.Layers))
	}
	l := p.Layers[layer]
	if pr.K() != l.K || (l.K > 0 && (pr.Rows().N() != l.Rows || pr.Rows().D() != l.Dim)) {
		return fmt.Errorf("layer %s: %d×%d rows with %d neighbours to search, the plan has %d×%d with %d: the inputs or options differ from the plan's",
			l.Name, pr.Rows().N(), pr.Rows().D(), pr.K(), l.Rows, l.Dim, l.K)
	}
	return nil
}

// IncompleteError lists the tasks whose partials are missing or invalid.
type IncompleteError struct {
	Plan  string
	Parts []*PartError
	Tasks int
}

func (e *IncompleteError) Error() string {
	return fmt.Sprintf("%d of %d tasks missing or invalid (run each again with: intdim run-task %s --index I)", len(e.Parts), e.Tasks, e.Plan)
}

// CheckParts verifies every task's partial (CheckPart); an
// *IncompleteError lists those that cannot be merged.
func (p *Plan) CheckParts() error {
	var bad []*PartError
	for i := range p.Tasks {
		if err := p.CheckPart(i); err != nil {
			var pe *PartError
			if !errors.As(err, &pe) {
				pe = &PartError{Task: i, Path: PartPath(p.path, i), Err: err}
			}
			bad = append(bad, pe)
		}
	}
	if len(bad) > 0 {
		return &IncompleteError{Plan: p.path, Parts: bad, Tasks: len(p.Tasks)}
	}
	return nil
}

// Merge checks every partial (CheckParts), then makes the profile of the
// plan's inputs with each layer's neighbour graph assembled from the
// partials: the profile that pipeline.Profile gives with the same options.
// Every input's checksum is checked as RunTask checks its own. popt and
// noPCA are those of the plan's Args, as for RunTask.
func (p *Plan) Merge(noPCA bool, popt pipeline.Options) (*profile.Profile, error) {
	if err := p.CheckParts(); err != nil {
		return nil, err
	}
	popt.Mem = p.Mem
	// The inputs' checksums, as RunTask checks them.
	files := p.checkOnLoad(&popt)
	popt.Search = func(layer int, pr *estimate.Prepared) (*knn.Graph, error) {
		if err := p.agree(layer, pr); err != nil {
			return nil, err
		}
		l := p.Layers[layer]
		if l.K == 0 {
			return nil, nil
		}
		g := knn.EmptyGraph(l.Rows, l.K)
		var perm []int32 // the row at each position of a pruned strip
		if l.strips() {
			var err error
			if perm, err = p.loadOrder(layer); err != nil {
				return nil, err
			}
		}
		for i, t := range p.Tasks {
			for _, pc := range t.Pieces {
				if pc.Layer == layer {
					if err := p.readPiece(i, pc, g, perm); err != nil {
						return nil, err
					}
				}
			}
		}
		if !g.Complete() {
			return nil, fmt.Errorf("layer %s: the partials leave rows with fewer than %d neighbours", l.Name, l.K)
		}
		return g, nil
	}
	prof, err := pipeline.Profile(p.specs(), noPCA, &popt)
	if err != nil {
		// A changed input can fail the profile first (RunTask).
		if verr := p.Verify(nil); verr != nil {
			return nil, verr
		}
		return nil, err
	}
	if err := p.verify(nil, files); err != nil {
		return nil, err
	}
	return prof, nil
}
