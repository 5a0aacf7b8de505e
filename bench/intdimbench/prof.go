package main

import (
	"os"
	"runtime/pprof"
)

func init() {
	if p := os.Getenv("INTDIMBENCH_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err == nil {
			pprof.StartCPUProfile(f)
			stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		}
	}
}

var stopProfile = func() {}
