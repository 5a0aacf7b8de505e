// Package sysmem reports the machine's physical memory, from which memory
// budgets are derived.
package sysmem

// Physical returns the physical memory in bytes, or 0 where it is not
// known.
func Physical() int64 { return physical() }
