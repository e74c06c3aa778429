/** Help text from the command and option tables, wrapped to the width it is given. */

import { wrapText } from "../text/wrap.ts";
import type { CommandSpec } from "./command.ts";
import { EXIT_MEANINGS } from "./errors.ts";
import { FLAG_NAMES, type FlagName, GLOBAL_OPTIONS, optionHelp, optionUsage } from "./options.ts";

/** The one-line description of tcpdoc. */
export const TAGLINE = "diagnose TCP connection states from socket-table dumps";

/** The commands whose examples the global help shows. */
const EXAMPLE_COMMANDS = ["analyze", "explain"];

/** Widest left column of a two-column list; a longer term gets its text on the next line. */
const MAX_TERM = 30;

/** A two-column list: terms on the left, wrapped text on the right. */
function columns(rows: readonly [string, string][], width: number, indent = "  "): string[] {
  // On a narrow screen the terms take at most half of it, so the text keeps room.
  const termWidth = Math.min(MAX_TERM, Math.max(...rows.map(([t]) => t.length)) + 2, Math.max(12, Math.floor(width / 2) - indent.length));
  const out: string[] = [];
  const pad = indent + " ".repeat(termWidth);
  for (const [term, text] of rows) {
    if (term.length + 2 > termWidth) {
      out.push(indent + term);
      out.push(...wrapText(text, width, pad));
    } else {
      out.push(...wrapText(text, width, indent + term.padEnd(termWidth), pad));
    }
  }
  return out;
}

function paragraphs(texts: readonly string[], width: number): string[] {
  return texts.flatMap((t, i) => [...(i ? [""] : []), ...wrapText(t, width)]);
}

/** `tcpdoc analyze [FILE...|-]` */
export function commandUsage(c: CommandSpec): string {
  return ["tcpdoc", c.name, c.args].filter(Boolean).join(" ");
}

function optionRows(keys: readonly FlagName[]): [string, string][] {
  return keys.map((k) => [optionUsage(k), optionHelp(k)]);
}

/** Example command lines; one too long for the width goes on over indented lines. */
function examples(list: readonly string[], width: number): string[] {
  return list.flatMap((e) => wrapText(e, width, "  ", "      "));
}

function exitLines(width: number): string[] {
  return wrapText(`Exit codes: ${EXIT_MEANINGS.map(([c, m]) => `${c} ${m}`).join("; ")}.`, width);
}

/** `tcpdoc --help`. */
export function globalHelp(commands: readonly CommandSpec[], version: string, width: number): string {
  const lines = [
    ...wrapText(`tcpdoc ${version}: ${TAGLINE}`, width),
    "",
    ...wrapText("Usage: tcpdoc [COMMAND] [OPTION...] [ARG...]", width, "", "  "),
    "",
    "Commands:",
    ...columns(commands.map((c) => [commandUsage(c), c.summary]), width),
    "",
    ...wrapText("Options (each command takes those that apply to it; see its --help):", width),
    ...columns(optionRows(FLAG_NAMES), width),
    "",
    ...wrapText("Run 'tcpdoc COMMAND --help' or 'tcpdoc help COMMAND' for a command's options and examples, 'man tcpdoc' (docs/tcpdoc.1) for everything.", width),
    ...exitLines(width),
    "Examples:",
    ...examples(commands.filter((c) => EXAMPLE_COMMANDS.includes(c.name)).flatMap((c) => c.examples.slice(0, 2)), width),
  ];
  return lines.join("\n") + "\n";
}

/** `tcpdoc COMMAND --help`. */
export function commandHelp(c: CommandSpec, width: number): string {
  const own = c.options.filter((k) => !GLOBAL_OPTIONS.includes(k));
  const lines = [
    ...wrapText(`Usage: ${commandUsage(c)}${own.length ? " [OPTION...]" : ""}`, width, "", "  "),
    "",
    ...paragraphs(c.about, width),
  ];
  if (own.length) lines.push("", "Options:", ...columns(optionRows(own), width));
  lines.push("", "Global options:", ...columns(optionRows(GLOBAL_OPTIONS), width));
  if (c.examples.length) lines.push("", "Examples:", ...examples(c.examples, width));
  lines.push("", ...exitLines(width));
  return lines.join("\n") + "\n";
}

/** `tcpdoc rules --help`: the group's subcommands. */
export function groupHelp(group: string, commands: readonly CommandSpec[], width: number): string {
  const subs = commands.filter((c) => c.name.startsWith(`${group} `));
  const lines = [
    ...wrapText(`Usage: tcpdoc ${group} ${subs.map((c) => c.name.slice(group.length + 1)).join("|")} [ARG...] [OPTION...]`, width, "", "  "),
    "",
    "Commands:",
    ...columns(subs.map((c) => [commandUsage(c), c.summary]), width),
    "",
    ...wrapText(`Run 'tcpdoc ${group} SUBCOMMAND --help' for its options.`, width),
  ];
  return lines.join("\n") + "\n";
}
