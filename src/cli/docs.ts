/**
 * The documents made from the command table: the man page (docs/tcpdoc.1)
 * and the README's command reference. scripts/gen-cli-docs.ts writes them;
 * a test checks they are current.
 */

import { COMMANDS } from "./commands.ts";
import { globalHelp } from "./help.ts";
import { manPage } from "./manpage.ts";
import { VERSION } from "./version.ts";

const BEGIN = "<!-- commands: generated from src/cli/commands.ts by `node --import tsx scripts/gen-cli-docs.ts`; do not edit by hand -->";
const END = "<!-- end of generated commands -->";

/** The README's command reference: `tcpdoc --help` at 80 columns. */
export function commandReference(): string {
  return [BEGIN, "", "```text", globalHelp(COMMANDS, VERSION, 80).trimEnd(), "```", "", END].join("\n");
}

/** The README with its command reference replaced by the current one. */
export function withCommandReference(readme: string): string {
  const a = readme.indexOf(BEGIN), b = readme.indexOf(END);
  if (a === -1 || b < a) throw new Error(`README.md has no generated command reference (${BEGIN} ... ${END})`);
  return readme.slice(0, a) + commandReference() + readme.slice(b + END.length);
}

/** Every generated file: path (from the package root) to its text; `readme` is README.md as it is. */
export function cliDocs(readme: string): Record<string, string> {
  return { "docs/tcpdoc.1": manPage(COMMANDS, VERSION), "README.md": withCommandReference(readme) };
}
