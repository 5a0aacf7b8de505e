#!/bin/sh
# bench/plan_ab.sh DIR BEFORE AFTER: bench/plan.sh's runs with two intdim
# binaries, interleaved in the same run (each repetition: profile, then
# plan + TASKS run-task + merge, with BEFORE, then the same with AFTER), on
# the layers bench/plan.sh made in DIR (every layer*.npy there, listed
# first). CPU seconds (user + system) of every process, the ratio to
# profile, the load average; merge must print profile's bytes. Example,
# main against a branch:
#   (cd /work/main && go build -o /tmp/before ./cmd/intdim)
#   go build -o /tmp/after ./cmd/intdim
#   N=32000 LAYERS=2 REPS=1 sh bench/plan.sh /tmp/pb15b
#   REPS=2 sh bench/plan_ab.sh /tmp/pb15b /tmp/before /tmp/after
set -eu
DIR=$1 BEFORE=$2 AFTER=$3 TASKS=${TASKS:-8} REPS=${REPS:-2}
cd "$DIR"
inputs=""
for f in layer*.npy; do inputs="$inputs $f"; done
# Every layer*.npy of DIR is used: say which (a bench/plan.sh run with
# other N or LAYERS adds its own layers to DIR).
echo "layers:$inputs"
# cpu OUTFILE CMD...: runs CMD, stdout to OUTFILE, prints its CPU seconds.
cpu() {
	o=$1
	shift
	/usr/bin/time -f "%U %S" -o t.txt "$@" >"$o"
	awk '{printf "%.2f", $1 + $2}' t.txt
}
add() { awk -v a="$1" -v b="$2" 'BEGIN{print a + b}'; }
# pipeline BIN: plan + TASKS run-task + merge; prints the total and the list.
pipeline() {
	rm -rf plan.json plan.parts
	# shellcheck disable=SC2086
	c=$(cpu /dev/null "$1" plan $inputs --tasks "$TASKS" --out plan.json --quiet)
	s=$c list=$c i=0
	while [ $i -lt "$TASKS" ]; do
		c=$(cpu /dev/null "$1" run-task plan.json --index $i)
		s=$(add "$s" "$c") list="$list $c" i=$((i + 1))
	done
	c=$(cpu merge.json "$1" merge plan.json --format json)
	s=$(add "$s" "$c") list="$list $c"
	cmp profile.json merge.json
	echo "$s ($list)"
}
r=0
while [ $r -lt "$REPS" ]; do
	for b in "$BEFORE" "$AFTER"; do
		# shellcheck disable=SC2086
		pc=$(cpu profile.json "$b" profile $inputs --quiet --format json)
		pp=$(pipeline "$b")
		echo "rep $r $b: profile $pc s, plan+$TASKS tasks+merge $pp, ratio $(awk -v a="${pp%% *}" -v b="$pc" 'BEGIN{printf "%.3f", a/b}'), load $(cut -d' ' -f1 /proc/loadavg)"
	done
	r=$((r + 1))
done
