/**
 * `tcpdoc analyze --fleet DIR|ARCHIVE`: every host's files analysed on
 * its own (on helper threads, a bounded number at once), then the fleet
 * rules over the hosts' summaries, and one fleet report.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { analyzeHost, type HostJob } from "../fleet/analyze_host.ts";
import { analyzeFleet, type FleetAnalysis } from "../fleet/evaluate.ts";
import type { HostSummary } from "../fleet/host.ts";
import { type FleetRule, loadFleetRuleSet } from "../fleet/rules.ts";
import { severityRank } from "../model/finding.ts";
import { renderFleetJson, renderFleetMarkdown, renderFleetText } from "../report/fleet.ts";
import type { FleetHost } from "../sources/fleet.ts";
import { readInputs } from "../sources/mod.ts";
import { fleetRuleSources, ruleFiles } from "../sources/rule_files.ts";
import { startThread } from "../sources/threads.ts";
import { inert } from "../text/inert.ts";
import type { Context } from "./command.ts";
import { EXIT, UsageError, UserError } from "./errors.ts";
import type { Flags } from "./options.ts";
import { writeOutput } from "./output.ts";
import { loadRules, type RuleSet, withoutDisabled } from "./rule_set.ts";
import { detectTerminal } from "./terminal.ts";

/** Helper threads at most, whatever the cores: each holds one host's snapshot. */
const MAX_THREADS = 8;

/**
 * The fleet rules the flags name: the package's rules/fleet/, then the
 * fleet/ directory of the user's rules directory (unless --no-user-rules)
 * and of each --rules directory, a later rule replacing an earlier one by
 * id. Strict, as `analyze` is with host rules: a fleet rule that does not
 * validate stops the run (UserError naming file:line and how many more).
 */
export async function loadFleetRules(flags: Pick<Flags, "rules" | "noUserRules"> = { rules: [], noUserRules: true }, env?: Record<string, string | undefined>): Promise<FleetRule[]> {
  const set = await loadFleetRuleSet(fleetRuleSources({ ruleDirs: flags.rules, userRules: !flags.noUserRules, env }), ruleFiles);
  if (set.errors.length) {
    const more = set.errors.length - 1;
    throw new UserError("rule", set.errors[0].file, `${inert(set.errors[0].format())}${more ? ` (and ${more} more problem${more === 1 ? "" : "s"}: 'tcpdoc rules validate' lists them)` : ""}`);
  }
  return set.rules;
}

/** Runs host jobs: on a helper thread, or on this thread. */
interface HostRunner {
  run(job: HostJob): Promise<HostSummary>;
  close(): void;
}

/** How a host's files on disk become a snapshot: as `tcpdoc analyze FILE...` reads them. */
const readFiles = (files: string[], max: number | undefined) => readInputs(files, undefined, max === undefined ? {} : { maxInputBytes: max });

class InlineRunner implements HostRunner {
  constructor(private readonly rules: RuleSet) {}
  run(job: HostJob): Promise<HostSummary> {
    return analyzeHost(job, this.rules, readFiles);
  }
  close(): void {}
}

/** A helper thread that analyses one host at a time. */
class ThreadRunner implements HostRunner {
  #next = 0;
  readonly #waiting = new Map<number, (s: HostSummary) => void>();
  private constructor(private readonly worker: Worker) {
    worker.on("message", (m: { id?: number; summary?: HostSummary }) => {
      if (m.id === undefined || !m.summary) return;
      this.#waiting.get(m.id)?.(m.summary);
      this.#waiting.delete(m.id);
    });
  }

  /** The thread, once its module has loaded; undefined where threads cannot help or it did not load. */
  static async start(flags: Flags): Promise<ThreadRunner | undefined> {
    const url = new URL(import.meta.url.endsWith(".ts") ? "./fleet_worker.ts" : "./fleet-worker.js", import.meta.url);
    if (!fs.existsSync(url)) return undefined;
    // Under Node the TypeScript sources (tests) need tsx's hooks, which a worker does not inherit.
    const hooks = url.pathname.endsWith(".ts") ? 'import("tsx/esm/api").then((m) => m.register())' : "Promise.resolve()";
    const boot = `${hooks}.then(() => import(${JSON.stringify(url.href)}))`;
    const w = startThread(boot, { rules: flags.rules, noUserRules: flags.noUserRules, disable: flags.disable });
    if (!w) return undefined;
    w.ref();
    const ready = await new Promise<boolean>((resolve) => {
      w.once("message", (m: { ready?: boolean }) => resolve(m.ready === true));
      w.once("error", () => resolve(false));
      w.once("exit", () => resolve(false));
    });
    if (!ready) {
      void w.terminate();
      return undefined;
    }
    return new ThreadRunner(w);
  }

  run(job: HostJob): Promise<HostSummary> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.worker.postMessage({ id, job });
    });
  }

  close(): void {
    void this.worker.terminate();
  }
}

/** How many hosts are analysed at once: --jobs, else the cores (at most MAX_THREADS). */
export function fleetJobs(given: string | undefined): number {
  if (given === undefined) return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--jobs takes a whole number from 1 to 64, not "${inert(given)}"`);
  return n;
}

/**
 * Analyses every host, `jobs` at a time: each lane reads a host's texts,
 * hands them to its runner and keeps only the summary, so at most `jobs`
 * hosts' texts and snapshots exist at once.
 */
export async function analyzeHosts(hosts: readonly FleetHost[], rules: RuleSet, flags: Flags, answers: Record<string, string>, jobs: number, maxInput?: number): Promise<HostSummary[]> {
  const lanes = Math.min(jobs, hosts.length);
  const runners: HostRunner[] = [];
  if (lanes > 1) {
    const started = await Promise.all(Array.from({ length: lanes }, () => ThreadRunner.start(flags)));
    for (const r of started) if (r) runners.push(r);
  }
  if (runners.length === 0) runners.push(new InlineRunner(rules));
  const out: HostSummary[] = new Array(hosts.length);
  let next = 0;
  try {
    await Promise.all(runners.map(async (runner) => {
      while (next < hosts.length) {
        const i = next++;
        const h = hosts[i];
        const job: HostJob = { host: h.host, labels: h.labels, names: h.inputs, answers, ...(maxInput === undefined ? {} : { maxInput }) };
        if (h.files) job.files = h.files;
        else {
          try {
            job.inputs = h.read();
          } catch (e) {
            out[i] = { host: h.host, labels: h.labels, inputs: h.inputs, sockets: 0, states: {}, destinations: {}, halfClosed: [], halfClosedDropped: 0, findings: [], error: (e as Error).message };
            continue;
          }
        }
        out[i] = await runner.run(job);
      }
    }));
  } finally {
    for (const r of runners) r.close();
  }
  return out;
}

/** The exit code of a fleet report: 1 when any fleet or host finding is a warning or worse. */
export function fleetExitCode(a: FleetAnalysis): number {
  const bad = (s: "info" | "warning" | "critical") => severityRank(s) >= severityRank("warning");
  return a.findings.some((f) => bad(f.severity)) || a.hosts.some((h) => h.findings.some((f) => bad(f.severity))) ? EXIT.findings : EXIT.ok;
}

/** Renders and writes the fleet report; returns the exit code. */
export function presentFleet(ctx: Context, a: FleetAnalysis, format: Flags["format"], version: string): number {
  const { flags } = ctx;
  const code = fleetExitCode(a);
  const toFile = flags.output !== undefined && flags.output !== "-";
  const provenance = { tool: { name: "tcpdoc" as const, version }, command: ["tcpdoc", ...ctx.argv] };
  let text: string;
  if (format === "json") text = renderFleetJson(a, provenance);
  else if (format === "markdown") text = renderFleetMarkdown(a);
  else {
    const term = detectTerminal(flags.noColor, flags.color, ctx.env);
    text = renderFleetText(a, { color: term.color && (!toFile || flags.color === "always"), width: toFile ? 80 : term.width });
  }
  writeOutput(text, flags.output, { force: flags.force, exitCode: code });
  return code;
}

/** Loads the host rules the flags name, with --disable applied. */
export async function hostRules(flags: Flags, env: Record<string, string | undefined>): Promise<RuleSet> {
  return withoutDisabled(await loadRules(flags, env), flags.disable);
}
