#!/usr/bin/env bash
# End-to-end check of intdim on a real Slurm: builds intdim, cuts a small
# study (five layers of 2000 points from testdata/refs) into 5 tasks with
# `intdim plan --slurm`, submits the generated job array and its dependent
# merge job, waits for them, and checks that the merged profile is byte for
# byte what `intdim profile` prints on the same inputs (one layer with 10 %
# duplicate rows, error bars from --resample). On any failure it
# prints the jobs' output and the cluster's logs and exits non-zero.
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
tasks=5
export SLURM_CONF=${SLURM_CONF:-$("$repo/scripts/slurm/local-cluster.sh" env | sed 's/^export SLURM_CONF=//')}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plan=$work/study/plan # PLAN.json, PLAN.sbatch, PLAN.parts/, PLAN.profile.json ...
array='' merge=''

states() { # states JOB: one line per job (each array task): id, state, reason, exit code
  scontrol -o show job "$1" | awk '{
    line = ""
    for (i = 1; i <= NF; i++)
      if ($i ~ /^(JobId|ArrayTaskId|JobState|Reason|ExitCode)=/) line = line " " $i
    print substr(line, 2) }'
}

fail() {
  echo "e2e: FAIL: $*" >&2
  local f
  for f in "$plan".parts/slurm-*.out; do
    [ -e "$f" ] || continue
    echo "---- $f" >&2
    tail -n 40 "$f" >&2
  done
  for f in $array $merge; do
    echo "---- job $f" >&2
    states "$f" >&2 || true
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

# Options the plan records and the merge must honour: error bars from
# resampling (one search serves them all).
opts=(--resample 5)
inputs=()
for f in bm_M1_Sphere bm_M12_Norm bm_M7_Roll bm_M5a_Helix1d dup10_swissroll_D3; do
  cp "testdata/refs/$f.npy" "$work/study/"
  inputs+=("$work/study/$f.npy")
done

t0=$(date +%s.%N)
intdim profile "${opts[@]}" --format json "${inputs[@]}" >"$work/profile.json" 2>"$work/profile.err" ||
  fail "intdim profile: $(cat "$work/profile.err")"
t1=$(date +%s.%N)

# The same plan run here without Slurm, task after task: the cost of
# cutting the search, apart from the scheduler's.
mkdir "$work/direct"
intdim plan "${inputs[@]}" "${opts[@]}" --tasks "$tasks" --out "$work/direct/plan.json" >"$work/direct.out" 2>&1 ||
  fail "intdim plan: $(cat "$work/direct.out")"
for ((i = 0; i < tasks; i++)); do
  intdim run-task "$work/direct/plan.json" --index "$i" >>"$work/direct.out" 2>&1 ||
    fail "intdim run-task --index $i: $(cat "$work/direct.out")"
done
intdim merge "$work/direct/plan.json" --format json >"$work/direct.json" 2>>"$work/direct.out" ||
  fail "intdim merge: $(cat "$work/direct.out")"
cmp "$work/profile.json" "$work/direct.json" || fail "intdim merge (tasks run here, no Slurm) differs from intdim profile"
t2=$(date +%s.%N)

intdim plan "${inputs[@]}" "${opts[@]}" --tasks "$tasks" --out "$plan.json" --slurm >"$work/plan.out" 2>&1 ||
  fail "intdim plan: $(cat "$work/plan.out")"
for f in "$plan.sbatch" "$plan.merge.sbatch" "$plan.submit.sh"; do
  [ -s "$f" ] || fail "intdim plan --slurm wrote no $f"
done
# PLAN.submit.sh submits the array, then the merge with
# --dependency=afterok on it, and prints "array job A, merge job M (...)".
sh "$plan.submit.sh" >"$work/submit.out" 2>&1 || fail "$plan.submit.sh: $(cat "$work/submit.out")"
array=$(sed -n 's/.*array job \([0-9][0-9]*\).*/\1/p' "$work/submit.out")
merge=$(sed -n 's/.*merge job \([0-9][0-9]*\).*/\1/p' "$work/submit.out")
if [ -z "$array" ] || [ -z "$merge" ]; then
  fail "no job ids in the output of $plan.submit.sh: $(cat "$work/submit.out")"
fi
jobs="$array $merge"
merged=$plan.profile.json

echo "e2e: submitted jobs $jobs; waiting (at most $timeout s)"
start=$SECONDS
while [ -n "$(squeue -h -j "${jobs// /,}" -o %i 2>/dev/null)" ]; do
  [ $((SECONDS - start)) -lt "$timeout" ] || fail "jobs still queued or running after $timeout s"
  sleep 0.5
done
t3=$(date +%s.%N)

for j in $jobs; do
  # One line per job (each array task included): JobState and ExitCode.
  bad=$(states "$j" | grep -v 'JobState=COMPLETED .*ExitCode=0:0' || true)
  [ -z "$bad" ] || fail "job $j did not complete"
done
ran=$(scontrol -o show job "$array" | grep -c 'ArrayTaskId=' || true)
[ "$ran" -eq "$tasks" ] || fail "the array job ran $ran tasks, not $tasks"
[ -s "$merged" ] || fail "no merged output at $merged"
cmp "$work/profile.json" "$merged" || fail "the merged profile differs from intdim profile"

echo "e2e: OK: the merged profile of $tasks Slurm tasks is byte-identical to intdim profile"
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN {
  printf "e2e: wall time: intdim profile %.2f s; plan + %d tasks + merge here %.2f s (%.1fx); the same through Slurm %.2f s (%.1fx)\n",
    b - a, '"$tasks"', c - b, (c - b) / (b - a), d - c, (d - c) / (b - a) }'
