/**
 * Fleet facts: what fleet rules read, each computed from the hosts'
 * summaries (never from a snapshot). A fact is a function of its params,
 * as single-host facts are, so fleet rules use the same condition language
 * (fact, params, path, operator, value).
 */

import { STATES, type StateName } from "../model/states.ts";
import type { HalfClosed, HostSummary } from "./host.ts";

/** One fleet fact: its id, its params in words (docs), and its value. */
export interface FleetFact {
  id: string;
  about: string;
  params: Record<string, string>;
  compute(hosts: readonly HostSummary[], params: Record<string, unknown>): unknown;
}

function analysed(hosts: readonly HostSummary[]): HostSummary[] {
  return hosts.filter((h) => !h.error);
}

function stateParam(p: Record<string, unknown>): StateName | undefined {
  return typeof p.state === "string" && (STATES as readonly string[]).includes(p.state) ? p.state as StateName : undefined;
}

/** Host names for a message: the first few, then how many more. */
export function nameList(names: readonly string[], max = 6): string {
  const sorted = [...names].sort();
  return sorted.length <= max ? sorted.join(", ") : `${sorted.slice(0, max).join(", ")} and ${sorted.length - max} more`;
}

/** Median of a list of numbers (0 for none). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The remote endpoint the most hosts hold sockets of one state toward:
 * "SYN_SENT to the same upstream from 38 of 40 hosts".
 */
function destination(hosts: readonly HostSummary[], p: Record<string, unknown>) {
  const state = stateParam(p);
  const ok = analysed(hosts);
  if (!state) return null;
  const by = new Map<string, { hosts: string[]; sockets: number }>();
  for (const h of ok) {
    for (const e of h.destinations[state] ?? []) {
      const v = by.get(e.key) ?? { hosts: [], sockets: 0 };
      v.hosts.push(h.host);
      v.sockets += e.count;
      by.set(e.key, v);
    }
  }
  const best = [...by].sort((a, b) => b[1].hosts.length - a[1].hosts.length || b[1].sockets - a[1].sockets || (a[0] < b[0] ? -1 : 1))[0];
  const holding = ok.filter((h) => (h.states[state] ?? 0) > 0).length;
  if (!best) return { hosts_with_state: holding, top: null };
  const [key, v] = best;
  return {
    hosts_with_state: holding,
    top: { key, hosts: v.hosts.length, share: ok.length ? v.hosts.length / ok.length : 0, sockets: v.sockets, names: nameList(v.hosts), list: v.hosts.sort() },
  };
}

/**
 * The label (key=value) that sets apart the hosts with at least `min`
 * sockets in a state: "only on the hosts running build X". `exclusive`
 * when every affected host has the label and at least one host without it
 * was analysed; the best label covers the most of its own hosts.
 */
function label(hosts: readonly HostSummary[], p: Record<string, unknown>) {
  const state = stateParam(p);
  if (!state) return null;
  const min = typeof p.min === "number" ? p.min : 1;
  const ok = analysed(hosts);
  const affected = ok.filter((h) => (h.states[state] ?? 0) >= min);
  const values = new Map<string, HostSummary[]>();
  for (const h of ok) {
    for (const [k, v] of Object.entries(h.labels)) {
      const kv = `${k}=${v}`;
      values.set(kv, [...(values.get(kv) ?? []), h]);
    }
  }
  let top: Record<string, unknown> | null = null;
  let bestScore = -1;
  for (const [kv, labelled] of [...values].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const hit = labelled.filter((h) => affected.includes(h));
    const exclusive = affected.length > 0 && hit.length === affected.length && labelled.length < ok.length;
    const coverage = labelled.length ? hit.length / labelled.length : 0;
    const score = (exclusive ? 1 : 0) + coverage;
    if (hit.length > 0 && score > bestScore) {
      bestScore = score;
      top = {
        label: kv,
        affected: hit.length,
        labelled: labelled.length,
        coverage,
        exclusive,
        names: nameList(hit.map((h) => h.host)),
        list: hit.map((h) => h.host).sort(),
        sockets: hit.reduce((n, h) => n + (h.states[state] ?? 0), 0),
      };
    }
  }
  return { affected: affected.length, hosts: ok.length, top };
}

/**
 * The host whose count in some state stands farthest above its peers'
 * (hosts with the same `peers` label value, or the whole fleet), by a
 * robust score: (count - median) / (1.4826 * MAD), the MAD floored at 1
 * so that a fleet of zeros still has a scale.
 */
function outlier(hosts: readonly HostSummary[], p: Record<string, unknown>) {
  const only = stateParam(p);
  const peersBy = typeof p.peers === "string" ? p.peers : undefined;
  const minPeers = typeof p.min_peers === "number" ? p.min_peers : 5;
  const ok = analysed(hosts);
  const groups = new Map<string, HostSummary[]>();
  for (const h of ok) {
    const g = peersBy ? h.labels[peersBy] ?? "" : "";
    groups.set(g, [...(groups.get(g) ?? []), h]);
  }
  let top: Record<string, unknown> | null = null;
  let outliers = 0;
  for (const [g, members] of groups) {
    if (members.length < minPeers) continue;
    for (const state of only ? [only] : STATES) {
      const xs = members.map((h) => h.states[state] ?? 0);
      const med = median(xs);
      const mad = Math.max(1, median(xs.map((x) => Math.abs(x - med))));
      members.forEach((h, i) => {
        const score = (xs[i] - med) / (1.4826 * mad);
        if (score >= 10) outliers++;
        if (!top || score > (top.score as number)) {
          top = { host: h.host, state, count: xs[i], median: med, score: Math.round(score * 10) / 10, peers: members.length, group: peersBy ? `${peersBy}=${g}` : "the fleet" };
        }
      });
    }
  }
  return { outliers, top };
}

/** One connection whose two ends were seen on two hosts: FIN_WAIT_2 on `waiting`, CLOSE_WAIT on `closer`. */
export interface Pair {
  waiting: { host: string; local: string; pid?: number; program?: string };
  closer: { host: string; local: string; pid?: number; program?: string };
}

/** A group of pairs: the same two hosts and the same process that does not close. */
export interface PairGroup {
  waiting_host: string;
  closer_host: string;
  /** "api (pid 812)", or "unknown process" when the snapshot does not say. */
  process: string;
  /** The CLOSE_WAIT side's local endpoint of the first pair (the service). */
  service: string;
  count: number;
  examples: Pair[];
}

function processWords(s: { pid?: number; program?: string }): string {
  if (s.program && s.pid !== undefined) return `${s.program} (pid ${s.pid})`;
  if (s.program) return s.program;
  return s.pid !== undefined ? `pid ${s.pid}` : "unknown process";
}

/**
 * Matches FIN_WAIT_2 sockets with CLOSE_WAIT sockets of other hosts by
 * their 4-tuple (one's local is the other's remote): the CLOSE_WAIT end
 * is the program that received the FIN and has not closed.
 */
export function matchPairs(hosts: readonly HostSummary[]): PairGroup[] {
  const closeWait = new Map<string, { host: string; s: HalfClosed }>();
  for (const h of hosts) {
    for (const s of h.halfClosed) if (s.state === "CLOSE_WAIT") closeWait.set(`${s.local}|${s.remote}`, { host: h.host, s });
  }
  const groups = new Map<string, PairGroup>();
  for (const h of hosts) {
    for (const s of h.halfClosed) {
      if (s.state !== "FIN_WAIT_2") continue;
      const other = closeWait.get(`${s.remote}|${s.local}`);
      if (!other || other.host === h.host) continue;
      const process = processWords(other.s);
      const key = `${h.host}|${other.host}|${process}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { waiting_host: h.host, closer_host: other.host, process, service: other.s.local, count: 0, examples: [] }));
      g.count++;
      if (g.examples.length < 3) {
        g.examples.push({
          waiting: { host: h.host, local: s.local, ...(s.pid !== undefined ? { pid: s.pid } : {}), ...(s.program ? { program: s.program } : {}) },
          closer: { host: other.host, local: other.s.local, ...(other.s.pid !== undefined ? { pid: other.s.pid } : {}), ...(other.s.program ? { program: other.s.program } : {}) },
        });
      }
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.closer_host < b.closer_host ? -1 : 1));
}

function pairs(hosts: readonly HostSummary[]) {
  const g = matchPairs(analysed(hosts));
  const count = g.reduce((n, x) => n + x.count, 0);
  const top = g[0];
  return {
    count,
    groups: g.length,
    closer_hosts: nameList([...new Set(g.map((x) => x.closer_host))]),
    list: [...new Set(g.flatMap((x) => [x.closer_host, x.waiting_host]))].sort(),
    top: top ? { waiting_host: top.waiting_host, closer_host: top.closer_host, process: top.process, service: top.service, count: top.count } : null,
  };
}

/** The fleet facts, by id. */
export const FLEET_FACTS: readonly FleetFact[] = [
  {
    id: "fleet",
    about: "the fleet itself: hosts given, analysed and failed",
    params: {},
    compute: (hosts) => ({ hosts: hosts.length, analysed: analysed(hosts).length, failed: hosts.length - analysed(hosts).length }),
  },
  {
    id: "fleet-destination",
    about: "the remote endpoint the most hosts hold sockets of a state toward: $.top.key, .hosts, .share (of analysed hosts), .sockets, .names",
    params: { state: "a state name, e.g. SYN_SENT" },
    compute: destination,
  },
  {
    id: "fleet-label",
    about: "the host label (key=value) that sets apart the hosts with at least `min` sockets in a state: $.top.label, .affected, .labelled, .coverage, .exclusive, .names",
    params: { state: "a state name", min: "the count from which a host is affected (default 1)" },
    compute: label,
  },
  {
    id: "fleet-outlier",
    about: "the host whose count in a state stands farthest above its peers' (robust score against the median): $.top.host, .state, .count, .median, .score, .group",
    params: { state: "a state name (default: every state)", peers: "a label whose value groups peers (default: the whole fleet)", min_peers: "smallest group compared (default 5)" },
    compute: outlier,
  },
  {
    id: "fleet-pairs",
    about: "connections whose FIN_WAIT_2 end is on one host and CLOSE_WAIT end on another: $.count, .groups, .closer_hosts, $.top.waiting_host, .closer_host, .process, .service, .count",
    params: {},
    compute: pairs,
  },
];

export function fleetFactById(id: string): FleetFact | undefined {
  return FLEET_FACTS.find((f) => f.id === id);
}
