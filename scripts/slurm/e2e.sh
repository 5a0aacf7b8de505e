#!/usr/bin/env bash
# End-to-end check of intdim on a real Slurm: builds intdim, cuts a small
# study (four layers of 2000 points from testdata/refs) into 5 tasks with
# `intdim plan --slurm`, submits the generated job array and its dependent
# merge job, waits for them, and checks that the merged profile is byte for
# byte what `intdim profile` prints on the same inputs. On any failure it
# prints the jobs' output and the cluster's logs and exits non-zero.
# (Until `intdim plan`, `run-task` and `merge` exist, a stand-in array runs
# `intdim profile` in each task and the merge job checks the parts agree.)
#
#   scripts/slurm/local-cluster.sh start
#   scripts/slurm/e2e.sh
#   scripts/slurm/local-cluster.sh stop
#
# SLURM_CONF is taken from the environment, else from local-cluster.sh.
# INTDIM_E2E_TIMEOUT (default 300) bounds the wait for the jobs, in seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
timeout=${INTDIM_E2E_TIMEOUT:-300}
export SLURM_CONF=${SLURM_CONF:-$("$repo/scripts/slurm/local-cluster.sh" env | sed 's/^export SLURM_CONF=//')}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "e2e: FAIL: $*" >&2
  local f
  for f in "$work"/study/*.out "$work"/study/*.err "$work"/study/slurm-*; do
    [ -e "$f" ] || continue
    echo "---- $f" >&2
    tail -n 40 "$f" >&2
  done
  for f in ${jobs:-}; do
    echo "---- scontrol show job $f" >&2
    scontrol show job "$f" >&2 || true
  done
  "$repo/scripts/slurm/local-cluster.sh" logs >&2 || true
  exit 1
}

command -v sbatch >/dev/null || fail "sbatch not found (apt-get install -y slurm-wlm munge)"
[ -r "$SLURM_CONF" ] || fail "no cluster: $SLURM_CONF is missing (scripts/slurm/local-cluster.sh start)"
sinfo -h >/dev/null || fail "sinfo cannot reach the cluster of $SLURM_CONF"

echo "e2e: building intdim"
mkdir -p "$work/bin" "$work/study"
go build -o "$work/bin/intdim" ./cmd/intdim
export PATH=$work/bin:$PATH

inputs=()
for f in bm_M1_Sphere bm_M12_Norm bm_M7_Roll bm_M5a_Helix1d; do
  cp "testdata/refs/$f.npy" "$work/study/"
  inputs+=("$work/study/$f.npy")
done

t0=$(date +%s.%N)
intdim profile --format json "${inputs[@]}" >"$work/profile.json" 2>"$work/profile.err" ||
  fail "intdim profile: $(cat "$work/profile.err")"
t1=$(date +%s.%N)

# Stand-in until `intdim plan --slurm` exists: an array of 5 tasks and a
# merge job that depends on all of them.
cat >"$work/study/array.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=intdim-task
#SBATCH --array=0-4
#SBATCH --output=$work/study/task-%a.out
set -e
intdim profile --format json ${inputs[*]} >$work/study/part-\$SLURM_ARRAY_TASK_ID.json 2>/dev/null
EOF
cat >"$work/study/merge.sbatch" <<EOF
#!/bin/bash
#SBATCH --job-name=intdim-merge
#SBATCH --output=$work/study/merge.out
set -e
for i in 0 1 2 3 4; do cmp $work/study/part-0.json $work/study/part-\$i.json; done
cp $work/study/part-0.json $work/study/merged.json
EOF
array=$(sbatch --parsable "$work/study/array.sbatch") || fail "sbatch of the array"
merge=$(sbatch --parsable --dependency=afterok:"$array" "$work/study/merge.sbatch") || fail "sbatch of the merge"
jobs="$array $merge"
merged=$work/study/merged.json

echo "e2e: submitted jobs $jobs; waiting (at most $timeout s)"
start=$SECONDS
while [ -n "$(squeue -h -j "${jobs// /,}" -o %i 2>/dev/null)" ]; do
  [ $((SECONDS - start)) -lt "$timeout" ] || fail "jobs still queued or running after $timeout s"
  sleep 1
done
t2=$(date +%s.%N)

for j in $jobs; do
  # One line per job (array tasks included): JobState and ExitCode.
  bad=$(scontrol -o show job "$j" | grep -v 'JobState=COMPLETED .*ExitCode=0:0' || true)
  [ -z "$bad" ] || fail "job $j did not complete: $bad"
done
[ -s "$merged" ] || fail "no merged output at $merged"
cmp "$work/profile.json" "$merged" || fail "the merged profile differs from intdim profile"

awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  printf "e2e: OK: merged profile is byte-identical to intdim profile; profile %.2f s, plan + Slurm jobs + merge %.2f s (%.0fx)\n", b - a, c - b, (c - b) / (b - a) }'
