#!/bin/sh
# Peer speed table (issues 13 and 14): intdim's equivalent of every reference
# key that records a peer's CPU time (testdata/refs/estimators.json,
# testdata/geometry/geometry.json: scikit-dimension 0.3.4 and DADApy on a
# shared 2-core box, one BLAS thread, n_jobs=1), on the same arrays with the
# same parameters, single-threaded. Prints a Markdown table (BENCHMARKS.md)
# on stdout and every (key, array) timing on stderr.
#
#   scripts/bench_peers.sh [KEY-SUBSTRING] > peers.md
#
# intdim's time is the process CPU time (user + system, getrusage) of one
# call from the points in memory to the value, neighbour searches included:
# the least, over two batches, of a batch's CPU time over its calls (a batch
# repeats the call for at least 0.2 CPU seconds). The peer's is the smaller
# of its two recorded runs. The peers cannot be installed here (no PyPI), so
# the two were not measured in the same run: read the ratios as against
# recorded times on a comparable machine.
set -e
cd "$(dirname "$0")/.."
go build -o /tmp/intdimbench.$$ ./bench/intdimbench
GOMAXPROCS=1 /tmp/intdimbench.$$ peers -testdata testdata ${1:+-keys "$1"}
rm -f /tmp/intdimbench.$$
