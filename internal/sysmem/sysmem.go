// Package sysmem reports the machine's physical memory, from which memory
// budgets are derived.
package sysmem

// Physical returns the physical memory in bytes, or 0 where it is not
// known.
func Physical() int64 { return physical() }

// Budget returns the default memory budget of intdim's readers and
// neighbour search: half of the physical memory, or 4 GiB where it is not
// known.
func Budget() int64 {
	if m := Physical(); m > 0 {
		return m / 2
	}
	return 4 << 30
}
