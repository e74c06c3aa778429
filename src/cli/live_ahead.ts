/** Whether a command reads this machine, and reading its socket tables ahead when it does. */

import process from "node:process";
import { readProcFilesAhead, SOCKET_TABLES } from "../sources/proc_file.ts";
import type { Context } from "./command.ts";

/** True when a command that can read this machine (analyze, the bare command, snapshot, export) does: no FILE, or --live; not a fleet or --all-netns. */
export function readsLive(ctx: Pick<Context, "flags" | "positionals">): boolean {
  const f = ctx.flags;
  return f.fleet === undefined && !f.allNetns && (f.live || ctx.positionals.length === 0);
}

/**
 * On Linux, when the command takes a live snapshot, starts reading
 * /proc/net/tcp and tcp6 while the rest of tcpdoc loads (see
 * readProcFilesAhead); returns what stops the reads it did not take.
 */
export function readLiveAhead(ctx: Context): (() => void) | undefined {
  return process.platform === "linux" && readsLive(ctx) ? readProcFilesAhead(SOCKET_TABLES) : undefined;
}
