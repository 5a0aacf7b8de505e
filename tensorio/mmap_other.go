//go:build !unix

package tensorio

// mapNPY does not map files on this system: the caller reads them.
func mapNPY(string) (*Array, bool, error) { return nil, false, nil }

// mayMap reports that no file is mapped on this system.
func mayMap(string) bool { return false }
