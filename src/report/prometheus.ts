/**
 * The Prometheus text exposition (node_exporter's textfile collector reads
 * it): counts by state, the top local ports, remote endpoints and
 * processes of each state with the rest summed as `other` (bounded
 * cardinality), counter rates where a series was given, and one gauge per
 * finding whose value is its confidence. Every label value is made inert,
 * then escaped as the format asks.
 */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { formatEndpoint } from "../model/address.ts";
import { NONE } from "../model/socket_table.ts";
import { STATES } from "../model/states.ts";
import { inert } from "../text/inert.ts";

/** The metrics tcpdoc writes, with their help text: the one list the export, the alert rules and the docs read. */
export const METRICS = {
  tcpdoc_sockets: "TCP sockets by state.",
  tcpdoc_sockets_by_local_port: "TCP sockets by state and local port: the top listening ports of each state, ports nothing listens on as port=\"ephemeral\", the rest as port=\"other\".",
  tcpdoc_sockets_by_remote: "TCP sockets by state and remote endpoint: the top endpoints of outgoing connections, connections to a listening port as remote=\"inbound\", the rest as remote=\"other\".",
  tcpdoc_sockets_by_process: "TCP sockets by state and owning program: the top programs of each state, the rest as process=\"other\".",
  tcpdoc_kernel_stat_rate: "Kernel TCP counters (Tcp, TcpExt) per second over the recorded series given (first to last sample).",
  tcpdoc_finding: "A rule's finding, valued at its confidence (0..1); absent when the rule does not fire.",
  tcpdoc_snapshot_timestamp_seconds: "When the data was captured (Unix time).",
} as const;

export type MetricName = keyof typeof METRICS;

/** What the top-N breakdowns keep per state by default. */
export const DEFAULT_TOP = 10;

/** One target of the export: a host or a network namespace, its labels, and what was read and found there. */
export interface PrometheusTarget {
  /** Extra labels on every sample of this target (netns, container, pod). */
  labels: Record<string, string>;
  snap: Snapshot;
  findings: Finding[];
  /** Per-second counter rates, when a series was given. */
  rates?: Map<string, { rate: number }>;
}

/** A label value as the exposition format takes it: inert, then backslash, quote and newline escaped. */
export function labelValue(v: string): string {
  return inert(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** A label name: the format's characters only. */
function labelName(k: string): string {
  const n = k.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(n) ? n : `_${n}`;
}

function labels(l: Record<string, string>): string {
  const parts = Object.entries(l).map(([k, v]) => `${labelName(k)}="${labelValue(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : "NaN";
}

/** Counts per key, the top `top` kept and the rest summed under "other". */
function topN(counts: Map<string, number>, top: number): [string, number][] {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = sorted.slice(0, top);
  const rest = sorted.slice(top).reduce((n, [, c]) => n + c, 0);
  if (rest > 0) kept.push(["other", rest]);
  return kept;
}

type Breakdown = "port" | "remote" | "process";

/**
 * Per state, counts by local port, remote endpoint and program. Ports and
 * endpoints that change with every connection would make a new series per
 * run: a local port that nothing listens on counts as "ephemeral", and the
 * remote end of a socket on a listening port (a client's ephemeral port)
 * as "inbound"; remote endpoints are kept for outgoing connections.
 */
function breakdowns(snap: Snapshot): Map<string, Record<Breakdown, Map<string, number>>> {
  const t = snap.sockets;
  const out = new Map<string, Record<Breakdown, Map<string, number>>>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const LISTEN = STATES.indexOf("LISTEN") + 1;
  const listening = new Set<number>();
  for (let i = 0; i < t.length; i++) if (t.state[i] === LISTEN && t.localPort[i] !== NONE) listening.add(t.localPort[i]);
  for (let i = 0; i < t.length; i++) {
    const st = STATES[t.state[i] - 1];
    if (!st) continue;
    let b = out.get(st);
    if (!b) out.set(st, (b = { port: new Map(), remote: new Map(), process: new Map() }));
    const port = t.localPort[i];
    const server = port !== NONE && listening.has(port);
    if (port !== NONE) bump(b.port, server ? String(port) : "ephemeral");
    if (st !== "LISTEN" && t.remotePort[i] !== NONE) bump(b.remote, server ? "inbound" : formatEndpoint(t.strings.str(t.remoteAddr[i]), t.remotePort[i]));
    if (t.program[i]) bump(b.process, t.strings.str(t.program[i]));
  }
  return out;
}

/** The exposition text for these targets. */
export function renderPrometheus(targets: readonly PrometheusTarget[], top = DEFAULT_TOP): string {
  const samples = new Map<MetricName, string[]>();
  const add = (m: MetricName, l: Record<string, string>, v: number) => {
    const list = samples.get(m) ?? [];
    list.push(`${m}${labels(l)} ${num(v)}`);
    samples.set(m, list);
  };
  for (const tg of targets) {
    const counts = tg.snap.sockets.stateCounts();
    STATES.forEach((s, i) => add("tcpdoc_sockets", { ...tg.labels, state: s }, counts[i + 1] + tg.snap.tallies[i + 1]));
    for (const [state, b] of breakdowns(tg.snap)) {
      for (const [k, n] of topN(b.port, top)) add("tcpdoc_sockets_by_local_port", { ...tg.labels, state, port: k }, n);
      for (const [k, n] of topN(b.remote, top)) add("tcpdoc_sockets_by_remote", { ...tg.labels, state, remote: k }, n);
      for (const [k, n] of topN(b.process, top)) add("tcpdoc_sockets_by_process", { ...tg.labels, state, process: k }, n);
    }
    for (const [name, r] of [...(tg.rates ?? new Map())].filter(([n]) => n.startsWith("Tcp")).sort((a, b) => (a[0] < b[0] ? -1 : 1))) add("tcpdoc_kernel_stat_rate", { ...tg.labels, stat: name }, r.rate);
    for (const f of tg.findings) add("tcpdoc_finding", { ...tg.labels, rule: f.rule, severity: f.severity }, f.confidence);
    const time = [tg.snap.capture, ...tg.snap.inputs.map((r) => r.capture)].find((c) => c?.time)?.time;
    const ms = time ? Date.parse(time) : NaN;
    if (Number.isFinite(ms)) add("tcpdoc_snapshot_timestamp_seconds", tg.labels, ms / 1000);
  }
  const out: string[] = [];
  for (const m of Object.keys(METRICS) as MetricName[]) {
    const list = samples.get(m);
    if (!list) continue;
    out.push(`# HELP ${m} ${METRICS[m]}`, `# TYPE ${m} gauge`, ...list);
  }
  return out.join("\n") + "\n";
}
