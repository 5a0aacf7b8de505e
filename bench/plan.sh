#!/bin/sh
# bench/plan.sh [OUTDIR]: intdim plan + TASKS run-task + merge against
# intdim profile on the same layers, on this machine, in the same run
# (interleaved, REPS times): CPU seconds (user + system) and wall seconds of
# every process, summed (and listed: plan, each task, merge), the load
# average, and a check that merge prints profile's bytes.
# Layers: LAYERS × N × D float32 from intdimbench gen (latent 8, 12, ...).
# OPTS: profile options given to both profile and plan (e.g. "--search brute").
set -eu
OUT=${1:-/tmp/intdim-plan-bench}
procs="" N=${N:-16000} D=${D:-512} LAYERS=${LAYERS:-4} TASKS=${TASKS:-8} REPS=${REPS:-2} OPTS=${OPTS:-}
mkdir -p "$OUT"
go build -o "$OUT/intdim" ./cmd/intdim
go build -o "$OUT/intdimbench" ./bench/intdimbench
cd "$OUT"
l=0 inputs=""
while [ $l -lt "$LAYERS" ]; do
	[ -f "layer$l.npy" ] || ./intdimbench gen -n "$N" -d "$D" -latent $((8 + 4 * l)) -out "layer$l.npy" >/dev/null
	inputs="$inputs layer$l.npy" l=$((l + 1))
done
# run OUTFILE CMD...: runs CMD, stdout to OUTFILE, adds its CPU and wall
# seconds to cpu and wall, and its CPU seconds to the list procs.
run() {
	o=$1
	shift
	/usr/bin/time -f "%U %S %e" -o t.txt "$@" >"$o"
	cpu=$(awk -v c="$cpu" '{print c + $1 + $2}' t.txt)
	wall=$(awk -v w="$wall" '{print w + $3}' t.txt)
	procs="$procs $(awk '{printf "%.2f", $1 + $2}' t.txt)"
}
r=0
while [ $r -lt "$REPS" ]; do
	cpu=0 wall=0
	# shellcheck disable=SC2086
	run profile.json ./intdim profile $inputs $OPTS --quiet --format json
	pc=$cpu pw=$wall
	cpu=0 wall=0 procs=""
	rm -rf plan.json plan.parts
	# shellcheck disable=SC2086
	run /dev/null ./intdim plan $inputs $OPTS --tasks "$TASKS" --out plan.json --quiet
	i=0
	while [ $i -lt "$TASKS" ]; do
		run /dev/null ./intdim run-task plan.json --index $i
		i=$((i + 1))
	done
	run merge.json ./intdim merge plan.json --format json
	cmp profile.json merge.json
	echo "rep $r: profile cpu $pc s wall $pw s; plan+$TASKS tasks+merge cpu $cpu s wall $wall s; cpu ratio $(awk -v a="$cpu" -v b="$pc" 'BEGIN{printf "%.3f", a/b}'); merge = profile: identical"
	echo "rep $r: cpu s of plan, each task, merge:$procs; load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	r=$((r + 1))
done
