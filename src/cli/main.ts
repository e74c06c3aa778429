/** The command line: parses arguments against the tables, applies the config file, and runs the command's handler. */

import * as fs from "node:fs";
import process from "node:process";
import type { Context } from "./command.ts";
import { COMMANDS, printHelp } from "./commands.ts";
import { loadConfig } from "./config.ts";
import { EXIT, reportError } from "./errors.ts";
import { defaultFlags, type Flags } from "./options.ts";
import { parseArgs } from "./parse.ts";
import { VERSION } from "./version.ts";

export { EXIT } from "./errors.ts";

/** Runs tcpdoc with `argv` (no runtime or script name) and returns the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  try {
    const parsed = parseArgs(argv, COMMANDS, (p) => fs.existsSync(p));
    if (parsed.values.help) return printHelp(parsed.command, parsed.group);
    if (parsed.values.version) {
      process.stdout.write(`tcpdoc ${VERSION}\n`);
      return EXIT.ok;
    }
    const command = parsed.command!;
    const config = parsed.values.noConfig || command.config === false ? undefined : await loadConfig(parsed.values.config, env);
    // defaults < the config file < the command line
    const flags: Flags = { ...defaultFlags(), ...config?.values, ...parsed.values };
    const ctx: Context = {
      command,
      positionals: parsed.positionals,
      flags,
      given: parsed.given,
      argv,
      env,
      configAnswers: config?.answers ?? {},
    };
    const stop = command.early?.(ctx);
    try {
      return await command.run(ctx);
    } finally {
      stop?.();
    }
  } catch (e) {
    return reportError(e, (s) => process.stderr.write(s));
  }
}
