#!/usr/bin/env bash
# tcpdoc lab: produce REAL socket-table dumps from the running kernel.
#
#   sudo test/lab/lab.sh <scenario>|all|list|oracle <scenario>|readme
#
# Every scenario runs in its own network namespace (tcpdoc-<scenario>) that
# has only a loopback interface; all traffic stays on 127.0.0.0/8 and ::1
# inside it. Programs are started with `ip netns exec`, packets are dropped
# with nftables on the namespace's INPUT hook, the tables are captured into
# samples/linux/<scenario>/, expected.json is computed from each captured
# file by the awk oracle below, and everything is torn down by a trap.
# Requirements: root, iproute2, net-tools, nftables, node >= 18, python3;
# `formats` also wants busybox, lsof, sysstat, tmux, dos2unix, a de_DE.UTF-8
# locale; `formats-extra` conntrack, snmpd, snmp, python3-psutil, npm; the
# `series-*` scenarios sysstat and tmux; `fleet` (22 namespaces as hosts on
# one bridge, captured into samples/fleet/) util-linux's unshare and a built
# tcpdoc (npm run build). See test/lab/README.md.
set -euo pipefail

LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LAB/../.." && pwd)
OUT=${TCPDOC_LAB_OUT:-$ROOT/samples/linux}
MAN=$LAB/manifest
TMP=${TMPDIR:-/tmp}/tcpdoc-lab
NODE=${NODE:-node}
PY=${PYTHON:-python3}
SCENARIOS=(healthy close-wait-leak time-wait-port-exhaustion time-wait-blocks-restart
  fin-wait-1-after-restart fin-wait-2-lingering last-ack-after-load-test syn-flood
  syn-sent-unreachable-upstream accept-queue-overflow closing formats
  recv-queue-backlog send-queue-backlog syn-recv-stuck-one-client time-wait-churn
  time-wait-bucket-overflow syncookies-disabled somaxconn-caps-backlog
  too-many-open-files connection-refused-no-listener
  client-close-wait-port-exhaustion close-wait-writing zero-window-stall defer-accept
  closed-held-by-process address-in-use-other-instance ephemeral-block-full
  healthy-busy-time-wait healthy-keepalive-established formats-extra
  series-close-wait-growing series-churn-flat series-time-wait-march
  series-accept-queue-overflow series-fin-wait-1-draining fleet)

NS="" SCN="" DIR=""
PIDS=()
TMUXS=()

log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

nsx() { NSTAT_HISTORY="$TMP/nstat.$NS" ip netns exec "$NS" "$@"; }

cleanup() {
  local p s
  for s in "${TMUXS[@]:-}"; do [ -n "$s" ] && tmux kill-session -t "$s" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  PIDS=() TMUXS=()
  if [ -n "$NS" ]; then
    # kill the namespace's TCP sockets (orphans would outlive the namespace
    # and show up in the next scenario's global sockstat orphan count)
    ip netns exec "$NS" ss -K -tan >/dev/null 2>&1 || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "/etc/netns/$NS"
  fi
  NS=""
  for s in "${FLEET_NS[@]:-}"; do
    [ -n "$s" ] || continue
    ip netns exec "$s" ss -K -tan >/dev/null 2>&1 || true
    ip netns del "$s" 2>/dev/null || true
  done
  FLEET_NS=()
}
FLEET_NS=()
trap cleanup EXIT
trap 'exit 130' INT TERM

setup_ns() {
  SCN=$1 NS=tcpdoc-$1 DIR=$OUT/$1
  ip netns del "$NS" 2>/dev/null || true
  mkdir -p "$TMP" "/etc/netns/$NS"
  # name lookups inside the namespace (lsof -i without -n) must not leave it
  echo "nameserver 127.0.0.1" >"/etc/netns/$NS/resolv.conf"
  ip netns add "$NS"
  ip -n "$NS" link set lo up
  # 127.0.0.0/8 is local on lo already; add the extra addresses explicitly
  ip -n "$NS" addr add 127.0.0.2/8 dev lo
  nsx sysctl -qw net.ipv4.tcp_tw_reuse=0
  rm -rf "$DIR" && mkdir -p "$DIR" "$MAN"
  : >"$MAN/$SCN.tsv"
  rm -f "$TMP"/"$NS".*
  log "namespace $NS ready"
}

# start NAME cmd...: run a program in the namespace in the background
start() {
  local name=$1; shift
  # a plain backgrounded command (no function, no subshell): $! is the pid of
  # `ip netns exec`, which execs the program itself
  NSTAT_HISTORY="$TMP/nstat.$NS" ip netns exec "$NS" "$@" >"$TMP/$NS.$name.log" 2>&1 &
  PIDS+=($!)
  eval "PID_${name//-/_}=$!"
}

# wait_for NAME PATTERN [SECS]: until the program's output shows PATTERN
wait_for() {
  local f="$TMP/$NS.$1.log" i
  for ((i = 0; i < ${3:-30} * 10; i++)); do
    grep -q -- "$2" "$f" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$f" >&2 || true
  die "$1 did not print '$2'"
}

nft_init() {
  nsx nft -f - <<'EOF'
table inet lab {
  chain input {
    type filter hook input priority 0; policy accept;
  }
}
EOF
}
nft_rule() { nsx nft add rule inet lab input "$@"; }

# cap FILE FORMAT CMD: run CMD (a shell line) in the namespace, stdout -> FILE
cap() {
  local file=$1 fmt=$2 cmd=$3
  nsx bash -c "$cmd" >"$DIR/$file" 2>"$TMP/$NS.cap.err" || true
  if [ -s "$TMP/$NS.cap.err" ]; then log "stderr of '$cmd':"; cat "$TMP/$NS.cap.err" >&2; fi
  note "$file" "$fmt" "$cmd"
}
# note FILE FORMAT CMD: record how a file was produced (test/lab/manifest)
note() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$MAN/$SCN.tsv"; }

SYSCTLS="net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse net.ipv4.tcp_fin_timeout net.ipv4.tcp_max_tw_buckets net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies net.ipv4.tcp_syn_retries net.ipv4.tcp_synack_retries net.ipv4.tcp_orphan_retries net.ipv4.tcp_abort_on_overflow net.ipv4.tcp_wmem net.ipv4.tcp_rmem"

# the standard capture set, taken quickly one after another
capture_std() {
  log "capturing $SCN"
  cap ss-tan.txt ss "ss -tan"
  cap ss-tanp.txt ss "ss -tanp"
  cap ss-tanoi.txt ss "ss -tanoi"
  cap ss-tane.txt ss "ss -tane"
  cap netstat-nat.txt netstat "netstat -nat"
  cap netstat-antp.txt netstat "netstat -antp"
  cap netstat-tanoe.txt netstat "netstat -tanoe"
  cap proc-net-tcp.txt proc "cat /proc/net/tcp"
  cap proc-net-tcp6.txt proc "cat /proc/net/tcp6"
  cap nstat.txt - "nstat -az"
  cap proc-net-netstat.txt - "cat /proc/net/netstat"
  cap proc-net-snmp.txt - "cat /proc/net/snmp"
  cap sockstat.txt - "cat /proc/net/sockstat"
  cap ss-s.txt - "ss -s"
  cap netstat-s.txt - "netstat -s"
  cap sysctl.txt - "sysctl $SYSCTLS"
}

# limits that are global to the host: a namespace does not see them under
# /proc/sys (sysctl: cannot stat), so they are read in the initial namespace
SYSCTLS_LIMITS="net.ipv4.tcp_max_orphans net.ipv4.tcp_mem net.core.netdev_max_backlog"
capture_limits() {
  sysctl $SYSCTLS_LIMITS >"$DIR/sysctl-limits.txt"
  note sysctl-limits.txt - "sysctl $SYSCTLS_LIMITS (in the host's initial namespace: global limits)"
}

finish() {
  oracle "$SCN"
  cleanup
  log "done: $DIR"
}

# ---------------------------------------------------------------- oracle
# Independent ground truth: plain awk on the captured file itself, with the
# file's format taken from the manifest (never from tcpdoc code).
AWK_CANON='
function canon(s,   u) {
  u = toupper(s); gsub(/\r/, "", u)
  # VERBUNDEN: net-tools de translation of ESTABLISHED (the only state it translates)
  if (u == "01" || u == "ESTAB" || u == "ESTABLISHED" || u == "VERBUNDEN") return "ESTABLISHED"
  if (u == "02" || u == "SYN-SENT" || u == "SYN_SENT") return "SYN_SENT"
  if (u == "03" || u == "0C" || u == "SYN-RECV" || u == "SYN_RECV" || u == "SYN_RCVD") return "SYN_RECV"
  if (u == "04" || u == "FIN-WAIT-1" || u == "FIN_WAIT1" || u == "FIN_WAIT_1") return "FIN_WAIT_1"
  if (u == "05" || u == "FIN-WAIT-2" || u == "FIN_WAIT2" || u == "FIN_WAIT_2") return "FIN_WAIT_2"
  if (u == "06" || u == "TIME-WAIT" || u == "TIME_WAIT") return "TIME_WAIT"
  if (u == "07" || u == "UNCONN" || u == "CLOSE" || u == "CLOSED") return "CLOSED"
  if (u == "08" || u == "CLOSE-WAIT" || u == "CLOSE_WAIT") return "CLOSE_WAIT"
  if (u == "09" || u == "LAST-ACK" || u == "LAST_ACK") return "LAST_ACK"
  if (u == "0A" || u == "LISTEN") return "LISTEN"
  if (u == "0B" || u == "CLOSING") return "CLOSING"
  return ""
}'

# the other stacks' spellings: conntrack (a flow, not a socket: FIN_WAIT is
# "FIN seen, not yet acknowledged", SYN_SENT2 a simultaneous open), SNMP
# TCP-MIB tcpConnState/tcpConnectionState numbers (RFC 4022), psutil names
AWK_OTHER='
function ctcanon(s) {
  if (s == "FIN_WAIT") return "FIN_WAIT_1"
  if (s == "SYN_SENT2") return "SYN_SENT"
  return canon(s)
}
function snmpcanon(n) {
  split("CLOSED LISTEN SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT LAST_ACK CLOSING TIME_WAIT", m, " ")
  return (n >= 1 && n <= 11) ? m[n] : ""
}'

# states_of FORMAT FILE: one line "STATE COUNT" per socket row (count 1) or
# per histogram line
states_of() {
  local fmt=$1 f=$2
  case $fmt in
    ss) # header, then one row per socket; -i/-e continuation lines start with blanks
      tr -d '\r' <"$f" | awk "$AWK_CANON"' NR>1 && $0 !~ /^[ \t]/ && NF { print canon($1), 1 }' ;;
    ss-rows) # ss rows without their header (`ss -tanp | grep P | head`): every row
      tr -d '\r' <"$f" | awk "$AWK_CANON"' $0 !~ /^[ \t]/ && NF { print canon($1), 1 }' ;;
    ss-netid) # ss -a: Netid State ...; only tcp rows
      tr -d '\r' <"$f" | awk "$AWK_CANON"' NR>1 && $1 == "tcp" { print canon($2), 1 }' ;;
    ss-nostate) # state-filtered output saved without its command line: the
      # file does not say the state, so its rows count as sockets only
      tr -d '\r' <"$f" | awk 'NR>1 && $0 !~ /^[ \t]/ && NF { print "-", 1 }' ;;
    ss-state:*) # state-filtered, command line known (pastes): every row has that state
      tr -d '\r' <"$f" | awk -v st="${fmt#ss-state:}" "$AWK_CANON"' NR>1 && $0 !~ /^[ \t]/ && NF { print canon(st), 1 }' ;;
    netstat) # net-tools and busybox: Proto Recv-Q Send-Q Local Foreign State ...
      tr -d '\r' <"$f" | awk "$AWK_CANON"' $1 == "tcp" || $1 == "tcp6" { print canon($6), 1 }' ;;
    proc) # /proc/net/tcp[6]: st is the 4th field, hex
      tr -d '\r' <"$f" | awk "$AWK_CANON"' NR>1 && NF { print canon($4), 1 }' ;;
    lsof) # COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME (STATE); a
      # descriptor "sock ... protocol: TCP" is a TCP socket that is in no
      # table of the kernel (lsof found no /proc/net/tcp row): CLOSE
      tr -d '\r' <"$f" | awk "$AWK_CANON"' NR>1 && $8 == "TCP" { s = $NF; gsub(/[()]/, "", s); print canon(s), 1 }
        NR>1 && $5 == "sock" && $(NF-1) == "protocol:" && $NF == "TCP" { print "CLOSED", 1 }' ;;
    hist-count-first) # "  COUNT STATE" (uniq -c)
      tr -d '\r' <"$f" | awk "$AWK_CANON"' canon($2) != "" && $1 ~ /^[0-9]+$/ { print canon($2), $1 }' ;;
    hist-count-last) # "STATE COUNT"
      tr -d '\r' <"$f" | awk "$AWK_CANON"' canon($1) != "" && $2 ~ /^[0-9]+$/ { print canon($1), $2 }' ;;
    count:*) # a bare number printed by a command that counts one state (grep | wc -l, grep -c)
      tr -d '\r' <"$f" | awk -v st="${fmt#count:}" "$AWK_CANON"' /^ *[0-9]+ *$/ { print canon(st), $1 + 0; exit }' ;;
    count-hdr:*) # the same, but the count includes ss'"'"'s header line (`ss ... state X | wc -l`)
      tr -d '\r' <"$f" | awk -v st="${fmt#count-hdr:}" "$AWK_CANON"' /^ *[0-9]+ *$/ { print canon(st), $1 - 1; exit }' ;;
    conntrack) # conntrack -L: PROTO PROTONUM TIMEOUT STATE src=... (one flow per row)
      tr -d '\r' <"$f" | awk "$AWK_CANON$AWK_OTHER"' $1 == "tcp" { print ctcanon($4), 1 }' ;;
    nf_conntrack) # /proc/net/nf_conntrack: L3 L3NUM PROTO PROTONUM TIMEOUT STATE ...
      tr -d '\r' <"$f" | awk "$AWK_CANON$AWK_OTHER"' $3 == "tcp" { print ctcanon($6), 1 }' ;;
    snmp) # snmpwalk of tcpConnState (.6.13.1.1) or tcpConnectionState (.6.19.1.7):
      # "OID = INTEGER: established(5)" or "OID = INTEGER: 5"
      tr -d '\r' <"$f" | awk "$AWK_CANON$AWK_OTHER"' /= INTEGER:/ && (/6\.13\.1\.1\./ || /6\.19\.1\.7\./ || /tcpConn(ection)?State/) {
          v = $NF; if (match(v, /\([0-9]+\)/)) v = substr(v, RSTART + 1, RLENGTH - 2); print snmpcanon(v + 0), 1 }' ;;
    psutil) # psutil.net_connections() reprs: every status='...' is one socket
      tr -d '\r' <"$f" | awk "$AWK_CANON"' { l = $0
          while (match(l, /status=.[A-Z_0-9]+./)) { st = substr(l, RSTART + 8, RLENGTH - 9); print canon(st), 1; l = substr(l, RSTART + RLENGTH) } }' ;;
    paste\|*) # "paste|FORMAT|CMD": a terminal transcript; take the output of CMD
      local rest=${fmt#paste|} inner cmd
      inner=${rest%%|*} cmd=${rest#*|}
      paste_section "$cmd" <"$f" >"$TMP/paste.section"
      states_of "$inner" "$TMP/paste.section" ;;
    *) return 1 ;;
  esac
}

# paste_section CMD: a transcript on stdin; print the output of CMD (the
# lines between its prompt line and the next prompt), CR stripped
paste_section() {
  tr -d '\r' | awk -v cmd="$1" '
    /^[^ ]+@[^ ]+:[^ ]*[#$] / { if (f) exit; if (substr($0, length($0) - length(cmd) + 1) == cmd) f = 1; next }
    f'
}

# series_blocks FILE: split a series (each snapshot starts with a `date` or
# `date -u +%FT%TZ` line) into $TMP/series.N; prints the time of each block
series_blocks() {
  rm -f "$TMP"/series.*
  tr -d '\r' <"$1" | awk -v out="$TMP/series." '
    /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]+Z$/ || /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z][a-z]  *[0-9]+ [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [A-Z]+ [0-9]+$/ {
      n++; print > "/dev/stdout"; next }
    n { print > (out n) }'
}

# counts_obj: reads "STATE COUNT" lines, prints {"sockets": N, "states": {...}}
counts_obj() {
  awk '
    { n[$1] += $2; total += $2 }
    END {
      split("LISTEN SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSE_WAIT CLOSING LAST_ACK TIME_WAIT CLOSED", order, " ")
      printf "{\"sockets\": %d, \"states\": {", total
      sep = ""
      for (i = 1; i <= 11; i++) if (n[order[i]] > 0) { printf "%s\"%s\": %d", sep, order[i], n[order[i]]; sep = ", " }
      printf "}}"
      for (s in n) if (s == "") printf "UNMAPPED STATE\n" > "/dev/stderr"
    }'
}

# entry_of FORMAT FILE: the oracle's JSON object for one file; a series
# format ("series:INNER", also inside "paste|series:INNER|CMD") gives one
# object per snapshot: {"series": [{"at": TIME, "sockets": ..., "states": ...}]}
entry_of() {
  local fmt=$1 f=$2 inner at i=0 sep=""
  case $fmt in
    paste\|series:*)
      local rest=${fmt#paste|}
      paste_section "${rest#*|}" <"$f" >"$TMP/paste.whole"
      rest=${rest%%|*}
      entry_of "$rest" "$TMP/paste.whole" ;;
    series:*)
      inner=${fmt#series:}
      printf '{"series": ['
      while read -r at; do
        i=$((i + 1))
        [ -f "$TMP/series.$i" ] || : >"$TMP/series.$i"
        printf '%s\n    {"at": "%s", ' "$sep" "$at"
        # a snapshot's own header (ss) is its first line, as in a plain file
        states_of "$inner" "$TMP/series.$i" | counts_obj | sed 's/^{//'
        sep=","
      done < <(series_blocks "$f")
      printf '\n  ]}' ;;
    *) states_of "$fmt" "$f" | counts_obj ;;
  esac
}

# test/lab/known-gaps.tsv: SCENARIO FILE KIND REASON, for files tcpdoc does
# not read as the oracle does yet. KIND `unparsed:N`: tcpdoc counts every
# socket right and leaves N lines (REASON) unread, written into expected.json
# as the samples suite wants it. KIND `pending`: tcpdoc cannot read the file
# yet; its oracle counts go to expected-gaps.json (which the samples suite
# does not read) with REASON, until the format work moves it over. Series
# files are always pending (their truth is per snapshot).
GAPS=$LAB/known-gaps.tsv
gap_of() { [ -f "$GAPS" ] || return 0; awk -F'\t' -v s="$1" -v f="$2" '$1 == s && $2 == f { print $3 "\t" $4; exit }' "$GAPS"; }

oracle() {
  local scn=$1 dir=$OUT/$1 file fmt cmd k v sep="" gsep="" gap kind reason obj
  [ -f "$MAN/$scn.tsv" ] || die "no manifest for $scn"
  mkdir -p "$TMP"
  : >"$TMP/oracle.main"; : >"$TMP/oracle.gaps"
  while IFS=$'\t' read -r file fmt cmd k v; do
    [ "$fmt" = "-" ] && continue
    [ -f "$dir/$file" ] || continue
    obj=$(entry_of "$fmt" "$dir/$file")
    gap=$(gap_of "$scn" "$file") kind=${gap%%$'\t'*} reason=${gap#*$'\t'}
    case $fmt in *series:*) [ -n "$gap" ] || { kind=pending reason="a series of snapshots: the counts are per snapshot"; } ;; esac
    reason=${reason//\\/\\\\} reason=${reason//\"/\\\"}
    case $kind in
      unparsed:*)
        printf '%s  "%s": %s, "unparsed": %s, "unparsedReason": "%s"}' "$sep" "$file" "${obj%\}}" "${kind#unparsed:}" "$reason" >>"$TMP/oracle.main"
        sep=$',\n' ;;
      pending)
        printf '%s  "%s": %s, "reason": "%s"}' "$gsep" "$file" "${obj%\}}" "$reason" >>"$TMP/oracle.gaps"
        gsep=$',\n' ;;
      *)
        printf '%s  "%s": %s' "$sep" "$file" "$obj" >>"$TMP/oracle.main"
        sep=$',\n' ;;
    esac
  done <"$MAN/$scn.tsv"
  { echo "{"; cat "$TMP/oracle.main"; printf '\n}\n'; } >"$dir/expected.json"
  rm -f "$dir/expected-gaps.json"
  if [ -s "$TMP/oracle.gaps" ]; then
    { echo "{"; cat "$TMP/oracle.gaps"; printf '\n}\n'; } >"$dir/expected-gaps.json"
  fi
  # expected.json itself is generated, list it in the manifest once
  grep -q $'^expected.json\t' "$MAN/$scn.tsv" ||
    printf 'expected.json\t-\t%s\t%s\t%s\n' "test/lab/lab.sh oracle $scn (awk on each file above)" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$MAN/$scn.tsv"
  if [ -f "$dir/expected-gaps.json" ] && ! grep -q $'^expected-gaps.json\t' "$MAN/$scn.tsv"; then
    printf 'expected-gaps.json\t-\t%s\t%s\t%s\n' "test/lab/lab.sh oracle $scn (awk counts of the files listed in test/lab/known-gaps.tsv and of series)" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$MAN/$scn.tsv"
  fi
}

# ---------------------------------------------------------------- scenarios
M=("$NODE" "$LAB/tcplab.mjs")
P=("$PY" "$LAB/tcplab.py")

sc_healthy() {
  setup_ns healthy
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  start clients "${M[@]}" hold count=300 concurrency=50 'send=GET /health HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for clients "ready 300"
  # ~40 short connections, client closes first -> TIME_WAIT on the client side
  nsx "${M[@]}" churn max=40 >"$TMP/$NS.churn.log" 2>&1
  sleep 1
  capture_std
  finish
}

sc_close_wait_leak() {
  setup_ns close-wait-leak
  start server "${M[@]}" serve-leak port=8080 read=180
  wait_for server listening
  # 180 clients connect and close; the server reads the EOF and never closes
  start idle "${M[@]}" hold count=180 then=end
  wait_for idle "ready 180"
  sleep 0.5
  # 120 clients send a request and close; the server never reads them
  start posting "${M[@]}" hold count=120 then=end 'send=POST /upload HTTP/1.1\r\nHost: api\r\nContent-Length: 0\r\n\r\n'
  wait_for posting "ready 120"
  sleep 1
  capture_std
  finish
}

sc_time_wait_port_exhaustion() {
  setup_ns time-wait-port-exhaustion
  nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40999"
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  # the client closes first -> TIME_WAIT on the client's ephemeral ports
  nsx timeout 60 "${M[@]}" churn host=127.0.0.1 port=8080 max=1100 errors=3 crash=1 >>"$DIR/app.log" 2>&1 || true
  nsx timeout 20 "${P[@]}" client-once 127.0.0.1 8080 >>"$DIR/app.log" 2>&1 || true
  note app.log - "node test/lab/tcplab.mjs churn host=127.0.0.1 port=8080 max=1100 errors=3 crash=1 >>app.log 2>&1; python3 test/lab/tcplab.py client-once 127.0.0.1 8080 >>app.log 2>&1"
  capture_std
  finish
}

sc_time_wait_blocks_restart() {
  setup_ns time-wait-blocks-restart
  start server "${P[@]}" bind-server 127.0.0.1 8080 50
  wait_for server listening
  nsx "${P[@]}" reqs 127.0.0.1 8080 50
  wait "$PID_server" || true
  log "server stopped, restarting it without SO_REUSEADDR"
  cp "$TMP/$NS.server.log" "$DIR/app.log"
  nsx "${P[@]}" bind-server 127.0.0.1 8080 50 >>"$DIR/app.log" 2>&1 || true
  note app.log - "python3 test/lab/tcplab.py bind-server 127.0.0.1 8080 50 (first run, serves 50 requests and exits), then the same command again (restart); both outputs (stdout+stderr) in order"
  capture_std
  finish
}

sc_fin_wait_1_after_restart() {
  setup_ns fin-wait-1-after-restart
  # small send buffers keep the orphans' memory modest
  nsx sysctl -qw net.ipv4.tcp_wmem="4096 16384 262144"
  nft_init
  start server "${M[@]}" serve-blast port=8080 bytes=4194304
  wait_for server listening
  start clients "${M[@]}" hold count=120 then=pause src=127.0.3.1,127.0.3.2,127.0.3.3,127.0.3.4
  wait_for clients "ready 120"
  sleep 2
  # the clients become unreachable: nothing from them reaches the server
  nft_rule ip saddr 127.0.3.0/24 tcp dport 8080 drop
  sleep 0.5
  kill -9 "$PID_server"
  sleep 0.5
  # the service comes back on the same port (node sets SO_REUSEADDR)
  start server2 "${M[@]}" serve-echo port=8080
  wait_for server2 listening
  sleep 1
  capture_std
  finish
}

sc_fin_wait_2_lingering() {
  setup_ns fin-wait-2-lingering
  # :8080 shuts down its sending side and keeps the socket (owned FIN_WAIT_2)
  start server "${M[@]}" serve-halfclose port=8080
  # :8081 closes fully (orphaned FIN_WAIT_2, tcp_fin_timeout applies)
  start server2 "${M[@]}" serve-closefirst port=8081
  wait_for server listening
  wait_for server2 listening
  # the peers read the answer and EOF but never close
  start clients "${M[@]}" hold count=200 port=8080 'send=GET / HTTP/1.0\r\n\r\n'
  start clients2 "${M[@]}" hold count=30 port=8081 'send=GET / HTTP/1.0\r\n\r\n'
  wait_for clients "ready 200"
  wait_for clients2 "ready 30"
  sleep 1
  capture_std
  finish
}

sc_last_ack_after_load_test() {
  setup_ns last-ack-after-load-test
  nft_init
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  start steady "${M[@]}" hold count=20 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 20"
  local go="$TMP/$NS.go"
  start loadgen "${P[@]}" vanish 127.0.0.1 8080 127.0.2.1,127.0.2.2,127.0.2.3,127.0.2.4,127.0.2.5,127.0.2.6,127.0.2.7,127.0.2.8 300 "$go"
  wait_for loadgen "ready 300"
  # from now on only FINs from the load generator reach the server
  nft_rule ip saddr 127.0.2.0/24 tcp dport 8080 tcp flags \& fin == 0 drop
  touch "$go"
  wait_for loadgen "gone"
  sleep 2
  capture_std
  finish
}

sc_syn_flood() {
  setup_ns syn-flood
  nsx sysctl -qw net.ipv4.tcp_max_syn_backlog=512
  nft_init
  start server "${M[@]}" serve-echo port=8080 backlog=256
  wait_for server listening
  start steady "${M[@]}" hold count=10 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 10"
  # SYN-ACKs to the spoofed sources vanish (dropped on input, as if the
  # sources did not exist); the server keeps the half-open requests
  nft_rule ip daddr 127.1.0.0/16 tcp sport 8080 drop
  nsx "${P[@]}" synflood 127.0.0.1 8080 127.1.0 200 4 >"$TMP/$NS.flood.log" 2>&1
  sleep 1
  capture_std
  cap dmesg-syn-flooding.txt - "dmesg | grep -i 'SYN flooding' | tail -n 1"
  finish
}

sc_syn_sent_unreachable_upstream() {
  setup_ns syn-sent-unreachable-upstream
  nsx sysctl -qw net.ipv4.tcp_syn_retries=2
  nft_init
  nft_rule ip daddr 127.0.0.20 tcp dport 5432 drop
  start pool "${M[@]}" retry host=127.0.0.20 port=5432 count=150 tries=3
  start pyclient "${P[@]}" client-once 127.0.0.20 5432
  # the first wave times out after 1+2+4 s; capture during the retries
  sleep 9
  capture_std
  cat "$TMP/$NS.pool.log" "$TMP/$NS.pyclient.log" >"$DIR/app.log"
  note app.log - "node test/lab/tcplab.mjs retry host=127.0.0.20 port=5432 count=150 tries=3 (output so far), then python3 test/lab/tcplab.py client-once 127.0.0.20 5432 (output), both stdout+stderr, taken right after the capture"
  finish
}

sc_accept_queue_overflow() {
  setup_ns accept-queue-overflow
  start server "${P[@]}" noaccept 127.0.0.1 8080 16 150
  wait_for server listening
  start clients "${M[@]}" hold count=200 concurrency=200 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  sleep 5
  capture_std
  cap nstat-listen.txt - "nstat -az TcpExtListenOverflows TcpExtListenDrops"
  sleep 5
  cap nstat-after-5s.txt - "nstat -az"
  cap nstat-listen-after-5s.txt - "nstat -az TcpExtListenOverflows TcpExtListenDrops"
  finish
}

sc_closing() {
  setup_ns closing
  nft_init
  local go="$TMP/$NS.go"
  start pairs "${P[@]}" closing-pair 127.0.0.1 8080 127.0.0.2 20 "$go"
  wait_for pairs "ready 20"
  # cut the wire both ways, let both ends close (both FIN_WAIT_1) ...
  nft_rule ip saddr 127.0.0.2 ip daddr 127.0.0.1 tcp dport 8080 drop comment \"to-server\"
  nft_rule ip saddr 127.0.0.1 ip daddr 127.0.0.2 tcp sport 8080 drop comment \"to-client\"
  touch "$go"
  wait_for pairs "closed both ends"
  sleep 1
  # ... then let the client's FIN through: the server receives a FIN while
  # its own FIN is unacknowledged -> CLOSING (its ACKs never come back)
  local h
  h=$(nsx nft -a list chain inet lab input | awk '/to-server/{print $NF}')
  nsx nft delete rule inet lab input handle "$h"
  sleep 4
  capture_std
  finish
}

sc_formats() {
  setup_ns formats
  nsx ip addr add ::1/128 dev lo 2>/dev/null || true
  start web "${M[@]}" serve-echo port=8080
  start dual "${M[@]}" serve-echo host=:: port=9000
  start v6 "${M[@]}" serve-echo host=::1 port=8443
  start leak "${M[@]}" serve-leak port=8081 read=3
  start misc "${M[@]}" udp-unix udpport=5300 path="$TMP/$NS.sock"
  wait_for web listening; wait_for dual listening; wait_for v6 listening; wait_for leak listening
  wait_for misc ready
  start c1 "${M[@]}" hold count=5 port=8080 'send=GET / HTTP/1.1\r\n\r\n'
  start c2 "${M[@]}" hold count=3 host=127.0.0.1 port=9000 'send=GET / HTTP/1.1\r\n\r\n'
  start c3 "${M[@]}" hold count=3 host=::1 port=9000 'send=GET / HTTP/1.1\r\n\r\n'
  start c4 "${M[@]}" hold count=3 host=::1 port=8443 'send=GET / HTTP/1.1\r\n\r\n'
  start c5 "${M[@]}" hold count=6 port=8081 then=end 'send=POST / HTTP/1.1\r\n\r\n'
  wait_for c1 "ready 5"; wait_for c2 "ready 3"; wait_for c3 "ready 3"; wait_for c4 "ready 3"; wait_for c5 "ready 6"
  nsx "${M[@]}" churn max=6 >"$TMP/$NS.churn.log" 2>&1
  nsx "${M[@]}" churn host=::1 port=9000 max=3 >"$TMP/$NS.churn6.log" 2>&1
  sleep 0.5
  capture_std
  local pids
  pids=$(IFS=,; echo "${PIDS[*]}")
  cap ss-a.txt ss-netid "ss -a"
  cap ss-state-close-wait.txt ss-nostate "ss -tan state close-wait"
  cap ss-state-time-wait.txt ss-nostate "ss -tan state time-wait"
  cap ss-tanp-ipv6.txt ss "ss -tanp"
  cap netstat-anp.txt netstat "netstat -anp"
  cap netstat-natW.txt netstat "netstat -natW"
  cap netstat-nato.txt netstat "netstat -nato"
  cap busybox-netstat-tan.txt netstat "busybox netstat -tan"
  # Debian's busybox is built without netstat -p (FEATURE_NETSTAT_PRG)
  cap busybox-netstat-tane.txt netstat "busybox netstat -tane"
  cap lsof-i-n-P.txt lsof "lsof -i -n -P -a -p $pids"
  cap lsof-i.txt lsof "lsof -i -a -p $pids"
  cap sar-n-SOCK.txt - "LC_ALL=C sar -n SOCK 1 3"
  cap hist-netstat-nat.txt hist-count-first "netstat -nat | awk '{print \$6}' | sort | uniq -c | sort -rn"
  cap hist-ss-tan.txt hist-count-first "ss -tan | awk 'NR>1{print \$1}' | sort | uniq -c"
  cap hist-ss-tan-reversed.txt hist-count-last "ss -tan | awk 'NR>1{print \$1}' | sort | uniq -c | awk '{print \$2, \$1}'"
  cap netstat-nat-de.txt netstat "LANG=de_DE.UTF-8 netstat -nat"
  paste_transcript paste-ss-state-close-wait.txt ss-state:close-wait "ss -tan state close-wait"
  paste_transcript paste-netstat-nat.txt netstat "netstat -nat"
  paste_transcript paste-ss-tan.txt ss "ss -tan"
  unix2dos -q -n "$DIR/paste-netstat-nat.txt" "$DIR/paste-netstat-nat-crlf.txt"
  note paste-netstat-nat-crlf.txt "paste|netstat|netstat -nat" "unix2dos -n paste-netstat-nat.txt paste-netstat-nat-crlf.txt (CRLF copy, converted)"
  finish
}

sc_recv_queue_backlog() {
  setup_ns recv-queue-backlog
  # :8080 accepts uploads but its worker is stuck: it never reads them
  start server "${M[@]}" serve-leak port=8080 read=0
  start web "${M[@]}" serve-echo port=8081
  wait_for server listening
  wait_for web listening
  start steady "${M[@]}" hold count=40 port=8081 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  start uploads "${M[@]}" hold count=150 port=8080 "send=POST /upload HTTP/1.1\r\nHost: api\r\nContent-Length: 600\r\n\r\n$(printf 'x%.0s' $(seq 600))"
  wait_for steady "ready 40"
  wait_for uploads "ready 150"
  sleep 1
  capture_std
  capture_limits
  finish
}

sc_send_queue_backlog() {
  setup_ns send-queue-backlog
  nft_init
  start upstream "${M[@]}" serve-echo host=127.0.0.30 port=9000
  start web "${M[@]}" serve-echo port=8080
  wait_for upstream listening
  wait_for web listening
  start steady "${M[@]}" hold count=40 port=8080 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  local go="$TMP/$NS.go"
  start writers "${P[@]}" send-after 127.0.0.30 9000 60 262144 "$go"
  wait_for steady "ready 40"
  wait_for writers "ready 60"
  # the path to the upstream loses every packet from now on: nothing the
  # writers send is acknowledged, it stays in their send queues
  nft_rule ip daddr 127.0.0.30 tcp dport 9000 drop
  touch "$go"
  wait_for writers "wrote"
  sleep 2
  capture_std
  capture_limits
  finish
}

sc_syn_recv_stuck_one_client() {
  setup_ns syn-recv-stuck-one-client
  nft_init
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  start steady "${M[@]}" hold count=30 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 30"
  # 127.0.5.1 receives the SYN-ACKs, but nothing it sends after its SYN
  # (the handshake's final ACK, its data) reaches the server
  nft_rule ip saddr 127.0.5.1 tcp dport 8080 tcp flags \& syn == 0 drop
  start client "${M[@]}" hold count=40 src=127.0.5.1 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for client "ready 40"
  sleep 2
  capture_std
  capture_limits
  finish
}

sc_time_wait_churn() {
  setup_ns time-wait-churn
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  start steady "${M[@]}" hold count=20 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 20"
  # a client without keep-alive: one short connection per request, closed
  # by the client -> TIME_WAIT on its side, default port range
  nsx timeout 60 "${M[@]}" churn host=127.0.0.1 port=8080 max=3000 >"$TMP/$NS.churn.log" 2>&1 || true
  sleep 1
  capture_std
  capture_limits
  finish
}

sc_time_wait_bucket_overflow() {
  setup_ns time-wait-bucket-overflow
  # the folklore setting: TIME_WAIT capped far below the kernel's default
  nsx sysctl -qw net.ipv4.tcp_max_tw_buckets=256
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  start steady "${M[@]}" hold count=20 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 20"
  nsx timeout 60 "${M[@]}" churn host=127.0.0.1 port=8080 max=800 >"$TMP/$NS.churn.log" 2>&1 || true
  sleep 1
  capture_std
  capture_limits
  finish
}

sc_syncookies_disabled() {
  setup_ns syncookies-disabled
  nsx sysctl -qw net.ipv4.tcp_max_syn_backlog=512
  nsx sysctl -qw net.ipv4.tcp_syncookies=0
  nft_init
  start server "${M[@]}" serve-echo port=8080 backlog=256
  wait_for server listening
  start steady "${M[@]}" hold count=10 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 10"
  nft_rule ip daddr 127.1.0.0/16 tcp sport 8080 drop
  nsx "${P[@]}" synflood 127.0.0.1 8080 127.1.0 200 4 >"$TMP/$NS.flood.log" 2>&1
  sleep 1
  capture_std
  capture_limits
  cap dmesg-syn-flooding.txt - "dmesg | grep -i 'SYN flooding' | tail -n 1"
  finish
}

sc_somaxconn_caps_backlog() {
  setup_ns somaxconn-caps-backlog
  # an old-kernel-sized somaxconn: listen(1024) silently gets 64
  nsx sysctl -qw net.core.somaxconn=64
  start server "${P[@]}" noaccept 127.0.0.1 8080 1024 150
  wait_for server listening
  start clients "${M[@]}" hold count=200 concurrency=200 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  sleep 5
  capture_std
  capture_limits
  cp "$TMP/$NS.server.log" "$DIR/app.log"
  note app.log - "python3 test/lab/tcplab.py noaccept 127.0.0.1 8080 1024 150 (stdout+stderr so far)"
  finish
}

sc_too_many_open_files() {
  setup_ns too-many-open-files
  # a server limited to 64 descriptors that never closes its connections
  start server "${P[@]}" fd-limit-server 127.0.0.1 8080 64 150
  wait_for server listening
  start clients "${M[@]}" hold count=100 then=end 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for clients "ready 100"
  wait_for server "Too many open files"
  sleep 2
  capture_std
  capture_limits
  cp "$TMP/$NS.server.log" "$DIR/app.log"
  note app.log - "python3 test/lab/tcplab.py fd-limit-server 127.0.0.1 8080 64 150 (stdout+stderr so far)"
  finish
}

sc_connection_refused_no_listener() {
  setup_ns connection-refused-no-listener
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  start steady "${M[@]}" hold count=20 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 20"
  # the client is configured for :8081, where nothing listens
  nsx timeout 20 "${M[@]}" churn host=127.0.0.1 port=8081 max=5 errors=3 >"$DIR/app.log" 2>&1 || true
  note app.log - "node test/lab/tcplab.mjs churn host=127.0.0.1 port=8081 max=5 errors=3 >app.log 2>&1"
  capture_std
  finish
}

# ---------------------------------------------------------------- field-accuracy scenarios
# (issues 12-14: the incident, the expert inferences, the healthy confounders,
# the formats people paste, and series over time)

sc_client_close_wait_port_exhaustion() {
  setup_ns client-close-wait-port-exhaustion
  # 500 ephemeral ports instead of 28232, so the leak fills them in seconds
  # (and the sample stays small: see "Sample size" in test/lab/README.md)
  nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40499"
  # the upstream's ends are orphaned FIN_WAIT_2 sockets; in the incident they
  # live on another host: let them expire quickly so the table shows what the
  # client host shows (its CLOSE_WAIT sockets never expire)
  nsx sysctl -qw net.ipv4.tcp_fin_timeout=5
  # the upstream (a database on 127.0.0.2:5432) closes connections idle 1.5 s
  start upstream "${M[@]}" serve-idle host=127.0.0.2 port=5432 idle=1500
  wait_for upstream listening
  # the app: 20 busy pool connections, 40 health checks (TIME_WAIT), then
  # one new connection per query, never closed after the upstream closes it
  start app "${P[@]}" leaky-pool 127.0.0.2 5432 20 40 170
  wait_for app "holding" 90
  sleep 7
  capture_std
  cap ss-tanp-state-close-wait.txt ss-nostate "ss -tanp state close-wait"
  cp "$TMP/$NS.app.log" "$DIR/app.log"
  nsx timeout 20 "${P[@]}" client-once 127.0.0.2 5432 >>"$DIR/app.log" 2>&1 || true
  nsx timeout 20 "${M[@]}" churn host=127.0.0.2 port=5432 max=1 errors=1 >>"$DIR/app.log" 2>&1 || true
  note app.log - "python3 test/lab/tcplab.py leaky-pool 127.0.0.2 5432 20 40 170 (the app's stdout+stderr so far), then python3 test/lab/tcplab.py client-once 127.0.0.2 5432, then node test/lab/tcplab.mjs churn host=127.0.0.2 port=5432 max=1 errors=1 (each >>app.log 2>&1)"
  finish
}

sc_close_wait_writing() {
  setup_ns close-wait-writing
  nsx sysctl -qw net.ipv4.tcp_wmem="4096 16384 262144"
  nsx sysctl -qw net.ipv4.tcp_rmem="4096 131072 262144"
  # :8080 reads each request to EOF, then keeps writing its answer to the
  # peer that has hung up (its sockets are in CLOSE_WAIT)
  start server "${P[@]}" write-after-eof 127.0.0.1 8080 150
  start web "${M[@]}" serve-echo port=8081
  wait_for server listening
  wait_for web listening
  start steady "${M[@]}" hold count=20 port=8081 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  # 60 clients send a request, shutdown(SHUT_WR), and never read
  start clients "${P[@]}" halfclose-noread 127.0.0.1 8080 60 150
  wait_for steady "ready 20"
  wait_for clients "ready 60"
  sleep 3
  capture_std
  capture_limits
  finish
}

sc_zero_window_stall() {
  setup_ns zero-window-stall
  nsx sysctl -qw net.ipv4.tcp_wmem="4096 16384 262144"
  nsx sysctl -qw net.ipv4.tcp_rmem="4096 131072 262144"
  # :8080 streams 8 MiB to every client; the clients stop reading (a stuck
  # consumer): their receive windows close, the server's Send-Q fills and
  # its persist timer probes the zero window
  start server "${M[@]}" serve-blast port=8080 bytes=8388608
  start web "${M[@]}" serve-echo port=8081
  wait_for server listening
  wait_for web listening
  start steady "${M[@]}" hold count=20 port=8081 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  start clients "${M[@]}" hold count=50 then=pause src=127.0.4.1
  wait_for steady "ready 20"
  wait_for clients "ready 50"
  sleep 3
  capture_std
  capture_limits
  finish
}

sc_defer_accept() {
  setup_ns defer-accept
  # a listener with TCP_DEFER_ACCEPT: a connection is queued for accept()
  # only when its first data arrives
  start server "${P[@]}" defer-server 127.0.0.1 8080 30 150
  wait_for server listening
  # 80 clients connect and send nothing (their handshake is complete on the
  # client side); 20 clients send a request and are served
  start idle "${M[@]}" hold count=80
  start active "${M[@]}" hold count=20 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for idle "ready 80"
  wait_for active "ready 20"
  sleep 2
  capture_std
  capture_limits
  finish
}

sc_closed_held_by_process() {
  setup_ns closed-held-by-process
  # one process keeps 150 sockets whose connection the peer reset, and 50
  # sockets whose non-blocking connect() was refused; it never closes them
  start app "${P[@]}" closed-holder 127.0.0.1 8080 150 50 150
  wait_for app "holding"
  sleep 0.5
  capture_std
  cap ss-tan-state-closed.txt ss-nostate "ss -tan state closed"
  cap lsof-p.txt lsof "lsof -n -P -p $PID_app"
  cap proc-pid-fd.txt - "ls -l /proc/$PID_app/fd"
  cp "$TMP/$NS.app.log" "$DIR/app.log"
  note app.log - "python3 test/lab/tcplab.py closed-holder 127.0.0.1 8080 150 50 150 (stdout+stderr so far)"
  finish
}

sc_address_in_use_other_instance() {
  setup_ns address-in-use-other-instance
  # instance 1 of a python service listens on :8080, instance 1 of a node
  # service on :8081; a second instance of each is started and fails to bind
  start first "${P[@]}" listen-server 127.0.0.1 8080 150
  start firstnode "${M[@]}" serve-echo port=8081
  wait_for first listening
  wait_for firstnode listening
  start steady "${M[@]}" hold count=10 port=8080 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 10"
  cp "$TMP/$NS.first.log" "$DIR/app.log"
  nsx timeout 10 "${P[@]}" listen-server 127.0.0.1 8080 5 >>"$DIR/app.log" 2>&1 || true
  nsx timeout 10 "${M[@]}" serve-echo port=8081 >>"$DIR/app.log" 2>&1 || true
  note app.log - "python3 test/lab/tcplab.py listen-server 127.0.0.1 8080 150 (instance 1, output so far), then the same command again (instance 2), then node test/lab/tcplab.mjs serve-echo port=8081 while instance 1 of it listens (each >>app.log 2>&1)"
  capture_std
  finish
}

sc_ephemeral_block_full() {
  setup_ns ephemeral-block-full
  # a 256-port range; every port of it is used toward 127.0.0.1:8080
  nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40255"
  start server "${M[@]}" serve-echo port=8080 backlog=1024
  wait_for server listening
  start clients "${M[@]}" hold count=256 concurrency=64 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for clients "ready 256"
  nsx timeout 20 "${P[@]}" client-once 127.0.0.1 8080 >"$DIR/app.log" 2>&1 || true
  note app.log - "python3 test/lab/tcplab.py client-once 127.0.0.1 8080 >app.log 2>&1 (the 257th connection)"
  sleep 0.5
  capture_std
  finish
}

sc_healthy_busy_time_wait() {
  setup_ns healthy-busy-time-wait
  # a busy web server: HTTP/1.0-style requests on :8080 that the server
  # closes first (TIME_WAIT on the server's side, spread over 50 client
  # addresses), keep-alive clients on :8443. Sizes are kept small: see
  # "Sample size" in test/lab/README.md
  start web "${M[@]}" serve-closefirst port=8080 backlog=1024
  start api "${M[@]}" serve-echo port=8443
  wait_for web listening
  wait_for api listening
  local src50 src20 i
  src50=$(for i in $(seq 1 50); do printf '127.0.7.%d,' "$i"; done)
  src20=$(for i in $(seq 1 20); do printf '127.0.8.%d,' "$i"; done)
  start keep "${M[@]}" hold count=30 port=8443 src="${src20%,}" 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for keep "ready 30"
  start short "${M[@]}" pulse rate=30 secs=10 port=8080 then=wait src="${src50%,}" 'send=GET / HTTP/1.0\r\n\r\n'
  wait_for short "pulse:" 30
  sleep 1
  capture_std
  capture_limits
  finish
}

sc_healthy_keepalive_established() {
  setup_ns healthy-keepalive-established
  # 300 keep-alive connections from 30 client addresses (600 ESTABLISHED
  # rows; see "Sample size" in test/lab/README.md)
  start server "${M[@]}" serve-echo port=8080 backlog=4096
  wait_for server listening
  local src i
  src=$(for i in $(seq 1 30); do printf '127.0.9.%d,' "$i"; done)
  start clients "${M[@]}" hold count=300 concurrency=100 src="${src%,}" 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for clients "ready 300" 90
  sleep 1
  capture_std
  capture_limits
  finish
}

# net-snmp's own MIB files do not include TCP-MIB; RFC1213-MIB (MIB-II, which
# defines tcpConnState at the same OID) comes with the npm package net-snmp
snmp_mibs() {
  local d="$TMP/mibs"
  [ -f "$d/RFC1213-MIB.mib" ] && { echo "$d"; return 0; }
  mkdir -p "$d"
  (cd "$d" && npm pack --silent net-snmp@3.29.2 >/dev/null 2>&1 && tar -xzf net-snmp-3.29.2.tgz --strip-components=3 package/lib/mibs) || return 1
  [ -f "$d/RFC1213-MIB.mib" ] && echo "$d"
}

sc_formats_extra() {
  setup_ns formats-extra
  nsx ip addr add ::1/128 dev lo 2>/dev/null || true
  # a rule that uses conntrack makes the kernel track this namespace's flows
  nsx nft -f - <<'EOF'
table inet lab {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state invalid counter comment "conntrack on"
  }
}
EOF
  # an unreachable upstream: its SYNs are dropped (SYN_SENT, [UNREPLIED])
  nft_rule ip daddr 127.0.0.20 tcp dport 5432 drop
  start web "${M[@]}" serve-echo port=8080
  start leak "${M[@]}" serve-leak port=8081 read=5
  start v6 "${M[@]}" serve-echo host=::1 port=8443
  wait_for web listening; wait_for leak listening; wait_for v6 listening
  start c1 "${M[@]}" hold count=8 port=8080 'send=GET / HTTP/1.1\r\n\r\n'
  start c2 "${M[@]}" hold count=5 port=8081 then=end 'send=POST / HTTP/1.1\r\n\r\n'
  start c3 "${M[@]}" hold count=3 host=::1 port=8443 'send=GET / HTTP/1.1\r\n\r\n'
  wait_for c1 "ready 8"; wait_for c2 "ready 5"; wait_for c3 "ready 3"
  nsx "${M[@]}" churn max=10 >"$TMP/$NS.churn.log" 2>&1
  start pool "${M[@]}" retry host=127.0.0.20 port=5432 count=6 tries=1
  # snmpd in the namespace, read-only community public on 127.0.0.1
  printf 'agentAddress udp:127.0.0.1:161\nrocommunity public 127.0.0.1\n' >"$TMP/$NS.snmpd.conf"
  start snmpd snmpd -f -Lo -C -c "$TMP/$NS.snmpd.conf" -p "$TMP/$NS.snmpd.pid"
  wait_for snmpd "NET-SNMP version"
  sleep 1
  capture_std
  cap conntrack-L.txt conntrack "conntrack -L"
  cap proc-net-nf_conntrack.txt nf_conntrack "cat /proc/net/nf_conntrack"
  cap snmpwalk-tcpConnState.txt snmp "snmpwalk -v2c -c public 127.0.0.1 1.3.6.1.2.1.6.13.1.1"
  cap snmpwalk-On-tcpConnState.txt snmp "snmpwalk -On -v2c -c public 127.0.0.1 1.3.6.1.2.1.6.13.1.1"
  cap snmpwalk-tcpConnectionState.txt snmp "snmpwalk -v2c -c public 127.0.0.1 1.3.6.1.2.1.6.19.1.7"
  local mibs
  if mibs=$(snmp_mibs); then
    cap snmpwalk-rfc1213-tcpConnState.txt snmp "snmpwalk -M +$mibs -m RFC1213-MIB -v2c -c public 127.0.0.1 RFC1213-MIB::tcpConnState"
  else
    log "no RFC1213-MIB (npm pack net-snmp failed): symbolic snmpwalk skipped"
  fi
  # Debian's python3-psutil is for /usr/bin/python3
  cap psutil-net-connections.txt psutil "PATH=/usr/bin:\$PATH python3 -c 'import psutil; print(psutil.net_connections(kind=\"tcp\"))'"
  cap psutil-per-line.txt psutil "PATH=/usr/bin:\$PATH python3 -c 'import psutil; [print(c) for c in psutil.net_connections(kind=\"tcp\")]'"
  # terminal transcripts, as people paste them
  paste_transcript paste-conntrack-L.txt conntrack "conntrack -L"
  paste_transcript paste-netstat-an-grep-close-wait-wc.txt count:CLOSE_WAIT "netstat -an | grep CLOSE_WAIT | wc -l"
  paste_transcript paste-ss-state-time-wait-wc.txt count-hdr:TIME_WAIT "ss -tan state time-wait | wc -l"
  paste_transcript paste-netstat-an-grep-c-time-wait.txt count:TIME_WAIT "netstat -an | grep -c TIME_WAIT"
  paste_transcript paste-netstat-nat-uniq-c.txt hist-count-first "netstat -nat | awk '{print \$6}' | sort | uniq -c"
  paste_transcript paste-netstat-n-awk-states.txt hist-count-last "netstat -n | awk '/^tcp/ {++S[\$NF]} END {for(a in S) print a, S[a]}'"
  paste_transcript paste-ss-tanp-grep-head.txt ss-rows "ss -tanp | grep 8080 | head -20"
  paste_multi paste-sysctl-bare.txt 1 "sysctl -n net.ipv4.ip_local_port_range" "cat /proc/sys/net/ipv4/ip_local_port_range" \
    "sysctl -n net.ipv4.tcp_tw_reuse" "sysctl -n net.ipv4.tcp_fin_timeout" "sysctl -n net.core.somaxconn" \
    "cat /proc/sys/net/ipv4/tcp_max_orphans"
  paste_multi paste-sysctl-bare-host.txt 1 host "cat /proc/sys/net/ipv4/tcp_max_orphans" "sysctl -n net.ipv4.tcp_max_orphans" \
    "cat /proc/sys/net/ipv4/tcp_mem" "sysctl -n net.core.netdev_max_backlog"
  finish
}

# ---------------------------------------------------------------- series
# record_series SECS INTERVAL: the shapes people paste, recorded while the
# scenario goes on: a `while true; do date; ...; done` transcript in tmux,
# `ss -tan` snapshots each after a `date -u +%FT%TZ` line, nstat with
# timestamps, and sar -n SOCK / -n ETCP every second (in the background)
series_begin() {
  local secs=$1 iv=$2 n=$(($1 / $2))
  paste_begin series-while-netstat-uniq-c.txt series:hist-count-first \
    "while true; do date; netstat -nat | awk '{print \$6}' | sort | uniq -c; sleep $iv; done"
  bg_cap series-ss-tan.txt series:ss "for i in \$(seq $n); do date -u +%FT%TZ; ss -tan; sleep $iv; done"
  bg_cap series-nstat.txt - "for i in \$(seq $n); do date -u +%FT%TZ; nstat -az; sleep $iv; done"
  bg_cap sar-n-SOCK.txt - "LC_ALL=C sar -n SOCK 1 $secs"
  bg_cap sar-n-ETCP.txt - "LC_ALL=C sar -n ETCP 1 $secs"
}
series_end() {
  bg_wait
  paste_end series-while-netstat-uniq-c.txt
}

sc_series_close_wait_growing() {
  setup_ns series-close-wait-growing
  # the server reads every EOF and never closes: 5 new CLOSE_WAIT per second,
  # and the same sockets stay
  start server "${M[@]}" serve-leak port=8080 read=100000
  start web "${M[@]}" serve-echo port=8081
  wait_for server listening; wait_for web listening
  start steady "${M[@]}" hold count=20 port=8081 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 20"
  start clients "${M[@]}" pulse rate=5 secs=27 port=8080 then=end 'send=POST /upload HTTP/1.1\r\nContent-Length: 0\r\n\r\n'
  series_begin 24 3
  series_end
  capture_std
  finish
}

sc_series_churn_flat() {
  setup_ns series-churn-flat
  # the server closes 4 s after each EOF: a slow but working close path.
  # 8 new connections per second -> about 32 CLOSE_WAIT at any time, never
  # the same ones for long
  start server "${M[@]}" serve-slowclose port=8080 delay=4000
  start web "${M[@]}" serve-echo port=8081
  wait_for server listening; wait_for web listening
  start steady "${M[@]}" hold count=20 port=8081 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  wait_for steady "ready 20"
  start clients "${M[@]}" pulse rate=8 secs=40 port=8080 then=end 'send=POST /upload HTTP/1.1\r\nContent-Length: 0\r\n\r\n'
  sleep 6
  series_begin 24 3
  series_end
  capture_std
  finish
}

sc_series_time_wait_march() {
  setup_ns series-time-wait-march
  # 400 ports, 20 short connections per second closed by the client: the
  # TIME_WAIT pile (60 s each) reaches the limit after about 20 s
  nsx sysctl -qw net.ipv4.ip_local_port_range="40000 40399"
  start server "${M[@]}" serve-echo port=8080
  wait_for server listening
  series_begin 33 3
  sleep 2
  start app "${P[@]}" churn-rate 127.0.0.1 8080 20 30
  series_end
  wait "$PID_app" || true
  cp "$TMP/$NS.app.log" "$DIR/app.log"
  note app.log - "python3 test/lab/tcplab.py churn-rate 127.0.0.1 8080 20 30 (stdout+stderr; started 2 s after the recorders)"
  capture_std
  finish
}

sc_series_accept_queue_overflow() {
  setup_ns series-accept-queue-overflow
  # listen(16), never accepting; 10 new clients per second keep coming
  start server "${P[@]}" noaccept 127.0.0.1 8080 16 150
  wait_for server listening
  start clients "${M[@]}" pulse rate=10 secs=30 port=8080 then=hold 'send=GET / HTTP/1.1\r\nHost: api\r\n\r\n'
  sleep 2
  bg_cap series-nstat-listen.txt - "for i in \$(seq 12); do date -u +%FT%TZ; nstat -az TcpExtListenOverflows TcpExtListenDrops; sleep 2; done"
  bg_cap series-netstat-s-listen.txt - "for i in \$(seq 12); do date; netstat -s | grep -i listen; sleep 2; done"
  series_begin 24 3
  series_end
  capture_std
  finish
}

sc_series_fin_wait_1_draining() {
  setup_ns series-fin-wait-1-draining
  nsx sysctl -qw net.ipv4.tcp_wmem="4096 16384 262144"
  nsx sysctl -qw net.ipv4.tcp_rmem="4096 131072 262144"
  local go="$TMP/$NS.go"
  rm -f "$go"
  start server "${M[@]}" serve-blast port=8080 bytes=4194304
  wait_for server listening
  # 100 slow clients stop reading; once $go exists they read again, 5 more
  # every second, and close at EOF
  start clients "${M[@]}" hold count=100 then=pause resume="$go" rate=5 src=127.0.3.1,127.0.3.2
  wait_for clients "ready 100"
  sleep 2
  # the server is restarted: its 100 sockets become orphans in FIN_WAIT_1
  kill -9 "$PID_server"
  start server2 "${M[@]}" serve-echo port=8080
  wait_for server2 listening
  series_begin 30 3
  sleep 4
  touch "$go"
  series_end
  capture_std
  finish
}

# paste_transcript FILE INNER-FORMAT CMD [SECS] [host]: a real interactive
# bash in tmux inside the namespace (or, with `host`, in the host's initial
# namespace: global sysctls); type CMD, wait SECS (1), press Ctrl-C, capture
# the whole pane with its history
paste_transcript() {
  paste_begin "$1" "$2" "$3" "${5:-}"
  sleep "${4:-1}"
  paste_end "$1"
}
# tmux_new SESSION SHELL: a 200x50 session running SHELL with a plain
# prompt; retried once (a new session can race the exit of the server the
# previous transcript's session left)
tmux_new() {
  tmux new-session -d -s "$1" -x 200 -y 50 -c /root "env PS1='\\u@\\h:\\w\\$ ' $2" 2>/dev/null ||
    { sleep 0.5; tmux new-session -d -s "$1" -x 200 -y 50 -c /root "env PS1='\\u@\\h:\\w\\$ ' $2"; }
}
# paste_begin FILE INNER-FORMAT CMD [host]: start the session and type CMD
# (for loops that run while the scenario goes on); paste_end FILE stops it
declare -A PASTE_S=() PASTE_F=() PASTE_C=() PASTE_H=()
paste_begin() {
  local file=$1 inner=$2 cmd=$3 where=${4:-} s="tcpdoc-paste-$$-${#TMUXS[@]}" i shell
  TMUXS+=("$s")
  shell="ip netns exec $NS bash --norc --noprofile -i"
  [ "$where" = host ] && shell="bash --norc --noprofile -i"
  tmux_new "$s" "$shell"
  for ((i = 0; i < 50; i++)); do tmux capture-pane -p -t "$s" | grep -q '# $' && break; sleep 0.1; done
  tmux send-keys -t "$s" -l "$cmd"
  tmux send-keys -t "$s" Enter
  PASTE_S[$file]=$s PASTE_F[$file]=$inner PASTE_C[$file]=$cmd PASTE_H[$file]=$where
}
paste_end() {
  local file=$1 s=${PASTE_S[$1]} where="interactive bash in the namespace"
  [ "${PASTE_H[$1]}" = host ] && where="interactive bash in the host's initial namespace"
  tmux send-keys -t "$s" C-c
  sleep 0.5
  tmux capture-pane -p -S - -t "$s" >"$DIR/$file"
  tmux kill-session -t "$s"
  note "$file" "paste|${PASTE_F[$file]}|${PASTE_C[$file]}" "tmux capture-pane -p -S - ($where, typed: ${PASTE_C[$file]}, then Ctrl-C)"
}

# paste_multi FILE SECS CMD...: one transcript with several commands typed
# one after another (SECS after each); only for files the oracle does not count
paste_multi() {
  local file=$1 secs=$2 where="" s="tcpdoc-paste-$$-${#TMUXS[@]}" i shell c all=""
  shift 2
  if [ "$1" = host ]; then where=host; shift; fi
  TMUXS+=("$s")
  shell="ip netns exec $NS bash --norc --noprofile -i"
  [ "$where" = host ] && shell="bash --norc --noprofile -i"
  tmux_new "$s" "$shell"
  for ((i = 0; i < 50; i++)); do tmux capture-pane -p -t "$s" | grep -q '# $' && break; sleep 0.1; done
  for c in "$@"; do
    tmux send-keys -t "$s" -l "$c"
    tmux send-keys -t "$s" Enter
    sleep "$secs"
    all+="${all:+; }$c"
  done
  tmux capture-pane -p -S - -t "$s" >"$DIR/$file"
  tmux kill-session -t "$s"
  local in="the namespace"
  [ "$where" = host ] && in="the host's initial namespace"
  note "$file" - "tmux capture-pane -p -S - (interactive bash in $in, typed one after another: $all)"
}

# bg_cap FILE FORMAT CMD: like cap, but in the background (series recorders);
# bg_wait waits for all of them
BGS=()
bg_cap() {
  local file=$1 fmt=$2 cmd=$3
  NSTAT_HISTORY="$TMP/nstat.$NS.$file" ip netns exec "$NS" bash -c "$cmd" >"$DIR/$file" 2>"$TMP/$NS.$file.err" &
  BGS+=($!)
  PIDS+=($!)
  note "$file" "$fmt" "$cmd"
}
bg_wait() {
  local p
  for p in "${BGS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  BGS=()
}

# ---------------------------------------------------------------- README
readme() {
  local f="$ROOT/samples/README.md" tmp scn
  tmp=$(mktemp)
  {
    echo "<!-- BEGIN linux: generated by test/lab/lab.sh readme, do not edit by hand -->"
    echo "## Linux (captured by test/lab)"
    echo
    echo "Every file under \`samples/linux/\` was captured from a real Linux kernel by"
    echo "\`test/lab/lab.sh\` (see \`test/lab/README.md\`): each scenario runs real"
    echo "programs in a throwaway network namespace, and the file holds exactly what"
    echo "the command printed (stdout), nothing typed or edited by hand."
    echo "\`expected.json\` in each folder is the ground truth computed from each"
    echo "socket-table file by the awk oracle in \`lab.sh\` (\`lab.sh oracle <scenario>\`)."
    echo "Commands ran inside \`ip netns exec tcpdoc-<scenario>\`."
    echo
    echo "| path | command | scenario | kernel | captured (UTC) |"
    echo "|---|---|---|---|---|"
    for scn in "${SCENARIOS[@]}"; do
      [ -f "$MAN/$scn.tsv" ] || continue
      while IFS=$'\t' read -r file fmt cmd kern when; do
        cmd=${cmd//|/\\|}
        printf '| `linux/%s/%s` | `%s` | %s | %s | %s |\n' "$scn" "$file" "$cmd" "$scn" "$kern" "$when"
      done <"$MAN/$scn.tsv"
    done
    echo "<!-- END linux -->"
  } >"$tmp"
  if [ -f "$f" ] && grep -q '<!-- BEGIN linux' "$f"; then
    awk -v gen="$tmp" '
      /<!-- BEGIN linux/ { while ((getline l < gen) > 0) print l; skip = 1; next }
      /<!-- END linux -->/ { skip = 0; next }
      !skip' "$f" >"$f.new" && mv "$f.new" "$f"
  else
    {
      echo "# Sample socket-table dumps"
      echo
      echo "All Linux samples below are captured from a real kernel by \`test/lab/lab.sh\`;"
      echo "none is hand-written. Sections for other systems follow the Linux one."
      echo
      cat "$tmp"
      [ -f "$f" ] && cat "$f"
    } >"$f.new" && mv "$f.new" "$f"
  fi
  rm -f "$tmp"
  log "wrote $f"
}

# ---------------------------------------------------------------- fleet
# Many hosts at once: each host is a network namespace with one veth on a
# bridge (in its own namespace, tcpdoc-fleet-sw), 10.77.0.0/24, so
# connections cross "hosts". 20 web hosts run the API on :8080; lb01 holds
# connections to every one of them; 18 of the web hosts have a pool to the
# database db01:5432, which drops every SYN (the upstream is down); the two
# web hosts labelled build=2.5.0-rc1 run a server that never closes after
# the peer's FIN (CLOSE_WAIT there, FIN_WAIT_2 on lb01: the cross-host
# pair); web11 churns short connections to itself (a TIME_WAIT outlier).
# Each host is captured by `tcpdoc snapshot` inside its namespace, with its
# own UTS namespace so the header names the host; labels go in a file
# beside the snapshot. Output: samples/fleet/<host>/{snapshot.txt,labels.txt}.
FLEET_OUT=${TCPDOC_FLEET_OUT:-$ROOT/samples/fleet}
FLEET_WEB=20
FLEET_LEAKY="web07 web13"
FLEET_NOPOOL="web19 web20"

fleet_host() { # NAME IP: a namespace on the bridge
  local ns=tcpdoc-fleet-$1
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  FLEET_NS+=("$ns")
  ip -n "$ns" link set lo up
  ip link add "v-$1" type veth peer name eth0 netns "$ns"
  ip link set "v-$1" netns tcpdoc-fleet-sw
  ip -n tcpdoc-fleet-sw link set "v-$1" master br0 up
  ip -n "$ns" addr add "$2/24" dev eth0
  ip -n "$ns" link set eth0 up
}

# fstart HOST NAME cmd...: run a program on a host in the background
fstart() {
  local h=$1 name=$2; shift 2
  ip netns exec "tcpdoc-fleet-$h" "$@" >"$TMP/fleet.$h.$name.log" 2>&1 &
  PIDS+=($!)
}
fwait() { # HOST NAME PATTERN
  local f="$TMP/fleet.$1.$2.log" i
  for ((i = 0; i < 300; i++)); do grep -q -- "$3" "$f" 2>/dev/null && return 0; sleep 0.1; done
  cat "$f" >&2 || true
  die "$1/$2 did not print '$3'"
}

sc_fleet() {
  local i h ip web=() build
  [ -f "$ROOT/dist/tcpdoc.js" ] || die "build tcpdoc first (npm run build): the hosts run bin/tcpdoc.js snapshot"
  mkdir -p "$TMP"
  ip netns del tcpdoc-fleet-sw 2>/dev/null || true
  ip netns add tcpdoc-fleet-sw
  FLEET_NS+=(tcpdoc-fleet-sw)
  ip -n tcpdoc-fleet-sw link add br0 type bridge
  ip -n tcpdoc-fleet-sw link set br0 up
  fleet_host db01 10.77.0.250
  fleet_host lb01 10.77.0.1
  for ((i = 1; i <= FLEET_WEB; i++)); do
    h=$(printf 'web%02d' "$i"); web+=("$h")
    fleet_host "$h" "10.77.0.$((10 + i))"
  done
  # the database is down: every SYN to :5432 is dropped on db01
  ip netns exec tcpdoc-fleet-db01 nft -f - <<'NFT'
table inet lab {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 5432 drop
  }
}
NFT
  fstart db01 admin "${M[@]}" serve-echo host=0.0.0.0 port=22 title=sshd-sim
  for ((i = 1; i <= FLEET_WEB; i++)); do
    h=${web[i - 1]}
    if [[ " $FLEET_LEAKY " == *" $h "* ]]; then
      fstart "$h" api "${M[@]}" serve-leak host=0.0.0.0 port=8080 read=1000 title=api
    else
      fstart "$h" api "${M[@]}" serve-echo host=0.0.0.0 port=8080 title=api
    fi
  done
  for h in "${web[@]}"; do fwait "$h" api listening; done
  fwait db01 admin listening
  # lb01: 12 kept connections to every web host; to the leaky ones 30 more
  # that send a request and half-close (the server reads the FIN, never closes)
  for ((i = 1; i <= FLEET_WEB; i++)); do
    h=${web[i - 1]} ip=10.77.0.$((10 + i))
    fstart lb01 "hold-$h" "${M[@]}" hold host="$ip" port=8080 count=12 concurrency=12 'send=GET /health HTTP/1.1\r\n\r\n' title=lb
    if [[ " $FLEET_LEAKY " == *" $h "* ]]; then
      fstart lb01 "end-$h" "${M[@]}" hold host="$ip" port=8080 count=30 concurrency=30 then=end 'send=POST /v1/orders HTTP/1.1\r\nContent-Length: 0\r\n\r\n' title=lb
    fi
  done
  for ((i = 1; i <= FLEET_WEB; i++)); do
    h=${web[i - 1]}
    fwait lb01 "hold-$h" "ready 12"
    if [[ " $FLEET_LEAKY " == *" $h "* ]]; then fwait lb01 "end-$h" "ready 30"; fi
  done
  # the pools to the database: SYN_SENT that lasts (tcp_syn_retries=6, ~127 s)
  for h in "${web[@]}"; do
    [[ " $FLEET_NOPOOL " == *" $h "* ]] && continue
    fstart "$h" pool "${M[@]}" retry host=10.77.0.250 port=5432 count=8 tries=1 title=pool
  done
  # web11 churns short connections to its own API: TIME_WAIT far above the others
  ip netns exec tcpdoc-fleet-web11 "${M[@]}" churn host=127.0.0.1 port=8080 max=700 >"$TMP/fleet.web11.churn.log" 2>&1
  sleep 2
  rm -rf "$FLEET_OUT" && mkdir -p "$FLEET_OUT"
  for h in db01 lb01 "${web[@]}"; do
    mkdir -p "$FLEET_OUT/$h"
    # a UTS namespace of its own, so the snapshot header names the host
    ip netns exec "tcpdoc-fleet-$h" unshare --uts sh -c 'hostname "$1" && exec "$2" "$3" snapshot -o "$4"' sh \
      "$h" "$NODE" "$ROOT/bin/tcpdoc.js" "$FLEET_OUT/$h/snapshot.txt"
    chmod 644 "$FLEET_OUT/$h/snapshot.txt"
    case $h in
      db01) printf 'role=db\n' ;;
      lb01) printf 'role=lb\n' ;;
      *) build=2.4.3; [[ " $FLEET_LEAKY " == *" $h "* ]] && build=2.5.0-rc1
        printf 'role=web\nbuild=%s\n' "$build" ;;
    esac >"$FLEET_OUT/$h/labels.txt"
  done
  fleet_expected >"$FLEET_OUT/expected-fleet.json"
  log "captured $(ls -d "$FLEET_OUT"/*/ | wc -l) hosts into $FLEET_OUT"
  cleanup
}

# What the fleet analysis must find, from the setup above and from awk over
# the captured /proc/net/tcp rows (never from tcpdoc code): the hosts with
# SYN_SENT to db01:5432, CLOSE_WAIT and TIME_WAIT per host, and the
# FIN_WAIT_2 / CLOSE_WAIT pairs across hosts with the CLOSE_WAIT side's owner.
fleet_expected() {
  local h
  for h in "$FLEET_OUT"/*/; do
    h=${h%/}; h=${h##*/}
    awk -v host="$h" '
      /^# socket-owner / { split($3, a, "="); split($4, b, "="); split($5, c, "="); gsub(/"/, "", c[2]); owner[a[2]] = c[2] "(pid=" b[2] ")" }
      /^# source / { tcp = ($3 == "/proc/net/tcp"); next }
      tcp && $1 ~ /^[0-9]+:$/ { print host, $2, $3, $4, (($10 in owner) ? owner[$10] : "-") }
    ' "$FLEET_OUT/$h/snapshot.txt"
  done | awk '
    function hex(s,   i, n) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return n }
    function ip(x,   p) { split(x, p, ":"); return hex(substr(p[1], 7, 2)) "." hex(substr(p[1], 5, 2)) "." hex(substr(p[1], 3, 2)) "." hex(substr(p[1], 1, 2)) ":" hex(p[2]) }
    function list(a,   k, n, s) { n = 0; s = ""; for (k in a) s = s (n++ ? ", " : "") "\"" k "\": " a[k]; return s }
    {
      host = $1; l = ip($2); r = ip($3); st = $4
      if (st == "02" && r == "10.77.0.250:5432") syn[host]++
      if (st == "08") { cw[host]++; cwk[l " " r] = host; cwo[l " " r] = $5 }
      if (st == "05") fw[r " " l] = host
      if (st == "06") tw[host]++
    }
    END {
      for (k in fw) if (k in cwk) pairs["\"" fw[k] " FIN_WAIT_2 -> " cwk[k] " CLOSE_WAIT " cwo[k] "\""]++
      printf "{\n  \"synSentTo10.77.0.250:5432\": {%s},\n", list(syn)
      printf "  \"closeWait\": {%s},\n", list(cw)
      printf "  \"timeWait\": {%s},\n", list(tw)
      n = 0; s = ""; for (k in pairs) s = s (n++ ? ", " : "") k ": " pairs[k]
      printf "  \"pairs\": {%s}\n}\n", s
    }'
}

# ---------------------------------------------------------------- main
run_one() {
  local fn="sc_${1//-/_}"
  trap cleanup EXIT
  declare -F "$fn" >/dev/null || die "unknown scenario $1 (try: list)"
  [ "$(id -u)" = 0 ] || die "must run as root"
  "$fn"
}

case ${1:-} in
  list) printf '%s\n' "${SCENARIOS[@]}" ;;
  all)
    failed=()
    for s in "${SCENARIOS[@]}"; do (run_one "$s") || failed+=("$s"); done
    readme
    [ ${#failed[@]} = 0 ] || die "failed: ${failed[*]}" ;;
  oracle) oracle "${2:?scenario}" ;;
  readme) readme ;;
  "" | -h | --help) sed -n '2,15p' "$0" ;;
  *) for s in "$@"; do (run_one "$s"); done; readme ;;
esac
