#!/bin/sh
# Same-run speed table against scikit-dimension (issue 14): times
# scikit-dimension on the eight reference arrays with the parameters of
# testdata/refs/estimators.json (scripts/bench_skdim.py, which also checks its
# values against the references), then intdim's equivalent of every key it
# timed (intdimbench peers -peer-times), in the same session, both on one
# thread. Prints a Markdown table (BENCHMARKS.md) on stdout; the per-array
# timings and value checks go to stderr.
#
#   SKDIM=/path/holding/skdim scripts/bench_skdim.sh [KEY-SUBSTRING] > skdim.md
#
# scikit-dimension is imported from $SKDIM when set (a folder holding the
# skdim package, e.g. a checkout; bench/skdim034/README.md says how to rebuild
# it without PyPI), else from the installed package; it needs
# numpy, scipy, scikit-learn and numba (Debian: python3-numpy python3-scipy
# python3-sklearn python3-numba). ESS is left out by default (scikit-
# dimension takes minutes per array): SKIP=none runs it too. Both sides
# report process CPU time (getrusage, user + system) of one call: the least,
# over two batches, of a batch's CPU over its calls; numba's compile time
# is excluded by a warm-up call. PYTHON overrides the interpreter.
set -e
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
skip=${SKIP-skdim.ESS}
[ "$skip" = none ] && skip=
${PYTHON:-python3} scripts/bench_skdim.py --skip "$skip" ${1:+--keys "$1"} "$tmp/skdim.json"
go build -o "$tmp/intdimbench" ./bench/intdimbench
GOMAXPROCS=1 "$tmp/intdimbench" peers -testdata testdata -peer-times "$tmp/skdim.json" ${1:+-keys "$1"}
