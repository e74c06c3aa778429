/**
 * Thread entry of the read-ahead helper (read_ahead.ts): takes one job, posts
 * what it read, raises the flag (flag[0]); flag[1] is the KiB read so far;
 * flag[2] set to 1 asks it to stop early.
 */

import { type MessagePort, workerData } from "node:worker_threads";
import { readAhead, type ReadAheadJob, rowsBuffers } from "./read_ahead.ts";

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
port.once("message", (job: ReadAheadJob) => {
  try {
    const r = readAhead(job, (bytes) => Atomics.store(flag, 1, Math.floor(bytes / 1024)), () => Atomics.load(flag, 2) === 1);
    port.postMessage(r, rowsBuffers(r));
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    port.close();
  }
});
