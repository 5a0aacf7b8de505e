#!/bin/sh
# One epoch of the paper's MNIST network (60,000 images, batch 64, SGD with
# momentum) in intdim against PyTorch on the same cores, in one run.
# Both time BATCHES steady-state batches and scale to an epoch.
#   sh bench/epoch.sh [BATCHES] [THREADS]
set -e
cd "$(dirname "$0")/.."
B=${1:-200}
T=${2:-2}
go test -c -o /tmp/intdim-nn.test ./nn
GOMAXPROCS=$T /tmp/intdim-nn.test -test.run '^$' -test.bench '^BenchmarkTrainPaper$' -test.benchtime ${B}x | grep Benchmark
/usr/bin/python3 bench/train_torch.py --batches "$B" --threads "$T"
GOMAXPROCS=$T /tmp/intdim-nn.test -test.run '^$' -test.bench '^BenchmarkTrainPaper$' -test.benchtime ${B}x | grep Benchmark
/usr/bin/python3 bench/train_torch.py --batches "$B" --threads "$T"
