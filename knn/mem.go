package knn

// DefaultMemBudget returns the default memory budget of SearchFile: half
// of the physical memory, or 4 GiB where it cannot be read.
func DefaultMemBudget() int64 {
	if m := physicalMemory(); m > 0 {
		return m / 2
	}
	return 4 << 30
}
