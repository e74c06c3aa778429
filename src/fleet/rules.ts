/**
 * Fleet rules: YAML files in rules/fleet/ written in the rule language of
 * single-host rules (conditions of fact, params, path, operator, value;
 * evidence figures; a message template), over the fleet facts of
 * ./facts.ts. Parsing and checking here; evaluation in ./evaluate.ts.
 */

import { parse } from "yaml";
import type { Severity } from "../model/finding.ts";
import { SEVERITIES } from "../model/finding.ts";
import { parseOperator, parsePath, PLAIN, templateNames, templateProblems, walkCondition } from "../engine/mod.ts";
import { fleetFactById } from "./facts.ts";

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
}

/** A fleet rule file that does not validate: file:line and what to change. */
export class FleetRuleError extends Error {
  readonly code = "fleet-rule";
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "FleetRuleError";
  }
}

const KEYS = new Set(["id", "title", "severity", "confidence", "conditions", "evidence", "message", "fixes", "prometheus"]);

function checkRef(v: unknown, where: string, fail: (m: string) => never): FleetRef {
  if (!v || typeof v !== "object" || Array.isArray(v)) fail(`${where} must be a mapping with fact, params and path`);
  const r = v as Record<string, unknown>;
  if (typeof r.fact !== "string" || !fleetFactById(r.fact)) fail(`${where}: unknown fleet fact "${String(r.fact)}"`);
  if (r.path !== undefined && (typeof r.path !== "string" || !parsePath(r.path))) fail(`${where}: path "${String(r.path)}" is not a path such as $.top.key`);
  if (r.params !== undefined && (typeof r.params !== "object" || Array.isArray(r.params) || r.params === null)) fail(`${where}: params must be a mapping`);
  const out: FleetRef = { fact: r.fact as string };
  if (r.params) out.params = r.params as Record<string, unknown>;
  if (r.path) out.path = r.path as string;
  return out;
}

/** Reads and checks one fleet rule file. Throws FleetRuleError. */
export function parseFleetRule(text: string, file: string): FleetRule {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? 1;
    throw new FleetRuleError(file, line, `not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const lineOf = (key: string) => {
    const i = text.split("\n").findIndex((l) => l.startsWith(`${key}:`));
    return i === -1 ? 1 : i + 1;
  };
  const fail = (m: string, key = "id"): never => {
    throw new FleetRuleError(file, lineOf(key), m);
  };
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) fail("a fleet rule file is one mapping");
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!KEYS.has(k)) fail(`unknown key "${k}"; a fleet rule has ${[...KEYS].join(", ")}`, k);
  if (typeof d.id !== "string" || !/^fleet-[a-z0-9-]+$/.test(d.id)) fail(`id must be fleet-<words>, lower case with dashes`);
  if (typeof d.title !== "string") fail("title must be text", "title");
  if (!SEVERITIES.includes(d.severity as Severity)) fail(`severity must be one of ${SEVERITIES.join(", ")}`, "severity");
  const confidence = d.confidence ?? 0.8;
  if (typeof confidence !== "number" || confidence < 0 || confidence > 1) fail("confidence must be a number from 0 to 1", "confidence");
  if (!d.conditions || typeof d.conditions !== "object") fail("conditions must be all: or any: of conditions", "conditions");
  walkCondition<unknown, void>(d.conditions, PLAIN, {
    all: () => {},
    any: () => {},
    not: () => {},
    ref: () => fail("named conditions are not available to fleet rules", "conditions"),
    leaf: (n) => {
      const leaf = n as Record<string, unknown>;
      checkRef(leaf, "a condition", (m) => fail(m, "conditions"));
      if (typeof leaf.operator !== "string" || !parseOperator(leaf.operator)) fail(`unknown operator "${String(leaf.operator)}"`, "conditions");
    },
    bad: () => fail("a condition is neither all:, any:, not: nor a fact condition", "conditions"),
  });
  const ev = (d.evidence ?? {}) as Record<string, unknown>;
  const figures: Record<string, FleetRef> = {};
  for (const [name, r] of Object.entries((ev.figures ?? {}) as Record<string, unknown>)) figures[name] = checkRef(r, `evidence figure ${name}`, (m) => fail(m, "evidence"));
  const hosts = ev.hosts === undefined ? undefined : checkRef(ev.hosts, "evidence hosts", (m) => fail(m, "evidence"));
  if (typeof d.message !== "string") fail("message must be text", "message");
  const message = (d.message as string).trim();
  for (const p of templateProblems(message)) fail(`message: section {{${p.kind === "unclosed" ? "#" : "/"}${p.name}}} does not pair up`, "message");
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
  };
  if (hosts) rule.hosts = hosts;
  if (d.prometheus !== undefined) {
    const p = d.prometheus as Record<string, unknown>;
    if (!p || typeof p.expr !== "string" || typeof p.for !== "string") fail("prometheus must have expr and for", "prometheus");
    rule.prometheus = { expr: p.expr as string, for: p.for as string };
  }
  return rule;
}
