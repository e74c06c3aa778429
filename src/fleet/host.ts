/**
 * One host of a fleet, reduced to what fleet rules and pair matching need:
 * its labels, its counts by state, its top remote endpoints per state, its
 * half-closed sockets (FIN_WAIT_2 and CLOSE_WAIT, for the pairs across
 * hosts) and its own findings. A summary is small and structured-clonable,
 * so a helper thread can make it and the snapshot it came from can go.
 */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { NONE } from "../model/socket_table.ts";
import { STATES, type StateName, stateId } from "../model/states.ts";
import { formatEndpoint } from "../model/address.ts";

/** A remote endpoint and how many sockets of one state point at it. */
export interface EndpointCount {
  key: string;
  count: number;
}

/** A half-closed socket, for matching the two ends of one connection across hosts. */
export interface HalfClosed {
  state: "FIN_WAIT_2" | "CLOSE_WAIT";
  local: string;
  remote: string;
  pid?: number;
  program?: string;
}

/** A file of a host that was left out, and why, in one line. */
export interface FileProblem {
  /** Its name as the fleet names it (relative to the fleet's root). */
  file: string;
  reason: string;
}

export interface HostSummary {
  /** The host's name: its directory, else its snapshot header's host. */
  host: string;
  /** Labels from the host's labels file (build, role, ...). */
  labels: Record<string, string>;
  /** The files read for it, as named in the fleet. */
  inputs: string[];
  /** The capture time from a snapshot header, when there is one. */
  capturedAt?: string;
  sockets: number;
  /** Nonzero counts by state. */
  states: Partial<Record<StateName, number>>;
  /** The top remote endpoints per state (LISTEN excluded), at most TOP_ENDPOINTS each. */
  destinations: Partial<Record<StateName, EndpointCount[]>>;
  /** FIN_WAIT_2 and CLOSE_WAIT sockets, at most MAX_HALF_CLOSED. */
  halfClosed: HalfClosed[];
  /** Half-closed sockets left out by the bound. */
  halfClosedDropped: number;
  /** The host's own findings, worst first. */
  findings: Finding[];
  /** Its files that are not dumps (a README, a binary, an empty file), left out; absent when none. */
  skipped?: FileProblem[];
  /** Its findings left out by --min-severity, when any were. */
  hidden?: number;
  /** Why the host could not be analysed, when it could not (then everything else is empty). */
  error?: string;
}

/** Remote endpoints kept per state and host: enough for "the same upstream", bounded for a big host. */
export const TOP_ENDPOINTS = 10;
/** Half-closed sockets kept per host for pair matching. */
export const MAX_HALF_CLOSED = 5000;

const FIN_WAIT_2 = stateId("FIN_WAIT_2");
const CLOSE_WAIT = stateId("CLOSE_WAIT");
const LISTEN = stateId("LISTEN");

/** The summary of one host's snapshot and findings. */
export function summarizeHost(host: string, labels: Record<string, string>, inputs: string[], snap: Snapshot, findings: Finding[]): HostSummary {
  const t = snap.sockets;
  const counts = t.stateCounts();
  const states: HostSummary["states"] = {};
  let sockets = 0;
  for (let id = 0; id < counts.length; id++) {
    const n = counts[id] + snap.tallies[id];
    sockets += n;
    if (id > 0 && n > 0) states[STATES[id - 1]] = n;
  }
  // remote endpoint counts per state, by string id (no string built per row)
  const perState = new Map<number, Map<number, number>>();
  const halfClosed: HalfClosed[] = [];
  let halfClosedDropped = 0;
  for (let i = 0; i < t.length; i++) {
    const st = t.state[i];
    if (st === 0 || st === LISTEN || t.remotePort[i] === NONE) continue;
    let m = perState.get(st);
    if (!m) perState.set(st, (m = new Map()));
    // address id and port in one number: ids are small, ports below 2^16
    const key = t.remoteAddr[i] * 65536 + t.remotePort[i];
    m.set(key, (m.get(key) ?? 0) + 1);
    if (st === FIN_WAIT_2 || st === CLOSE_WAIT) {
      if (halfClosed.length >= MAX_HALF_CLOSED) {
        halfClosedDropped++;
        continue;
      }
      const s = t.get(i);
      const h: HalfClosed = {
        state: st === FIN_WAIT_2 ? "FIN_WAIT_2" : "CLOSE_WAIT",
        local: formatEndpoint(s.localAddress, s.localPort),
        remote: formatEndpoint(s.remoteAddress, s.remotePort),
      };
      if (s.pid !== undefined) h.pid = s.pid;
      if (s.program !== undefined) h.program = s.program;
      halfClosed.push(h);
    }
  }
  const destinations: HostSummary["destinations"] = {};
  for (const [st, m] of perState) {
    destinations[STATES[st - 1]] = [...m]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, TOP_ENDPOINTS)
      .map(([k, count]) => ({ key: formatEndpoint(t.strings.str(Math.floor(k / 65536)), k % 65536), count }));
  }
  const capturedAt = [snap.capture, ...snap.inputs.map((r) => r.capture)].find((c) => c?.time)?.time;
  const out: HostSummary = { host, labels, inputs, sockets, states, destinations, halfClosed, halfClosedDropped, findings };
  if (capturedAt) out.capturedAt = capturedAt;
  return out;
}

/** The summary of a host that could not be read or analysed. */
export function failedHost(host: string, labels: Record<string, string>, inputs: string[], error: string, skipped: FileProblem[] = []): HostSummary {
  const out: HostSummary = { host, labels, inputs, sockets: 0, states: {}, destinations: {}, halfClosed: [], halfClosedDropped: 0, findings: [], error };
  if (skipped.length) out.skipped = skipped;
  return out;
}

/** The host name a snapshot's header gives, when one does. */
export function headerHost(snap: Snapshot): string | undefined {
  return [snap.capture, ...snap.inputs.map((r) => r.capture)].find((c) => c?.host)?.host;
}
