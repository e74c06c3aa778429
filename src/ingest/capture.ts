/** A machine's capture (the sources as read, with owners) parsed into a snapshot. */

import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import type { LiveCapture, SocketOwner } from "./formats/tcpdoc_snapshot.ts";
import { finishSnapshot } from "./combine.ts";
import { Ingestor } from "./ingest.ts";

/** Gives each socket whose inode has an owner that owner's pid and program. */
export function applyOwners(snap: Snapshot, owners: ReadonlyMap<number, SocketOwner>): void {
  if (owners.size === 0) return;
  const t = snap.sockets;
  // A process's name is interned once, not once per socket it holds.
  const ids = new Map<string, number>();
  for (let i = 0; i < t.length; i++) {
    const ino = t.inodeOf(i);
    const o = ino > 0 ? owners.get(ino) : undefined;
    if (!o) continue;
    t.setPid(i, o.pid);
    if (!o.comm) continue;
    let id = ids.get(o.comm);
    if (id === undefined) ids.set(o.comm, id = t.strings.intern(o.comm));
    t.program[i] = id;
  }
}

/** Parses a capture into a live snapshot (inputs named "live:<path>"), owners applied. */
export function snapshotFromCapture(c: LiveCapture): Snapshot {
  const snap = emptySnapshot(true);
  snap.capture = { ...c.capture };
  for (const s of c.sources) {
    const ing = new Ingestor(snap, `live:${s.path}`);
    ing.pushText(s.text);
    ing.end();
  }
  applyOwners(snap, c.owners);
  finishSnapshot(snap);
  return snap;
}
