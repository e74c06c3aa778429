/** The command line: parses arguments, runs the pipeline, picks a presenter, sets the exit code. */

import * as fs from "node:fs";
import process from "node:process";
import { diagnose } from "../engine/diagnose.ts";
import { captureLive, FORMATS, InputError, liveSnapshot, renderSnapshotFile } from "../sources/mod.ts";
import { drawStateDiagram, explainState, formatStateList, resolveState, unknownStateMessage } from "../knowledge/mod.ts";
import { severityRank } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { type Analysis, summarize } from "../report/analysis.ts";
import { renderJson } from "../report/json.ts";
import { renderMarkdown } from "../report/markdown.ts";
import { renderText } from "../report/text.ts";
import { wrapText } from "../text/wrap.ts";
import { helpText, parseArgs, UsageError } from "./options.ts";
import { readWithProgress } from "./progress.ts";
import { detectTerminal } from "./terminal.ts";
import { VERSION } from "./version.ts";

/** Exit codes, named. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

function list(v: unknown): string[] {
  return Array.isArray(v) ? v : [];
}

function parseAnswers(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list(v)) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`--answer takes QUESTION=ANSWER, not "${a}"`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  return out;
}

function write(text: string, output: unknown): void {
  if (typeof output === "string" && output !== "-") fs.writeFileSync(output, text);
  else process.stdout.write(text);
}

async function analyze(snap: Snapshot, flags: Record<string, unknown>): Promise<number> {
  const findings = await diagnose(snap, {
    ruleDirs: list(flags.rules),
    disabled: list(flags.disable),
    userRules: !flags["no-user-rules"],
    answers: parseAnswers(flags.answer),
    onRuleError: (e) => process.stderr.write(`tcpdoc: rule skipped: ${e.format()}\n`),
  });
  const min = severityRank((flags["min-severity"] as "info" | undefined) ?? "info");
  const shown = findings.filter((f) => severityRank(f.severity) >= min);
  const analysis: Analysis = { inputs: snap.inputs, summary: summarize(snap), findings: shown, live: snap.live, capture: snap.capture };
  const format = flags.json ? "json" : (flags.format as string | undefined) ?? "text";
  const term = detectTerminal(Boolean(flags["no-color"]));
  const toFile = typeof flags.output === "string" && flags.output !== "-";
  if (format === "json") write(renderJson(analysis), flags.output);
  else if (format === "markdown") write(renderMarkdown(analysis), flags.output);
  else write(renderText(analysis, { color: term.color && !toFile, width: term.width }), flags.output);
  return findings.some((f) => severityRank(f.severity) >= severityRank("warning")) ? EXIT.findings : EXIT.ok;
}

/** `tcpdoc explain [STATE]`: the state diagram with STATE marked, then its explanation. */
function explainCommand(words: string[], flags: Record<string, unknown>): number {
  const width = Math.min(detectTerminal(Boolean(flags["no-color"])).width, 80);
  if (words.length === 0) {
    process.stdout.write(formatStateList(width) + "\n");
    return EXIT.ok;
  }
  const word = words.join(" ");
  const state = resolveState(word);
  if (!state) throw new UsageError(unknownStateMessage(word));
  const diagram = drawStateDiagram(undefined, { highlight: state, ascii: Boolean(flags.plain) });
  process.stdout.write(`${diagram.join("\n")}\n\n${explainState(state, width)}\n`);
  return EXIT.ok;
}

/** Runs tcpdoc with `argv` (no runtime or script name) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { command, positionals, flags } = parseArgs(argv);
    if (flags.help || command[0] === "help") {
      process.stdout.write(helpText(VERSION) + "\n");
      return EXIT.ok;
    }
    if (flags.version) {
      process.stdout.write(`tcpdoc ${VERSION}\n`);
      return EXIT.ok;
    }
    const cmd = command.join(" ");
    // The bare command opens the guided session in a terminal; ink loads only then.
    if (cmd === "" && process.stdout.isTTY && !flags.plain && !flags.json && !flags.format && !flags.output) {
      const { runSession } = await import("../ui/run.tsx");
      return await runSession({ paths: positionals, flags, answers: parseAnswers(flags.answer), fallback: (snap) => analyze(snap, flags) });
    }
    if (cmd === "analyze" || cmd === "") {
      return await analyze(positionals.length === 0 ? liveSnapshot({ owners: !flags["no-owners"] }) : readWithProgress(positionals), flags);
    }
    if (cmd === "formats") {
      const w = Math.max(...FORMATS.map((f) => f.format.length)) + 2;
      const width = detectTerminal(Boolean(flags["no-color"])).width;
      const lines = FORMATS.flatMap((f) => wrapText(f.reads, width, f.format.padEnd(w)));
      process.stdout.write(lines.join("\n") + "\n");
      return EXIT.ok;
    }
    if (cmd === "snapshot") {
      if (positionals.length > 0) throw new UsageError(`"tcpdoc snapshot" takes no FILE, only -o FILE (got "${positionals[0]}")`);
      write(renderSnapshotFile(captureLive({ owners: !flags["no-owners"] }), VERSION), flags.output);
      return EXIT.ok;
    }
    // the rule commands read YAML: they (and the yaml package) load only when asked for
    if (command[0] === "rules") return await (await import("./rules.ts")).rulesCommand(command[1], positionals, flags);
    if (cmd === "explain") {
      const width = Math.min(detectTerminal(Boolean(flags["no-color"])).width, 100);
      const { explainRuleCommand } = await import("./rules.ts");
      return explainRuleCommand(positionals, flags, width) ?? explainCommand(positionals, flags);
    }
    throw new UsageError(`"tcpdoc ${cmd}" is not available yet`);
  } catch (e) {
    return reportError(e);
  }
}

/** Prints a one-line error for anything thrown and returns exit code 2. */
export function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`tcpdoc: ${e.message}\n`);
  } else if (e instanceof InputError) {
    process.stderr.write(`tcpdoc: ${e.path}${e.line ? `:${e.line}` : ""}: ${e.message}\n`);
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`tcpdoc: internal error: ${msg.split("\n")[0]} (please report it with the input that caused it)\n`);
  }
  return EXIT.error;
}
