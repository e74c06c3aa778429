/** Ingest: bytes from files, stdin or the live kernel into one Snapshot. */

export { Ingestor } from "./ingest.ts";
export { FORMATS, PARSERS } from "./registry.ts";
export { readInputs, InputError } from "./sources.ts";
export { LineDecoder, sniffEncoding } from "./decode.ts";
export {
  captureLive,
  type LiveCapture,
  type LiveSource,
  liveSnapshot,
  renderSnapshotFile,
  snapshotFromCapture,
  type SocketOwner,
} from "./live.ts";

import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { Ingestor } from "./ingest.ts";
import { PARSERS } from "./registry.ts";

/** Parses texts already in memory (tests, pastes) into one snapshot. */
export function snapshotFromTexts(inputs: { path: string; text: string }[]): Snapshot {
  const snap = emptySnapshot();
  for (const { path, text } of inputs) {
    const ing = new Ingestor(snap, path, PARSERS);
    ing.pushText(text);
    ing.end();
  }
  return snap;
}
