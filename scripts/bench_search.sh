#!/bin/sh
# Same-run comparison of --search brute, pruned and auto (BENCHMARKS.md):
# the demo's conv1 and pool1 (trained MNIST network, 2,000 test images), the
# width-768 hidden layer of an MLP trained here with 'intdim train' on 20,000
# training images, and isotropic Gaussian 20,000 × 768. Nothing is downloaded
# (MNIST is embedded). Each command runs REPEAT times (default 2); wall and
# CPU seconds (user + system) from /usr/bin/time; the JSON of the three
# searches must be identical. The Gaussian runs brute and auto only (a
# forced pruned search there evaluates nearly every pair; GAUSS_MODES
# overrides; LAYERS picks some of conv1 pool1 h768 gauss).
#
#	scripts/bench_search.sh [OUTDIR]
set -eu
out=${1:-/tmp/intdim-search}
repeat=${REPEAT:-2}
k=${K:-}
mkdir -p "$out"
go build -o "$out/intdim" ./cmd/intdim
bin="$out/intdim"
[ -f "$out/conv1.npy" ] || go run ./scripts/layers --model mnist --set test --n 2000 --layer conv1 --out "$out/conv1.npy"
[ -f "$out/pool1.npy" ] || go run ./scripts/layers --model mnist --set test --n 2000 --layer pool1 --out "$out/pool1.npy"
[ -f "$out/mlp768/model.safetensors" ] || "$bin" train --data mnist --arch hidden=768 --epochs 1 --seed 1 --out "$out/mlp768" --quiet
[ -f "$out/h768.npy" ] || go run ./scripts/layers --model "$out/mlp768" --set train --n 20000 --layer d1 --out "$out/h768.npy"
[ -f "$out/gauss.npy" ] || go run ./scripts/layers --gaussian 20000 --dim 768 --seed 1 --out "$out/gauss.npy"
for layer in ${LAYERS:-conv1 pool1 h768 gauss}; do
	for r in $(seq "$repeat"); do
		modes="brute pruned auto"
		[ "$layer" = gauss ] && modes=${GAUSS_MODES:-brute auto}
		for s in $modes; do
			/usr/bin/time -f "%e %U %S" -o "$out/time" "$bin" estimate ${k:+--method mle --k $k} --search $s --format json "$out/$layer.npy" > "$out/$layer.$s.json"
			read -r wall user sys < "$out/time"
			echo "$layer $s run$r wall $wall cpu $(echo "$user + $sys" | bc)"
		done
		for s in $modes; do
			cmp -s "$out/$layer.brute.json" "$out/$layer.$s.json" || { echo "$layer: --search $s differs from brute"; exit 1; }
		done
	done
done
