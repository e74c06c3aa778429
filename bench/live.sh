#!/usr/bin/env bash
# Live-snapshot benchmark: N real TCP sockets inside a throwaway network
# namespace (loopback only, 127.0.0.0/8), then tcpdoc reading the same
# kernel against ss, timed inside the namespace: `tcpdoc analyze --json
# --no-owners` against `ss -tan | wc -l`, and `tcpdoc analyze --json`
# (sockets mapped to processes) against `ss -tanp | wc -l`.
#
#   sudo bench/live.sh [SOCKETS=100000] [REPS=5]   -> JSON on the last stdout line
#
# With a third argument `watch`, the cost of `tcpdoc watch` instead: the
# share of one core it takes every 2 s among those sockets, against a second
# namespace with none (bench/live.mjs watch).
set -euo pipefail
N=${1:-100000}
REPS=${2:-5}
MODE=${3:-time}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NS=tcpdoc-bench-$$
READY=$(mktemp -u /tmp/tcpdoc-bench-ready.XXXXXX)
MAKER=""

cleanup() {
  if [ -n "$MAKER" ]; then kill "$MAKER" 2>/dev/null || true; wait "$MAKER" 2>/dev/null || true; fi
  ip netns del "$NS" 2>/dev/null || true
  ip netns del "$NS-idle" 2>/dev/null || true
  rm -f "$READY"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NS"
ip -n "$NS" link set lo up
nsx() { ip netns exec "$NS" "$@"; }
nsx sysctl -qw net.ipv4.ip_local_port_range="1024 65535"
# Keep the workers' listener ports (9000 + w) out of the clients' reach.
nsx sysctl -qw net.ipv4.ip_local_reserved_ports="9000-9099"
nsx sysctl -qw net.core.somaxconn=65535
nsx sysctl -qw net.ipv4.tcp_max_syn_backlog=65535



# Started directly (not through a function) so $! is the node process itself.
ip netns exec "$NS" node "$ROOT/bench/live.mjs" make "$N" "$READY" >&2 &
MAKER=$!
for _ in $(seq 1 240); do
  [ -s "$READY" ] && break
  kill -0 "$MAKER" 2>/dev/null || { echo "socket maker died" >&2; exit 1; }
  sleep 0.5
done
[ -s "$READY" ] || { echo "sockets not ready in 120 s" >&2; exit 1; }
if [ "$MODE" = watch ]; then
  ip netns add "$NS-idle"
  ip -n "$NS-idle" link set lo up
  TCPDOC_IDLE_NS="$NS-idle" nsx "${TCPDOC_BENCH_NODE:-node}" "$ROOT/bench/live.mjs" watch "$REPS"
else
  nsx "${TCPDOC_BENCH_NODE:-node}" "$ROOT/bench/live.mjs" time "$REPS"
fi
