package knn

import "github.com/intdim/intdim/internal/sysmem"

// DefaultMemBudget returns the default memory budget of SearchFile: half
// of the physical memory, or 4 GiB where it cannot be read.
func DefaultMemBudget() int64 { return sysmem.Budget() }
