#!/usr/bin/env bash
# A one-node Slurm cluster on localhost, for trying intdim's job arrays and
# for CI: munged, slurmctld and slurmd run as the current user (root in CI)
# from a private directory, without systemd, cgroups or accounting.
#
#   scripts/slurm/local-cluster.sh start    # start and wait until the node is idle
#   scripts/slurm/local-cluster.sh status   # daemons and sinfo
#   scripts/slurm/local-cluster.sh env      # prints: export SLURM_CONF=...
#   scripts/slurm/local-cluster.sh logs     # the daemons' logs
#   scripts/slurm/local-cluster.sh stop     # cancel jobs, stop daemons, remove the directory
#
# It installs nothing; on Debian or Ubuntu:
#   apt-get install -y slurm-wlm munge
# then point the Slurm commands at the cluster with
#   eval "$(scripts/slurm/local-cluster.sh env)"
#
# Environment:
#   INTDIM_SLURM_DIR   the cluster's directory (default ${TMPDIR:-/tmp}/intdim-slurm-$UID);
#                      it holds slurm.conf, the munge key and socket, state, spool and logs
#   INTDIM_SLURM_PORT  slurmctld's port (default 6817); slurmd uses the next one
#   INTDIM_SLURM_WAIT  seconds to wait for the node to become idle (default 60)
#
# stop is idempotent: it does nothing (exit 0) when no cluster is there.
# The node takes the machine's real CPUs and memory (slurmd -C); each task
# gets a core and an equal share of the memory by default (CR_Core_Memory).
set -euo pipefail

DIR=${INTDIM_SLURM_DIR:-${TMPDIR:-/tmp}/intdim-slurm-$(id -u)}
PORT=${INTDIM_SLURM_PORT:-6817}
WAIT=${INTDIM_SLURM_WAIT:-60}
CONF=$DIR/etc/slurm.conf
MARK=$DIR/.intdim-local-cluster

die() {
  echo "local-cluster: $*" >&2
  exit 1
}

need() {
  local missing=()
  for c in munged mungekey slurmctld slurmd sinfo scontrol squeue scancel; do
    command -v "$c" >/dev/null || missing+=("$c")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    die "not installed: ${missing[*]} (on Debian/Ubuntu: apt-get install -y slurm-wlm munge)"
  fi
}

pid_of() { # pid_of NAME: the pid in NAME's pid file, if that process is alive
  local f=$DIR/run/$1.pid p
  [ -s "$f" ] || return 1
  p=$(cat "$f")
  [[ $p =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null && echo "$p"
}

logs() {
  local f
  for f in "$DIR"/log/*; do
    [ -s "$f" ] || continue
    echo "---- $f (last 60 lines)" >&2
    tail -n 60 "$f" >&2
  done
}

fail_start() {
  echo "local-cluster: $*" >&2
  logs
  echo "local-cluster: the directory $DIR is left for inspection; run '$0 stop' to remove it" >&2
  exit 1
}

daemon() { # daemon NAME COMMAND...: run COMMAND in the background, pid in run/NAME.pid
  local name=$1
  shift
  setsid "$@" </dev/null >>"$DIR/log/$name.out" 2>&1 &
  echo $! >"$DIR/run/$name.pid"
}

port_busy() { # port_busy PORT: true when something listens on PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_conf() {
  local user hw host node cpus mem
  user=$(id -un)
  # slurmd -C prints the hardware line slurmd itself will measure, so the
  # node is never drained for a mismatch: NodeName=HOST CPUs=.. Boards=..
  # SocketsPerBoard=.. CoresPerSocket=.. ThreadsPerCore=.. RealMemory=..
  hw=$(slurmd -C | head -n 1) || die "slurmd -C failed"
  host=$(sed -n 's/^NodeName=\([^ ]*\) .*/\1/p' <<<"$hw")
  node=${hw#NodeName=* }
  cpus=$(sed -n 's/.*\bCPUs=\([0-9]*\).*/\1/p' <<<"$node")
  mem=$(sed -n 's/.*\bRealMemory=\([0-9]*\).*/\1/p' <<<"$node")
  if [ -z "$host" ] || [ -z "$cpus" ] || [ -z "$mem" ]; then
    die "cannot read NodeName, CPUs and RealMemory from 'slurmd -C': $hw"
  fi
  echo "$host" >"$DIR/etc/nodename"
  cat >"$CONF" <<EOF
# Written by scripts/slurm/local-cluster.sh: one node on localhost.
ClusterName=intdim
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$DIR/run/munge.socket
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
# A job whose afterok dependency fails is cancelled, not left pending.
DependencyParameters=kill_invalid_depend
SchedulerType=sched/backfill
# Schedule at once when a job ends (the default waits up to 2 s between passes).
SchedulerParameters=sched_min_interval=100000,batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((mem / cpus))
ReturnToService=2
MinJobAge=300
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start() {
  need
  if [ -e "$MARK" ]; then
    if pid_of munged >/dev/null && pid_of slurmctld >/dev/null && pid_of slurmd >/dev/null; then
      echo "local-cluster: already running in $DIR"
      return 0
    fi
    echo "local-cluster: $DIR holds a stopped or half-started cluster; stopping it first" >&2
    stop
  elif [ -e "$DIR" ]; then
    die "$DIR exists but was not made by this script; remove it or set INTDIM_SLURM_DIR"
  fi
  if port_busy "$PORT" || port_busy $((PORT + 1)); then
    die "port $PORT or $((PORT + 1)) on 127.0.0.1 is in use (another Slurm?); set INTDIM_SLURM_PORT"
  fi

  mkdir -p "$(dirname "$DIR")"
  mkdir -m 700 "$DIR" || die "cannot create $DIR"
  touch "$MARK"
  mkdir -m 700 "$DIR/etc" "$DIR/run" "$DIR/log" "$DIR/state" "$DIR/spool" "$DIR/munge"

  # munge: a fresh key, and munged on a socket of its own. Every daemon
  # runs in the foreground, in a session of its own, started here in the
  # background: its pid is known at once and its stderr lands in log/.
  mungekey --create --keyfile="$DIR/munge/munge.key" >/dev/null 2>&1 ||
    dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$DIR/munge/munge.key"
  daemon munged munged --foreground --force \
    --key-file="$DIR/munge/munge.key" \
    --socket="$DIR/run/munge.socket" \
    --pid-file="$DIR/run/munged.pid" \
    --seed-file="$DIR/munge/munged.seed" \
    --log-file="$DIR/log/munged.log"
  local i
  for ((i = 0; i < 100; i++)); do
    [ -S "$DIR/run/munge.socket" ] && break
    pid_of munged >/dev/null || fail_start "munged exited"
    sleep 0.1
  done
  [ -S "$DIR/run/munge.socket" ] || fail_start "munged made no socket in 10 s"

  write_conf
  local host
  host=$(cat "$DIR/etc/nodename")
  export SLURM_CONF=$CONF
  daemon slurmctld slurmctld -D -f "$CONF"
  daemon slurmd slurmd -D -f "$CONF" -N "$host"

  local t0=$SECONDS state=""
  while :; do
    state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1 || true)
    case $state in
    idle) break ;;
    esac
    pid_of slurmctld >/dev/null || fail_start "slurmctld exited"
    pid_of slurmd >/dev/null || fail_start "slurmd exited"
    if [ $((SECONDS - t0)) -ge "$WAIT" ]; then
      sinfo -N -l >&2 || true
      fail_start "the node is not idle after $WAIT s (state: ${state:-unknown})"
    fi
    sleep 1
  done
  echo "local-cluster: node $host idle after $((SECONDS - t0)) s; use: export SLURM_CONF=$CONF"
}

stop_pid() { # stop_pid NAME: TERM, wait up to 10 s, then KILL
  local p i
  p=$(pid_of "$1") || return 0
  kill "$p" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$p" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "local-cluster: $1 ($p) ignored TERM; killing it" >&2
  kill -9 "$p" 2>/dev/null || true
}

stop() {
  if [ ! -e "$DIR" ]; then
    echo "local-cluster: nothing to stop ($DIR does not exist)"
    return 0
  fi
  [ -e "$MARK" ] || die "$DIR was not made by this script; not touching it"
  export SLURM_CONF=$CONF
  if pid_of slurmctld >/dev/null; then
    # Cancel what is left, so that no job step outlives the cluster.
    scancel --user="$(id -un)" 2>/dev/null || true
    local i
    for ((i = 0; i < 30; i++)); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 1
    done
  fi
  stop_pid slurmd
  stop_pid slurmctld
  stop_pid munged
  rm -rf "$DIR"
  echo "local-cluster: stopped; removed $DIR"
}

status() {
  if [ ! -e "$MARK" ]; then
    echo "local-cluster: not running (no $DIR)"
    return 1
  fi
  local n bad=0 p
  for n in munged slurmctld slurmd; do
    if p=$(pid_of "$n"); then
      echo "$n: running (pid $p)"
    else
      echo "$n: not running"
      bad=1
    fi
  done
  echo "SLURM_CONF=$CONF"
  if [ $bad -eq 0 ]; then
    SLURM_CONF=$CONF sinfo -N -l
  fi
  return $bad
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
env) echo "export SLURM_CONF=$CONF" ;;
logs) logs 2>&1 ;;
*)
  echo "usage: $0 start|stop|status|env|logs" >&2
  exit 2
  ;;
esac
