/** Helper threads for reading big inputs (read_ahead.ts for big files, proc_file.ts for /proc tables). */

import * as os from "node:os";
import { type TransferListItem, Worker } from "node:worker_threads";

/**
 * False where a helper thread cannot help: with one core, or under Deno.
 * Measured there (2.9.5) for a big file's read-ahead: the helper runs
 * beside this thread, but this thread reads slower meanwhile, and rows
 * handed back through a node:worker_threads port take 0.7-1 s per 35 MB to
 * arrive: 2.4 s against 1.65 s on one thread for a million `ss -tanp` rows
 * (bench/README.md, session 14). The /proc and fleet helpers stay off
 * under Deno too; they were not measured there.
 */
export function threadsHelp(cores = os.availableParallelism()): boolean {
  return !("Deno" in globalThis) && cores >= 2;
}

/**
 * True where a big file may be read faster on two threads than on one:
 * more than two cores, under Node. On two (a 2-vCPU VM, bench/README.md
 * "One thread on two cores"), the parsing is bound by the memory both
 * vCPUs share, and the helper takes the core V8's compiler and collector
 * threads run on: one thread was as fast within noise on every shape
 * measured, with a quarter less processor time and 6-17 MB less memory.
 * More cores were not measured; there the helper reads as it did before.
 */
export function splitReadingHelps(cores = os.availableParallelism()): boolean {
  return threadsHelp(cores) && cores > 2;
}

/**
 * Starts `code` (CommonJS, run with eval) on a helper thread that does not
 * keep the process alive, or returns undefined where a helper cannot help
 * ({@link threadsHelp}). Errors on the thread are not reported here: each
 * caller learns of them through the memory it shares with the thread.
 */
export function startThread(code: string, workerData: unknown, transferList: TransferListItem[] = []): Worker | undefined {
  if (!threadsHelp()) return undefined;
  try {
    const w = new Worker(code, { eval: true, workerData, transferList });
    w.unref();
    w.on("error", () => {});
    return w;
  } catch {
    return undefined;
  }
}
