#!/bin/sh
# Same-run before/after pairs for the pruned search (BENCHMARKS.md, issue
# 16): ROUNDS rounds, each running `intdim estimate --search brute` and
# `--search pruned` with the binary BASE, then `--search pruned` with the
# binary NEW, on one layer (.npy); prints each run's CPU seconds (user +
# system, /usr/bin/time) and the load average, then per column the sorted
# times and their median. NEW's pruned JSON must equal BASE's brute-force
# JSON in every round. Build the two binaries first, e.g.
# `git worktree add /tmp/base <commit> && (cd /tmp/base && go build -o /tmp/base/intdim ./cmd/intdim)`.
#
#	scripts/bench_search_ab.sh BASE NEW LAYER.npy [ROUNDS]
set -eu
[ $# -ge 3 ] || { echo "usage: $0 BASE NEW LAYER.npy [ROUNDS]" >&2; exit 2; }
base=$1 new=$2 layer=$3 rounds=${4:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for r in $(seq "$rounds"); do
	for run in "base brute" "base pruned" "new pruned"; do
		set -- $run
		bin=$base
		[ "$1" = new ] && bin=$new
		/usr/bin/time -f "%U %S" -o "$tmp/time" "$bin" estimate --search "$2" --format json "$layer" > "$tmp/$1.$2.json"
		read -r user sys < "$tmp/time"
		echo "$1 $2 round$r cpu $(echo "$user + $sys" | bc) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$tmp/log"
	done
	cmp -s "$tmp/base.brute.json" "$tmp/new.pruned.json" || { echo "round $r: NEW's pruned JSON differs from brute force's"; exit 1; }
done
for run in "base brute" "base pruned" "new pruned"; do
	set -- $run
	awk -v a="$1" -v b="$2" '$1 == a && $2 == b { print $5 }' "$tmp/log" | sort -n | awk -v name="$1 $2" '
		{ v[NR] = $1; s = s " " $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s:%s  median %.3f\n", name, s, m }'
done
