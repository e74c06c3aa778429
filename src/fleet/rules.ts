/**
 * Fleet rules: YAML files in a `fleet/` directory beside the single-host
 * rules (the package's rules/fleet/, the user's rules directory's fleet/,
 * each --rules directory's fleet/), written in the rule language of
 * single-host rules (conditions of fact, params, path, operator, value;
 * evidence figures; a message template), over the fleet facts of
 * ./facts.ts. Read like every rule file (the engine's bounded reads, plain
 * YAML under limits, text checks), then checked here; evaluation in
 * ./evaluate.ts. Pure: the files are read through the RuleFiles handed in.
 */

import type { Severity } from "../model/finding.ts";
import { SEVERITIES } from "../model/finding.ts";
import {
  isRuleFileName,
  isTestFileName,
  MAX_RULE_FILES,
  parseOperator,
  parsePath,
  PLAIN,
  readPlainRuleFile,
  RuleFileError,
  type RuleFiles,
  type RuleOrigin,
  type RuleSource,
  templateNames,
  templateProblems,
  walkCondition,
} from "../engine/mod.ts";
import { fleetFactById } from "./facts.ts";

/** The directory of fleet rules inside a rules directory. */
export const FLEET_DIR = "fleet";

/** A reference to a fleet fact's value. */
export interface FleetRef {
  fact: string;
  params?: Record<string, unknown>;
  path?: string;
}

export interface FleetRule {
  id: string;
  title: string;
  severity: Severity;
  confidence: number;
  conditions: Record<string, unknown>;
  /** Figures for the message, by name. */
  figures: Record<string, FleetRef>;
  /** The hosts the finding is about: a reference to a list of names, or to one name. */
  hosts?: FleetRef;
  message: string;
  fixes: string[];
  /** The Prometheus expression over tcpdoc's metrics that alerts on the same thing, when there is one. */
  prometheus?: { expr: string; for: string };
  source: string;
  origin: RuleOrigin;
}

/** Fleet rules as loaded: later sources replace earlier rules by id; every problem positioned. */
export interface FleetRuleSet {
  rules: FleetRule[];
  errors: RuleFileError[];
  /** Ids replaced by a later source, with the file replaced. */
  replaced: Map<string, string>;
}

const KEYS = ["id", "title", "severity", "confidence", "conditions", "evidence", "message", "fixes", "prometheus"];
const TEST_KEYS = ["cases"];
const CASE_KEYS = ["name", "fleet", "expect"];
const EXPECT_KEYS = ["fires", "severity", "hosts", "evidence"];

/** Where a top-level field starts in the text: its line, else the first line. */
function lineOf(text: string, key: string): number {
  const i = text.split("\n").findIndex((l) => l.startsWith(`${key}:`));
  return i === -1 ? 1 : i + 1;
}

/** Collects positioned problems of one file; `fail` records one and stops the check. */
class Problems {
  readonly errors: RuleFileError[] = [];
  constructor(readonly file: string, readonly text: string) {}
  fail(message: string, key = "id", hint?: string): never {
    this.errors.push(new RuleFileError("fleet-rule", this.file, lineOf(this.text, key), 1, message, hint));
    throw STOP;
  }
}
const STOP = Symbol("stop");

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const REF_KEYS = ["fact", "params", "path"];
const LEAF_KEYS = [...REF_KEYS, "operator", "value"];

function checkRef(v: unknown, where: string, fail: (m: string) => never, keys = REF_KEYS): FleetRef {
  if (!isMap(v)) fail(`${where} must be a mapping with fact, params and path`);
  const r = v as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!keys.includes(k)) fail(`${where}: unknown field "${k}"; it has ${keys.join(", ")}`);
  if (typeof r.fact !== "string" || !fleetFactById(r.fact)) fail(`${where}: unknown fleet fact "${String(r.fact)}"`);
  if (r.path !== undefined && (typeof r.path !== "string" || !parsePath(r.path))) fail(`${where}: path "${String(r.path)}" is not a path such as $.top.key`);
  if (r.params !== undefined && !isMap(r.params)) fail(`${where}: params must be a mapping`);
  const out: FleetRef = { fact: r.fact as string };
  if (r.params) out.params = r.params as Record<string, unknown>;
  if (r.path) out.path = r.path as string;
  return out;
}

/**
 * Checks a fleet rule file's plain value (read by readPlainRuleFile, so
 * already bounded, plain and free of control characters and reserved
 * names); the rule, or its first problem at the field's line.
 */
export function fleetRuleFromValue(d: Record<string, unknown>, file: string, text: string, origin: RuleOrigin): { rule?: FleetRule; errors: RuleFileError[] } {
  const p = new Problems(file, text);
  try {
    return { rule: check(d, file, origin, p), errors: [] };
  } catch (e) {
    if (e !== STOP) throw e;
    return { errors: p.errors };
  }
}

function check(d: Record<string, unknown>, file: string, origin: RuleOrigin, p: Problems): FleetRule {
  const fail = (m: string, key = "id", hint?: string): never => p.fail(m, key, hint);
  for (const k of Object.keys(d)) if (!KEYS.includes(k)) fail(`unknown field "${k}"; a fleet rule has ${KEYS.join(", ")}`, k);
  if (typeof d.id !== "string" || !/^fleet-[a-z0-9]+(-[a-z0-9]+)*$/.test(d.id) || d.id.length > 64) fail(`id must be fleet-<words>, lower case with dashes`);
  if (typeof d.title !== "string" || d.title.includes("\n")) fail("title must be one line of text", "title");
  if (!SEVERITIES.includes(d.severity as Severity)) fail(`severity must be one of ${SEVERITIES.join(", ")}`, "severity");
  const confidence = d.confidence ?? 0.8;
  if (typeof confidence !== "number" || confidence < 0 || confidence > 1) fail("confidence must be a number from 0 to 1", "confidence");
  if (!isMap(d.conditions)) fail("conditions must be all: or any: of conditions", "conditions");
  walkCondition<unknown, void>(d.conditions, PLAIN, {
    all: () => {},
    any: () => {},
    not: () => {},
    ref: () => fail("named conditions are not available to fleet rules", "conditions"),
    leaf: (n) => {
      const leaf = n as Record<string, unknown>;
      checkRef(leaf, "a condition", (m) => fail(m, "conditions"), LEAF_KEYS);
      if (typeof leaf.operator !== "string" || !parseOperator(leaf.operator)) fail(`unknown operator "${String(leaf.operator)}"`, "conditions");
    },
    bad: () => fail("a condition is neither all:, any:, not: nor a fact condition", "conditions"),
  });
  if (d.evidence !== undefined && !isMap(d.evidence)) fail("evidence must be a mapping of figures and hosts", "evidence");
  const ev = (d.evidence ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(ev)) if (k !== "figures" && k !== "hosts") fail(`evidence: unknown field "${k}"; it has figures and hosts`, "evidence");
  if (ev.figures !== undefined && !isMap(ev.figures)) fail("evidence figures must be a mapping of names to fact references", "evidence");
  const figures: Record<string, FleetRef> = {};
  for (const [name, r] of Object.entries((ev.figures ?? {}) as Record<string, unknown>)) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(`evidence figure "${name}": names are lower case letters, digits and _`, "evidence");
    figures[name] = checkRef(r, `evidence figure ${name}`, (m) => fail(m, "evidence"));
  }
  const hosts = ev.hosts === undefined ? undefined : checkRef(ev.hosts, "evidence hosts", (m) => fail(m, "evidence"));
  if (typeof d.message !== "string") fail("message must be text", "message");
  const message = (d.message as string).trim();
  for (const t of templateProblems(message)) fail(`message: section {{${t.kind === "unclosed" ? "#" : "/"}${t.name}}} does not pair up`, "message");
  for (const n of templateNames(message)) if (!figures[n]) fail(`message uses {{${n}}}, which is not an evidence figure`, "message");
  const fixes = d.fixes ?? [];
  if (!Array.isArray(fixes) || fixes.some((f) => typeof f !== "string")) fail("fixes must be a list of sentences", "fixes");
  const rule: FleetRule = {
    id: d.id as string,
    title: d.title as string,
    severity: d.severity as Severity,
    confidence: confidence as number,
    conditions: d.conditions as Record<string, unknown>,
    figures,
    message,
    fixes: fixes as string[],
    source: file,
    origin,
  };
  if (hosts) rule.hosts = hosts;
  if (d.prometheus !== undefined) {
    const pr = d.prometheus as Record<string, unknown>;
    if (!isMap(pr) || typeof pr.expr !== "string" || typeof pr.for !== "string" || Object.keys(pr).some((k) => k !== "expr" && k !== "for")) fail("prometheus must have expr and for, and nothing else", "prometheus");
    rule.prometheus = { expr: pr.expr as string, for: pr.for as string };
  }
  return rule;
}

/** One fleet rule test case: a fleet (a directory or archive) and what the rule must do on it. */
export interface FleetTestCase {
  name: string;
  /** Relative to the test file's directory, or `samples/...`. */
  fleet: string;
  expect: {
    fires: boolean;
    severity?: Severity;
    /** The hosts the finding names, exactly (sorted). */
    hosts?: string[];
    /** Figures: a value, or { gte, lte, gt, lt, equal }. */
    evidence?: Record<string, unknown>;
  };
}

/** Checks a fleet rule test file's plain value: `cases:` of name, fleet and expect. */
export function fleetTestFromValue(d: Record<string, unknown>, file: string, text: string): { cases?: FleetTestCase[]; errors: RuleFileError[] } {
  const p = new Problems(file, text);
  const fail = (m: string): never => p.fail(m, "cases");
  try {
    for (const k of Object.keys(d)) if (!TEST_KEYS.includes(k)) p.fail(`unknown field "${k}"; a fleet rule test file has cases`, k);
    if (!Array.isArray(d.cases) || d.cases.length === 0) fail("cases must be a list of at least one case");
    const cases = (d.cases as unknown[]).map((c, i) => {
      const where = `case ${i + 1}`;
      if (!isMap(c)) return fail(`${where} must be a mapping of name, fleet and expect`);
      for (const k of Object.keys(c)) if (!CASE_KEYS.includes(k)) fail(`${where}: unknown field "${k}"; a case has ${CASE_KEYS.join(", ")}`);
      if (typeof c.name !== "string" || c.name.includes("\n")) fail(`${where}: name must be one line of text`);
      if (typeof c.fleet !== "string" || c.fleet === "") fail(`${where}: fleet must name a fleet directory or archive`);
      if (!isMap(c.expect)) return fail(`${where}: expect must be a mapping with fires`);
      const e = c.expect;
      for (const k of Object.keys(e)) if (!EXPECT_KEYS.includes(k)) fail(`${where}: expect: unknown field "${k}"; it has ${EXPECT_KEYS.join(", ")}`);
      if (typeof e.fires !== "boolean") fail(`${where}: expect.fires must be true or false`);
      if (e.severity !== undefined && !SEVERITIES.includes(e.severity as Severity)) fail(`${where}: expect.severity must be one of ${SEVERITIES.join(", ")}`);
      if (e.hosts !== undefined && (!Array.isArray(e.hosts) || e.hosts.some((h) => typeof h !== "string"))) fail(`${where}: expect.hosts must be a list of host names`);
      if (e.evidence !== undefined && !isMap(e.evidence)) fail(`${where}: expect.evidence must be a mapping of figures`);
      return c as unknown as FleetTestCase;
    });
    return { cases, errors: [] };
  } catch (e) {
    if (e !== STOP) throw e;
    return { errors: p.errors };
  }
}

/** Reads and checks one fleet rule file. */
export async function readFleetRule(file: string, files: RuleFiles, origin: RuleOrigin): Promise<{ rule?: FleetRule; errors: RuleFileError[] }> {
  const r = await readPlainRuleFile(file, files, "fleet rule file");
  if (!r.value) return { errors: r.errors };
  return fleetRuleFromValue(r.value, file, r.text!, origin);
}

/** Reads and checks one fleet rule test file. */
export async function readFleetTest(file: string, files: RuleFiles): Promise<{ cases?: FleetTestCase[]; errors: RuleFileError[] }> {
  const r = await readPlainRuleFile(file, files, "fleet rule test file");
  if (!r.value) return { errors: r.errors };
  return fleetTestFromValue(r.value, file, r.text!);
}

/** The fleet rule files of a fleet directory (sorted), or the problem with the directory. */
export function fleetRuleFiles(dir: string, files: RuleFiles): { rules: string[]; tests: string[]; error?: RuleFileError } {
  const listed = files.list(dir);
  if (!("names" in listed)) return { rules: [], tests: [], error: new RuleFileError("read", dir, 1, 1, `Cannot read the fleet rules directory: ${listed.error}`, "check that you may read it") };
  if (listed.names.length > MAX_RULE_FILES) return { rules: [], tests: [], error: new RuleFileError("too-many-files", dir, 1, 1, `The fleet rules directory holds more than ${MAX_RULE_FILES} files`) };
  const names = [...listed.names].sort();
  return { rules: names.filter(isRuleFileName).map((n) => files.join(dir, n)), tests: names.filter(isTestFileName).map((n) => files.join(dir, n)) };
}

/**
 * Loads the fleet rules of these sources (fleet directories, in order):
 * a rule with an earlier one's id replaces it, two with one id in one
 * directory are an error; files that do not validate are left out and
 * reported.
 */
export async function loadFleetRuleSet(sources: readonly RuleSource[], files: RuleFiles): Promise<FleetRuleSet> {
  const byId = new Map<string, FleetRule>();
  const replaced = new Map<string, string>();
  const errors: RuleFileError[] = [];
  for (const s of sources) {
    const found = fleetRuleFiles(s.path, files);
    if (found.error) errors.push(found.error);
    const here = new Map<string, string>();
    for (const file of found.rules) {
      const r = await readFleetRule(file, files, s.origin);
      errors.push(...r.errors);
      if (!r.rule) continue;
      const prev = here.get(r.rule.id);
      if (prev) {
        errors.push(new RuleFileError("duplicate-id", file, 1, 1, `Duplicate fleet rule id "${r.rule.id}" (also in ${prev})`, "ids are unique within a directory"));
        continue;
      }
      here.set(r.rule.id, file);
      const old = byId.get(r.rule.id);
      if (old) replaced.set(r.rule.id, old.source);
      byId.set(r.rule.id, r.rule);
    }
  }
  return { rules: [...byId.values()], errors, replaced };
}
