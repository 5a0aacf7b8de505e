#!/usr/bin/env bash
# bench/compare.sh — every number of BENCHMARKS.md "Speed", in one run on one
# machine, so that ratios compare like with like:
#   1. float32 FMA peak (register-only loop), 1 and 2 threads: the limit
#   2. the kernel's GFLOP/s at the same thread counts
#   3. numpy float32 matmul of the same shapes (Debian OpenBLAS): a floor
#   4. TwoNN at 5,000×768 and 20,000×768: scikit-learn NearestNeighbors +
#      fit vs intdim (library, read excluded; and the CLI end to end)
#   5. --resample 20 and scale --blocks 20 against a single estimate
#   6. PC-ID at 2,000×100,000
#   7. a 2,000×802,816 float32 layer (6.4 GB) streamed under a 1 GB budget
#      (TwoNN graph and the PC-ID z-score Gram in the same passes),
#      peak RSS by /usr/bin/time -v
# Usage: bench/compare.sh [OUTDIR]   (default bench/out; SKIP_BIG=1 skips 7)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench/out}
mkdir -p "$OUT"
R="$OUT/results.txt"
: >"$R"
log() { echo "$*" | tee -a "$R"; }
PY=/usr/bin/python3
if ! $PY -c 'import numpy, sklearn' 2>/dev/null || [ ! -x /usr/bin/time ]; then
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-sklearn time) >/dev/null
fi
B="$OUT/intdimbench"
go build -o "$B" ./bench/intdimbench || exit 1
CLI=""
if go build -o "$OUT/intdim" ./cmd/intdim 2>/dev/null; then CLI="$OUT/intdim"; fi
log "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) nproc=$(nproc) load: $(cut -d' ' -f1-3 /proc/loadavg)"
log "# go $(go env GOVERSION) numpy $($PY -c 'import numpy; print(numpy.__version__)') sklearn $($PY -c 'import sklearn; print(sklearn.__version__)')"

# 1–3: peak, kernel, numpy on the same shapes.
for th in 1 2; do
	"$B" peak -threads $th | tee -a "$R"
	"$B" kernel -n 4096 -d 768 -threads $th | tee -a "$R"
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$th OMP_NUM_THREADS=$th \
		$PY bench/peers.py matmul 4096 768 $th | tee -a "$R"
done

# 4–5: TwoNN end to end (sklearn with all cores: its default BLAS threads).
for n in 5000 20000; do
	f="$OUT/x${n}.npy"
	[ -f "$f" ] || "$B" gen -n $n -d 768 -latent 10 -out "$f"
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY bench/peers.py twonn "$f" | tee -a "$R"
	"$B" estimate -in "$f" -reps 3 | tee -a "$R"
	if [ -n "$CLI" ]; then
		/usr/bin/time -f "intdim_cli_estimate_n${n} %e s (wall, read included) %M KB" "$CLI" estimate "$f" >/dev/null 2>>"$R.tmp"
		tail -1 "$R.tmp" | tee -a "$R"
	fi
done
f="$OUT/x20000.npy"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY bench/peers.py twonn "$f" f64 | tee -a "$R"
"$B" estimate -in "$f" -reps 1 | tee -a "$R"
"$B" estimate -in "$f" -reps 1 -resample 20 | tee -a "$R"
"$B" estimate -in "$f" -reps 1 -blocks 20 | tee -a "$R"
"$B" estimate -in "$f" -reps 1 | tee -a "$R"

# 6: PC-ID at scale.
"$B" pcid -n 2000 -d 100000 -reps 1 | tee -a "$R"

# 7: the 6.4 GB layer.
if [ -z "${SKIP_BIG:-}" ]; then
	big="$OUT/big.npy"
	[ -f "$big" ] || "$B" gen -n 2000 -d 802816 -latent 10 -out "$big"
	/usr/bin/time -v "$B" searchfile -pcid -in "$big" -mem $((1 << 30)) 2>"$OUT/big.time" | tee -a "$R"
	log "searchfile_peak_rss $(awk -F: '/Maximum resident/ {print $2}' "$OUT/big.time") KB"
	rm -f "$big"
fi
rm -f "$R.tmp"
$PY bench/ratios.py "$R" | tee "$OUT/ratios.txt"
