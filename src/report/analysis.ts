/** What every presenter renders: the snapshot's summary and the findings. */

import type { Finding } from "../model/finding.ts";
import type { Capture, InputReport, Snapshot } from "../model/snapshot.ts";
import { STATES, type StateName } from "../model/states.ts";

export interface Summary {
  sockets: number;
  /** Nonzero counts by canonical state. */
  states: Partial<Record<StateName, number>>;
  /** Sockets whose state the dump does not say. */
  stateUnknown: number;
  counters: number;
  sysctls: number;
  symptoms: Record<string, number>;
}

export interface Analysis {
  inputs: InputReport[];
  summary: Summary;
  findings: Finding[];
  live: boolean;
  /** Where and when the data was captured (a live read, a snapshot file), when known. */
  capture?: Capture;
}

/** Counts the snapshot's sockets by state, table rows and tallies together. */
export function summarize(snap: Snapshot): Summary {
  const counts = snap.sockets.stateCounts();
  const states: Summary["states"] = {};
  let total = 0;
  for (let id = 0; id < counts.length; id++) {
    const n = counts[id] + snap.tallies[id];
    total += n;
    if (id > 0 && n > 0) states[STATES[id - 1]] = n;
  }
  const symptoms: Record<string, number> = {};
  for (const [k, s] of snap.symptoms) symptoms[k] = s.count;
  return {
    sockets: total,
    states,
    stateUnknown: counts[0] + snap.tallies[0],
    counters: snap.counters.size,
    sysctls: snap.sysctls.size,
    symptoms,
  };
}
