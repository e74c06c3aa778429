/**
 * `tcpdoc analyze` and `tcpdoc` with no command: read the inputs (and/or
 * this machine), evaluate the rules, and print a report, or in a terminal
 * open the guided session. The exit code follows the findings shown.
 */

import process from "node:process";
import { seriesDigest } from "../engine/mod.ts";
import { liveSnapshot } from "../sources/mod.ts";
import type { Diagnosis } from "../engine/mod.ts";
import { severityRank } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { FleetAnalysis } from "../fleet/evaluate.ts";
import { analysisOf, provenanceOf } from "../report/analysis.ts";
import { renderJson } from "../report/json.ts";
import { renderMarkdown } from "../report/markdown.ts";
import { renderText } from "../report/text.ts";
import type { Context } from "./command.ts";
import { inert } from "../text/inert.ts";
import { EXIT, UsageError } from "./errors.ts";
import { readsLive } from "./live_ahead.ts";
import type { Flags } from "./options.ts";
import { writeOutput } from "./output.ts";
import { readWithProgress } from "./progress.ts";
import { checkedAnswers, evaluate, loadRules, type RuleSet, withoutDisabled } from "./rule_set.ts";
import { detectTerminal } from "./terminal.ts";
import { loadUi } from "../ui/load.ts";
import { VERSION } from "./version.ts";

type ReportFormat = Flags["format"];

/** The report format: --json, else --format; both given and disagreeing is a usage error. */
export function reportFormat(ctx: Pick<Context, "flags" | "given">): ReportFormat {
  const { flags, given } = ctx;
  if (!flags.json) return flags.format;
  if (given.has("format") && flags.format !== "json") {
    throw new UsageError(`--json and --format ${flags.format} ask for two formats: give one`);
  }
  return "json";
}

/** The rules, --disable applied, and the answers, all checked before any input is read. */
async function prepare(ctx: Context): Promise<{ rules: RuleSet; answers: Record<string, string> }> {
  const set = await loadRules(ctx.flags, ctx.env);
  const rules = withoutDisabled(set, ctx.flags.disable);
  return { rules, answers: checkedAnswers(ctx.flags.answer, set, ctx.configAnswers, ctx.flags.error) };
}

const UNITS: Record<string, number> = { "": 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1 << 20, g: 1e9, gb: 1e9, gib: 1 << 30, t: 1e12, tb: 1e12, tib: 2 ** 40 };

/** A size as people write it (`500MB`, `4GiB`, `1e9`, `2 G`), in bytes; a UsageError otherwise. */
export function parseSize(text: string, flag = "--max-input"): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const n = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag} takes a size such as 500MB or 4GiB, not "${inert(text)}"`);
  return n;
}

/** The snapshot the command line names: the files, this machine, or both (--live FILE...). */
function readSnapshot(ctx: Context): Snapshot {
  const files = ctx.positionals;
  const max = ctx.flags.maxInput === undefined ? undefined : parseSize(ctx.flags.maxInput);
  const live = readsLive(ctx) ? liveSnapshot({ owners: !ctx.flags.noOwners }) : undefined;
  return files.length === 0 ? live! : readWithProgress(files, live, max);
}

/** Renders and writes the report; returns the exit code of the findings shown. */
function present(ctx: Context, snap: Snapshot, diagnosis: Diagnosis, format: ReportFormat): number {
  const { flags } = ctx;
  const analysis = analysisOf(snap, diagnosis, provenanceOf(snap, VERSION, ctx.argv), flags.minSeverity, { verbose: flags.verbose, series: seriesDigest(snap) });
  const code = analysis.findings.some((f) => severityRank(f.severity) >= severityRank("warning")) ? EXIT.findings : EXIT.ok;
  const toFile = flags.output !== undefined && flags.output !== "-";
  let text: string;
  if (format === "json") text = renderJson(analysis);
  else if (format === "markdown") text = renderMarkdown(analysis);
  else {
    const term = detectTerminal(flags.noColor, flags.color, ctx.env);
    // A file gets no colour unless asked for, and 80 columns.
    text = renderText(analysis, { color: term.color && (!toFile || flags.color === "always"), width: toFile ? 80 : term.width });
  }
  writeOutput(text, flags.output, { force: flags.force, exitCode: code });
  return code;
}

/** `tcpdoc analyze --fleet DIR`: the hosts' analyses, then the fleet rules. */
async function fleetAnalysis(ctx: Context): Promise<FleetAnalysis> {
  const { flags } = ctx;
  if (ctx.positionals.length > 0 || flags.live) throw new UsageError("--fleet reads the hosts' files from its directory or archive: give no FILE and no --live");
  // The fleet code (and the YAML reader for its rules) loads only when asked for.
  const fleet = await import("./fleet.ts");
  const { openFleet } = await import("../sources/fleet.ts");
  const { analyzeFleet } = await import("../fleet/evaluate.ts");
  const jobs = fleet.fleetJobs(flags.jobs);
  const rules = await fleet.hostRules(flags, ctx.env);
  const answers = checkedAnswers(flags.answer, rules, ctx.configAnswers);
  const fleetRules = await fleet.loadFleetRules(flags, ctx.env);
  const max = flags.maxInput === undefined ? undefined : parseSize(flags.maxInput);
  const source = openFleet(flags.fleet!, max);
  if (source.hosts.length === 0) throw new UsageError(`--fleet ${inert(flags.fleet!)}: no host found (a directory per host, or snapshot files that name their host)`);
  const hosts = await fleet.analyzeHosts(source.hosts, rules, flags, answers, jobs, max);
  return await analyzeFleet(source.from, hosts, fleetRules, source.skipped);
}

/** `tcpdoc analyze --all-netns`: every network namespace of this machine as a host of a fleet. */
async function namespacesAnalysis(ctx: Context): Promise<FleetAnalysis> {
  const { flags } = ctx;
  if (ctx.positionals.length > 0 || flags.fleet !== undefined) throw new UsageError("--all-netns reads this machine's namespaces: give no FILE and no --fleet");
  const fleet = await import("./fleet.ts");
  const { namespaceSnapshots } = await import("../sources/netns.ts");
  const { analyzeFleet } = await import("../fleet/evaluate.ts");
  const { summarizeHost } = await import("../fleet/host.ts");
  const rules = await fleet.hostRules(flags, ctx.env);
  const answers = checkedAnswers(flags.answer, rules, ctx.configAnswers);
  const fleetRules = await fleet.loadFleetRules(flags, ctx.env);
  const hosts = [];
  for (const ns of namespaceSnapshots({ owners: !flags.noOwners, ...(flags.procRoot ? { proc: flags.procRoot } : {}) })) {
    hosts.push(summarizeHost(ns.name, ns.labels, [`live:/proc/${ns.pid}/net/tcp`], ns.snap, (await evaluate(ns.snap, rules, answers)).findings));
  }
  return await analyzeFleet("this machine's network namespaces", hosts, fleetRules);
}

/** The fleet the flags name (--all-netns or --fleet DIR), with the findings --min-severity shows. */
async function manyHosts(ctx: Context): Promise<FleetAnalysis> {
  const a = await (ctx.flags.allNetns ? namespacesAnalysis(ctx) : fleetAnalysis(ctx));
  const { atMinSeverity } = await import("../fleet/evaluate.ts");
  return atMinSeverity(a, ctx.flags.minSeverity);
}

/** `tcpdoc analyze [FILE...|-]`. */
export async function analyzeCommand(ctx: Context): Promise<number> {
  const format = reportFormat(ctx);
  if (ctx.flags.allNetns || ctx.flags.fleet !== undefined) {
    const { presentFleet } = await import("./fleet.ts");
    return presentFleet(ctx, await manyHosts(ctx), format, VERSION);
  }
  const { rules, answers } = await prepare(ctx);
  const snap = readSnapshot(ctx);
  return present(ctx, snap, await evaluate(snap, rules, answers), format);
}

/**
 * `tcpdoc [FILE...|-]`: the guided session when stdout is a terminal and
 * no report option is given, else the report.
 */
export async function sessionCommand(ctx: Context): Promise<number> {
  const reportAsked = (["plain", "json", "format", "output"] as const).some((k) => ctx.given.has(k));
  if (!process.stdout.isTTY || reportAsked) return await analyzeCommand(ctx);
  if (ctx.flags.fleet !== undefined || ctx.flags.allNetns) {
    const a = await manyHosts(ctx);
    const { fleetExitCode, presentFleet } = await import("./fleet.ts");
    const { runFleetSession } = await loadUi();
    const color = detectTerminal(ctx.flags.noColor, ctx.flags.color, ctx.env).color;
    return (await runFleetSession(a, color)) ? fleetExitCode(a) : presentFleet(ctx, a, reportFormat(ctx), VERSION);
  }
  const format = reportFormat(ctx);
  const { rules, answers } = await prepare(ctx);
  const { flags } = ctx;
  const { runSession } = await loadUi();
  return await runSession({
    snapshot: () => readSnapshot(ctx),
    stdinIsData: ctx.positionals.includes("-") || ctx.positionals.includes("/dev/stdin"),
    color: detectTerminal(flags.noColor, flags.color, ctx.env).color,
    rules: { ruleDirs: flags.rules, disabled: flags.disable, userRules: !flags.noUserRules },
    minSeverity: flags.minSeverity,
    answers,
    fallback: async (snap) => present(ctx, snap, await evaluate(snap, rules, answers), format),
    command: { version: VERSION, argv: ctx.argv },
  });
}
