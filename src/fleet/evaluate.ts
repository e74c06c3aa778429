/**
 * Evaluates fleet rules over the hosts' summaries with json-rules-engine,
 * as single-host rules are evaluated over a snapshot's facts, and gives
 * fleet findings.
 */

import { Engine } from "json-rules-engine";
import { fillTemplate, resolvePath } from "../engine/mod.ts";
import { severityRank, type Severity } from "../model/finding.ts";
import { FLEET_FACTS, fleetFactById, matchPairs, type PairGroup } from "./facts.ts";
import type { FileProblem, HostSummary } from "./host.ts";
import type { FleetRef, FleetRule } from "./rules.ts";

export interface FleetFinding {
  rule: string;
  severity: Severity;
  confidence: number;
  title: string;
  message: string;
  /** The hosts the finding is about. */
  hosts: string[];
  figures: Record<string, number | string>;
  fixes: string[];
  source: string;
}

/** Everything a fleet report shows. */
export interface FleetAnalysis {
  /** Where the fleet was read from (a directory or an archive). */
  from: string;
  hosts: HostSummary[];
  findings: FleetFinding[];
  /** Connections whose two ends are on two hosts, FIN_WAIT_2 against CLOSE_WAIT. */
  pairs: PairGroup[];
  /** Files of the fleet left out before any host read them (outside every host's directory, links), with why; absent when none. */
  skipped?: FileProblem[];
  /** Findings left out by --min-severity (present when it is above info): fleet findings, and host findings over all hosts. */
  hidden?: { below: Severity; fleet: number; hosts: number };
}

function read(hosts: readonly HostSummary[], ref: FleetRef, memo: Map<string, unknown>): unknown {
  const key = `${ref.fact}|${JSON.stringify(ref.params ?? {})}`;
  if (!memo.has(key)) memo.set(key, fleetFactById(ref.fact)!.compute(hosts, ref.params ?? {}));
  return resolvePath(memo.get(key), ref.path ?? "$");
}

function figureText(v: unknown): number | string | undefined {
  if (typeof v === "number") return Number.isInteger(v) ? v : Math.round(v * 100) / 100;
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  return undefined;
}

/** Evaluates every fleet rule; the findings, worst first. */
export async function evaluateFleet(hosts: readonly HostSummary[], rules: readonly FleetRule[]): Promise<FleetFinding[]> {
  const memo = new Map<string, unknown>();
  const out: FleetFinding[] = [];
  for (const rule of rules) {
    const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: resolvePath });
    for (const f of FLEET_FACTS) engine.addFact(f.id, (params: Record<string, unknown>) => read(hosts, { fact: f.id, params: params ?? {} }, memo), { cache: true });
    engine.addRule({ conditions: rule.conditions as never, event: { type: rule.id }, name: rule.id });
    const res = await engine.run();
    if (res.events.length === 0) continue;
    const figures: Record<string, number | string> = {};
    for (const [name, ref] of Object.entries(rule.figures)) {
      const v = figureText(read(hosts, ref, memo));
      if (v !== undefined) figures[name] = v;
    }
    const values = Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, String(v)]));
    const h = rule.hosts ? read(hosts, rule.hosts, memo) : undefined;
    out.push({
      rule: rule.id,
      severity: rule.severity,
      confidence: rule.confidence,
      title: rule.title,
      message: fillTemplate(rule.message, values).replace(/\s+/g, " ").trim(),
      hosts: Array.isArray(h) ? h.map(String) : typeof h === "string" ? [h] : [],
      figures,
      fixes: rule.fixes,
      source: rule.source,
    });
  }
  return out.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.confidence - a.confidence || (a.rule < b.rule ? -1 : 1));
}

/** The fleet analysis of these hosts under these rules; `skipped`, the fleet's files no host read. */
export async function analyzeFleet(from: string, hosts: HostSummary[], rules: readonly FleetRule[], skipped: FileProblem[] = []): Promise<FleetAnalysis> {
  const sorted = [...hosts].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const a: FleetAnalysis = { from, hosts: sorted, findings: await evaluateFleet(sorted, rules), pairs: matchPairs(sorted.filter((x) => !x.error)) };
  if (skipped.length) a.skipped = skipped;
  return a;
}

/**
 * The analysis with only the fleet findings and host findings at `min` or
 * worse, as `tcpdoc analyze --min-severity` shows a host's: the others are
 * counted in `hidden` (and per host in its `hidden`), and every verdict and
 * the exit code follow what is shown. The fleet rules have already run
 * over the hosts' full findings, so what they concluded does not change.
 */
export function atMinSeverity(a: FleetAnalysis, min: Severity): FleetAnalysis {
  if (min === "info") return a;
  const shown = (f: { severity: Severity }) => severityRank(f.severity) >= severityRank(min);
  let hostsHidden = 0;
  const hosts = a.hosts.map((h) => {
    const kept = h.findings.filter(shown);
    const hidden = h.findings.length - kept.length;
    hostsHidden += hidden;
    return hidden ? { ...h, findings: kept, hidden } : h;
  });
  const findings = a.findings.filter(shown);
  return { ...a, hosts, findings, hidden: { below: min, fleet: a.findings.length - findings.length, hosts: hostsHidden } };
}
