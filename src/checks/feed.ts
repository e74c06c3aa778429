/**
 * A probe's output read back into the session's snapshot: counters, sysctls
 * and error lines the ingest parsers recognise become facts (one more
 * input), so the rules can be run again with them. Socket rows are counted,
 * not added: the live table already has them.
 */

import { Ingestor, PARSERS } from "../ingest/mod.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { SocketTable } from "../model/socket_table.ts";

/** What reading a probe's output back into the snapshot added. */
export interface FedFacts {
  counters: number;
  sysctls: number;
  symptoms: number;
  /** Socket rows recognised; a live snapshot has them already, so they are not added. */
  sockets: number;
  /** True when anything was added to the snapshot. */
  added: boolean;
}

/** Reads `text` with the ingest parsers and adds its counters, sysctls and socket errors to `snap` as the input `label`. */
export function feedOutput(snap: Snapshot, label: string, text: string): FedFacts {
  const before = { counters: snap.counters.size, sysctls: snap.sysctls.size };
  const symptomsBefore = [...snap.symptoms.values()].reduce((n, s) => n + s.count, 0);
  // Shares inputs, counters, sysctls and symptoms; sockets go to a scratch table.
  const shadow: Snapshot = { ...snap, sockets: new SocketTable(16), tallies: new Array<number>(snap.tallies.length).fill(0) };
  const ing = new Ingestor(shadow, `check: ${label}`, PARSERS);
  ing.pushText(text);
  const r = ing.end();
  const counters = r.kinds.counter;
  const sysctls = r.kinds.sysctl;
  const symptoms = [...snap.symptoms.values()].reduce((n, s) => n + s.count, 0) - symptomsBefore;
  const added = counters + sysctls + symptoms > 0 || snap.counters.size !== before.counters || snap.sysctls.size !== before.sysctls;
  if (!added) snap.inputs.pop();
  else r.sockets = 0;
  return { counters, sysctls, symptoms, sockets: shadow.sockets.length + shadow.tallies.reduce((a, b) => a + b, 0), added };
}

/** Fed facts in words. */
export function describeFed(f: FedFacts): string {
  const parts: string[] = [];
  if (f.counters) parts.push(`${f.counters} counters`);
  if (f.sysctls) parts.push(`${f.sysctls} sysctls`);
  if (f.symptoms) parts.push(`${f.symptoms} error lines`);
  const read = parts.length ? `read back ${parts.join(", ")} as facts` : "no counters or sysctls to read back";
  return f.sockets ? `${read}; ${f.sockets} socket rows seen (already in the live table)` : read;
}
