/**
 * The documents made from the command table: the man page (docs/tcpdoc.1)
 * and the README's command reference. scripts/gen-cli-docs.ts writes them;
 * a test checks they are current.
 */

import { probeAccessMarkdown } from "../checks/docs.ts";
import { liveAccess } from "../sources/live.ts";
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

const SAFETY_BEGIN = "<!-- safety: generated from src/checks/probes.ts and src/sources/live.ts by `node --import tsx scripts/gen-cli-docs.ts`; do not edit by hand -->";
const SAFETY_END = "<!-- end of generated safety list -->";
const SYSTEMS: Record<string, string> = { darwin: "macOS", freebsd: "FreeBSD", win32: "Windows" };

/** The README's exact list of what a live snapshot reads or runs, and what each probe of the catalogue does. */
export function safetyReference(): string {
  const { reads, runs } = liveAccess();
  const code = (s: string) => (s.includes(" ") ? s.replace(/(\/proc\S*|--[\w-]+)/g, "`$1`") : `\`${s}\``);
  return [
    SAFETY_BEGIN,
    "",
    "- **A live snapshot** (`tcpdoc analyze` with no file or with `--live`, and `tcpdoc snapshot`): on Linux it reads " +
    `${reads.map(code).join(", ")}, and runs nothing; ${Object.entries(runs).map(([pl, argv]) => `on ${SYSTEMS[pl]} it runs \`${argv.join(" ")}\``).join(", ")}, and nothing else.`,
    "- **A check in the guided session** of a live snapshot runs, after you confirm, one probe of this catalogue and nothing else:",
    ...probeAccessMarkdown().map((l) => `  ${l}`),
    "",
    SAFETY_END,
  ].join("\n");
}

function replaceBlock(text: string, begin: string, end: string, block: string): string {
  const a = text.indexOf(begin), b = text.indexOf(end);
  if (a === -1 || b < a) throw new Error(`README.md has no generated block (${begin} ... ${end})`);
  return text.slice(0, a) + block + text.slice(b + end.length);
}

/** Every generated file: path (from the package root) to its text; `readme` is README.md as it is. */
export function cliDocs(readme: string): Record<string, string> {
  return { "docs/tcpdoc.1": manPage(COMMANDS, VERSION), "README.md": replaceBlock(withCommandReference(readme), SAFETY_BEGIN, SAFETY_END, safetyReference()) };
}
