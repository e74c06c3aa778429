/** `tcpdoc formats`: the input formats tcpdoc reads. */

import process from "node:process";
import { FORMATS } from "../ingest/mod.ts";
import { toJson } from "../report/json.ts";
import { wrapText } from "../text/wrap.ts";
import type { Context } from "./command.ts";
import { EXIT } from "./errors.ts";
import { detectTerminal } from "./terminal.ts";

export function formatsCommand(ctx: Context): number {
  if (ctx.flags.json) {
    process.stdout.write(toJson(FORMATS.map((f) => ({ format: f.format, reads: f.reads }))));
    return EXIT.ok;
  }
  const w = Math.max(...FORMATS.map((f) => f.format.length)) + 2;
  const width = detectTerminal(ctx.flags.noColor, ctx.flags.color, ctx.env).width;
  process.stdout.write(FORMATS.flatMap((f) => wrapText(f.reads, width, f.format.padEnd(w))).join("\n") + "\n");
  return EXIT.ok;
}
