// Shared by the engine's tests: the lab captures, their awk oracle, facts
// and rules built in a test. Not a test file itself.
import * as fs from "node:fs";
import * as path from "node:path";
import { readInputs, readSeries } from "../../src/sources/mod.ts";
import { Diagnoser, FactContext, loadRuleSet, type Rule, type RuleSet, summarizeMoment } from "../../src/engine/mod.ts";
import { whyUnknown } from "../../src/engine/evaluate.ts";
import type { Finding } from "../../src/model/finding.ts";
import { emptySnapshot as emptySnapshotForTest, LINE_KINDS as LINE_KINDS_FOR_TEST } from "../../src/model/snapshot.ts";
import { STATES } from "../../src/model/states.ts";

const STATE_IDS_FOR_TEST: Record<string, number> = Object.fromEntries(STATES.map((s, i) => [s, i + 1]));
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const LAB = path.join(ROOT, "samples", "linux");

/** Files of a lab scenario. */
export const lab = (scenario: string, ...files: string[]) => files.map((f) => path.join(LAB, scenario, f));

/** Files of a field corpus case (test/field/cases/): real pastes. */
export const field = (id: string, ...files: string[]) => files.map((f) => path.join(ROOT, "test", "field", "cases", id, f));

/** What the lab's awk oracle counted in a capture. */
export const expected = (scenario: string, file: string) =>
  JSON.parse(fs.readFileSync(path.join(LAB, scenario, "expected.json"), "utf8"))[file] as { sockets: number; states: Record<string, number> };

export function facts(files: string[]): FactContext {
  return new FactContext(readInputs(files));
}

/** Facts of inputs read as analyze reads them: a series when they hold several moments. */
export function seriesFacts(files: string[]): FactContext {
  return new FactContext(readSeries(files, summarizeMoment));
}

export function get(c: FactContext, fact: string, params: Record<string, unknown> = {}) {
  return c.get(fact, params, undefined, {});
}

/** Why a path of a fact is unknown, as a finding's `missing` list says it. */
export function why(c: FactContext, fact: string, path: string, params: Record<string, unknown> = {}): string {
  return whyUnknown(c, fact, params, path, undefined, {});
}

/** The built-in rules, as the command loads them without a user directory. */
export async function builtinRules(): Promise<RuleSet> {
  return await loadRuleSet(ruleLoadOptions({ userRules: false }));
}

/** A rule built in the test. */
export function rule(id: string, conditions: Record<string, unknown>, more: Partial<Rule> = {}): Rule {
  return { id, title: id, severity: "warning", conditions, source: "(test)", origin: "rules-dir", ...more };
}

/** A rule set of these rules, with the built-in named conditions. */
export async function set(...rules: Rule[]): Promise<RuleSet> {
  const base = await builtinRules();
  return { rules, conditions: base.conditions, errors: [], replaced: new Map() };
}

/** The findings of these rules on these files. */
export async function run(files: string[], rules: Rule[], answers: Record<string, unknown> = {}): Promise<Finding[]> {
  return await new Diagnoser(readInputs(files), await set(...rules)).run(answers);
}

/** A socket row for a synthetic snapshot: `state local remote` ("ESTABLISHED 10.0.0.1:40000 10.0.0.2:5432") plus fields. */
export interface RowSpec {
  state: string;
  local: string;
  remote: string;
  recvQ?: number;
  sendQ?: number;
  pid?: number;
  program?: string;
  timer?: string;
  input?: number;
}

function splitEndpoint(e: string): [string, number] {
  const i = e.lastIndexOf(":");
  const port = e.slice(i + 1);
  return [e.slice(0, i).replace(/^\[|\]$/g, ""), port === "*" ? -1 : Number(port)];
}

/**
 * A snapshot built in a test, with the wave-2 fields (samples, tallies,
 * platform, symptom details) set directly: `inputs` describes each input
 * (format, sample, tallies), `rows` its sockets.
 */
export function snapshotOf(spec: {
  inputs?: Partial<import("../../src/model/snapshot.ts").InputReport>[];
  rows?: (RowSpec | string)[];
  tallies?: Partial<Record<string, number>>;
  sysctls?: Record<string, string>;
  counters?: Record<string, number>;
  symptoms?: { kind: import("../../src/model/snapshot.ts").SymptomKind; count?: number; examples?: Partial<import("../../src/model/snapshot.ts").SymptomExample>[]; ports?: number[] }[];
  platform?: import("../../src/model/snapshot.ts").Platform;
  live?: boolean;
}): import("../../src/model/snapshot.ts").Snapshot {
  const snap = emptySnapshotForTest(spec.live ?? false);
  const inputs = spec.inputs ?? [{}];
  for (const [k, r] of inputs.entries()) {
    const kinds = Object.fromEntries(LINE_KINDS_FOR_TEST.map((x) => [x, 0])) as Record<string, number>;
    snap.inputs.push({ path: `in${k}.txt`, format: "ss", formats: {}, encoding: "utf-8", lines: 0, sockets: 0, kinds: kinds as never, unparsed: 0, unparsedLines: [], ...r });
  }
  for (const [n, raw] of (spec.rows ?? []).entries()) {
    const r: RowSpec = typeof raw === "string" ? (() => { const [state, local, remote] = raw.split(/\s+/); return { state, local, remote }; })() : raw;
    const [la, lp] = splitEndpoint(r.local), [ra, rp] = splitEndpoint(r.remote);
    snap.sockets.add({
      family: 4, state: STATE_IDS_FOR_TEST[r.state] ?? 0, localAddress: la, localPort: lp, remoteAddress: ra, remotePort: rp,
      recvQ: r.recvQ ?? -1, sendQ: r.sendQ ?? -1, pid: r.pid, program: r.program, timer: r.timer,
    }, r.input ?? 0, n + 1);
  }
  for (const [s, n] of Object.entries(spec.tallies ?? {})) snap.tallies[STATE_IDS_FOR_TEST[s] ?? 0] += n ?? 0;
  for (const [k, v] of Object.entries(spec.sysctls ?? {})) snap.sysctls.set(k, { key: k, value: v, input: 0, line: 1 });
  for (const [k, v] of Object.entries(spec.counters ?? {})) snap.counters.set(k, { name: k, value: v, input: 0, line: 1 });
  for (const s of spec.symptoms ?? []) {
    const examples = (s.examples ?? [{}]).map((e, i) => ({ input: 0, line: i + 1, text: "", ...e }));
    const ports: Record<number, number> = {};
    for (const p of s.ports ?? []) ports[p] = (ports[p] ?? 0) + 1;
    snap.symptoms.set(s.kind, { kind: s.kind, count: s.count ?? examples.length, examples, ports });
    snap.inputs[0].kinds.symptom += s.count ?? examples.length;
  }
  if (spec.platform) snap.platform = spec.platform;
  return snap;
}
