//go:build !linux

package knn

func physicalMemory() int64 { return 0 }
