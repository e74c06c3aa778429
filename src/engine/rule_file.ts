/**
 * Rule files: the YAML format, its validation with file:line:column
 * positions, and loading rule directories. Rule files may come from
 * strangers: nothing in them is ever executed, paths are a plain subset of
 * JSONPath, and there is no regular-expression operator.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Document } from "yaml";
import { SEVERITIES, type Severity } from "../model/finding.ts";
import { STATES } from "../model/states.ts";
import { probeJsonSchema, validateProbe } from "../checks/mod.ts";
import { editDistance } from "../text/wrap.ts";
import type { DiagnoseOptions } from "./diagnose.ts";
import { EXCEPTION_FIELDS, FACT_IDS, FACTS, type RuleException, parsePath } from "./facts.ts";
import {
  builtinRulesDir,
  type CompiledRuleDir,
  compiledBuiltin,
  compiledInputs,
  conditionsFileIn,
  type LoadOptions,
  loadOptions,
  ruleFilesIn,
  type RuleSet,
  ruleSources,
  sha1,
} from "./rule_dirs.ts";

export {
  builtinRulesDir,
  type CompiledRuleDir,
  conditionsFileIn,
  isRuleFileName,
  loadCompiledRules,
  type LoadOptions,
  packageRoot,
  ruleFilesIn,
  type RuleSet,
  type RuleSource,
  ruleSources,
  userRulesDir,
} from "./rule_dirs.ts";

// ---------------------------------------------------------------- the rule model

export interface RuleQuestion {
  id: string;
  text: string;
  kind: "yes-no" | "choice" | "number" | "text";
  choices?: string[];
}

export interface RuleCheck {
  title: string;
  command?: string;
  look_for: string;
  read_only?: boolean;
  platforms?: string[];
  /** The catalogued probe a live session may run for this check. */
  probe?: { id: string; params?: Record<string, unknown> };
}

export interface RuleFix {
  title: string;
  steps: string[];
  caveats?: string[];
}

/** A value read from a fact: `{ fact, params, path }`. */
export interface FactRef {
  fact: string;
  params?: Record<string, unknown>;
  path?: string;
}

export interface FigureSpec extends FactRef {
  /** How the message shows it: `percent` for 0..1 shares. */
  format?: "number" | "percent" | "text";
}

export interface GroupSpec extends FactRef {
  label?: string;
}

export interface EvidenceSpec {
  figures?: Record<string, FigureSpec>;
  groups?: GroupSpec[];
  sockets?: { states?: string[] | string; from_group?: number; limit?: number };
}

/** The conditions tree, passed to json-rules-engine as it is. */
export type Conditions = Record<string, unknown>;

/** A loaded rule. Field names follow the YAML file. */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  conditions: Conditions;
  message?: string;
  tags?: string[];
  questions?: RuleQuestion[];
  checks?: RuleCheck[];
  fixes?: RuleFix[];
  references?: string[];
  enabled?: boolean;
  exceptions?: RuleException[];
  evidence?: EvidenceSpec;
  /** What a finding does when some conditions are unknown but known ones support it. */
  when_unknown?: "downgrade" | "keep" | "silent";
  /** Confidence of a finding whose conditions all held, 0..1 (default 0.8). */
  confidence?: number;
  metadata?: Record<string, unknown>;
  /** The file it was read from. */
  source: string;
  /** Where the file came from: built-in, user (XDG directory) or a --rules directory. */
  origin: RuleOrigin;
}

export type RuleOrigin = "built-in" | "user" | "rules-dir";

/** A problem in a rule file, with its position. */
export class RuleFileError extends SyntaxError {
  override name = "RuleFileError";
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly hint: string | undefined;
  constructor(code: string, file: string, line: number, column: number, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.file = file;
    this.line = line;
    this.column = column;
    this.hint = hint;
  }
  /** `file:line:column: message (hint: ...)`. */
  format(): string {
    return `${this.file}:${this.line}:${this.column}: ${this.message}${this.hint ? ` (hint: ${this.hint})` : ""}`;
  }
}

// ---------------------------------------------------------------- the format, as data

/** Field types of the rule format; the validator and rules/rule.schema.json both come from these. */
export type FieldSpec =
  | { kind: "string"; help: string; enum?: readonly string[]; pattern?: string; maxLength?: number }
  | { kind: "number"; help: string; min?: number; max?: number; integer?: boolean }
  | { kind: "boolean"; help: string }
  | { kind: "list"; help: string; of: FieldSpec; minItems?: number }
  | { kind: "object"; help: string; fields: Record<string, FieldSpec>; required?: readonly string[]; open?: boolean }
  | { kind: "map"; help: string; keyPattern: string; of: FieldSpec }
  | { kind: "condition"; help: string }
  | { kind: "factref"; help: string; extra?: Record<string, FieldSpec> }
  | { kind: "scalar-or-list"; help: string }
  | { kind: "any"; help: string }
  /** A value another module owns: its validator (problems `at` a dotted path inside it) and its schema. */
  | { kind: "external"; help: string; validate(v: unknown): { at: string; message: string; hint?: string }[]; schema(): Record<string, unknown> };

const ID_PATTERN = "^[a-z0-9][a-z0-9-]*$";
const str = (help: string, more: Partial<Extract<FieldSpec, { kind: "string" }>> = {}): FieldSpec => ({ kind: "string", help, maxLength: 4000, ...more });
const strList = (help: string): FieldSpec => ({ kind: "list", help, of: str(help) });

/** Operators json-rules-engine evaluates (no regular expressions: a rule cannot make us backtrack). */
export const OPERATORS = [
  "equal", "notEqual", "in", "notIn", "contains", "doesNotContain",
  "lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive",
] as const;
/** json-rules-engine operator decorators, written `decorator:operator`. */
export const OPERATOR_DECORATORS = ["not", "someFact", "someValue", "everyFact", "everyValue", "swap"] as const;

const EXCEPTION_SPEC: FieldSpec = {
  kind: "object",
  help: "sockets this rule ignores: a socket matching every field given is left out of the rule's facts",
  fields: {
    name: str("what this exception is for"),
    ports: { kind: "list", help: "ports at either end", of: { kind: "number", help: "port", integer: true, min: 0, max: 65535 } },
    local_ports: { kind: "list", help: "local ports", of: { kind: "number", help: "port", integer: true, min: 0, max: 65535 } },
    remote_ports: { kind: "list", help: "remote ports", of: { kind: "number", help: "port", integer: true, min: 0, max: 65535 } },
    addresses: strList("addresses at either end: exact text or IPv4 CIDR (10.0.0.0/8)"),
    local_addresses: strList("local addresses: exact text or IPv4 CIDR"),
    remote_addresses: strList("remote addresses: exact text or IPv4 CIDR"),
    processes: { kind: "list", help: "program names or pids", of: { kind: "scalar-or-list", help: "program name or pid" } },
  },
};

/** The fields of a rule file. */
export const RULE_SPEC: Extract<FieldSpec, { kind: "object" }> = {
  kind: "object",
  help: "a tcpdoc diagnostic rule",
  required: ["id", "title", "severity", "conditions"],
  fields: {
    id: str("the rule id: lower case, digits and dashes; the file is named <id>.yaml", { pattern: ID_PATTERN, maxLength: 80 }),
    title: str("one line saying what is wrong", { maxLength: 200 }),
    severity: str("how bad it is", { enum: SEVERITIES }),
    enabled: { kind: "boolean", help: "false turns the rule off (default true)" },
    tags: strList("free-form tags, e.g. the states the rule looks at"),
    confidence: { kind: "number", help: "confidence of a finding whose conditions all held, 0..1 (default 0.8)", min: 0, max: 1 },
    when_unknown: str("when some conditions are unknown but known ones support the rule: downgrade (one severity lower, the default), keep, or silent", { enum: ["downgrade", "keep", "silent"] }),
    conditions: { kind: "condition", help: "json-rules-engine conditions: all / any / not / condition (a named condition), leaves with fact, params, path, operator, value" },
    message: str("the finding's text: what it means and what to do, with {{figure}} placeholders filled from evidence.figures"),
    evidence: {
      kind: "object",
      help: "what a finding shows",
      fields: {
        figures: { kind: "map", help: "named numbers for the message and the report", keyPattern: "^[a-z][a-z0-9_]*$", of: { kind: "factref", help: "a value read from a fact", extra: { format: str("how the message shows it", { enum: ["number", "percent", "text"] }) } } },
        groups: { kind: "list", help: "groups to list (facts group or ephemeral)", of: { kind: "factref", help: "a grouping fact", extra: { label: str("what the key is, e.g. local port") } } },
        sockets: {
          kind: "object",
          help: "example sockets to show, with their input file and line",
          fields: {
            states: { kind: "scalar-or-list", help: "state name or list of state names" },
            from_group: { kind: "number", help: "take the examples from the top group of evidence.groups[N]", integer: true, min: 0 },
            limit: { kind: "number", help: "how many (default 5)", integer: true, min: 1, max: 20 },
          },
        },
      },
    },
    questions: {
      kind: "list",
      help: "questions to ask the user; an answer becomes the `answers` fact and the rules are evaluated again",
      of: {
        kind: "object",
        help: "a question",
        required: ["id", "text", "kind"],
        fields: {
          id: str("question id, shared by rules that ask the same thing", { pattern: ID_PATTERN, maxLength: 80 }),
          text: str("the question"),
          kind: str("the kind of answer", { enum: ["yes-no", "choice", "number", "text"] }),
          choices: strList("the choices, for kind choice"),
        },
      },
    },
    checks: {
      kind: "list",
      help: "how to confirm the diagnosis; commands are shown, never run by analyze",
      of: {
        kind: "object",
        help: "a check",
        required: ["title", "look_for"],
        fields: {
          title: str("what the check is"),
          command: str("the command to run"),
          look_for: str("what in its output confirms or refutes the diagnosis"),
          read_only: { kind: "boolean", help: "true when the command changes nothing" },
          platforms: strList("where the command runs: linux, macos, freebsd, windows"),
          probe: { kind: "external", help: "the probe from tcpdoc's catalogue a live session may run for this check (the command itself never runs)", validate: validateProbe, schema: probeJsonSchema },
        },
      },
    },
    fixes: {
      kind: "list",
      help: "ways to fix it, best first",
      of: {
        kind: "object",
        help: "a fix",
        required: ["title", "steps"],
        fields: {
          title: str("the fix in one line"),
          steps: strList("the steps"),
          caveats: strList("caveats and risks"),
        },
      },
    },
    references: strList("sources: man pages, kernel documentation, RFCs (URLs or citations)"),
    exceptions: { kind: "list", help: "sockets this rule ignores", of: EXCEPTION_SPEC },
    metadata: { kind: "object", help: "free-form: threshold_source, maturity, author, ...", fields: {}, open: true },
  },
};

/** Fields a built-in rule must have. */
export const BUILTIN_REQUIRED = ["message", "checks", "fixes", "references"] as const;

/** Fields of a rule test file (`<id>.test.yaml`). */
export const TEST_SPEC: Extract<FieldSpec, { kind: "object" }> = {
  kind: "object",
  help: "test cases for the rule with the same base name",
  required: ["cases"],
  fields: {
    cases: {
      kind: "list",
      help: "the cases",
      minItems: 1,
      of: {
        kind: "object",
        help: "one case",
        required: ["name", "inputs", "expect"],
        fields: {
          name: str("what the case shows"),
          inputs: { kind: "list", help: "input files: relative to the test file's directory, or to the package root", minItems: 1, of: str("a path") },
          answers: { kind: "object", help: "answers to questions, by question id", fields: {}, open: true },
          expect: {
            kind: "object",
            help: "what the rule must do",
            required: ["fires"],
            fields: {
              fires: { kind: "boolean", help: "whether the rule raises a finding" },
              severity: str("the finding's severity", { enum: SEVERITIES }),
              max_severity: str("the finding, if any, is at most this severe", { enum: SEVERITIES }),
              partial: { kind: "boolean", help: "whether the finding is partial (some conditions unknown)" },
              evidence: { kind: "object", help: "figures: a value, or { gte, lte, gt, lt }", fields: {}, open: true },
              group_keys: strList("keys that must appear among the finding's evidence groups"),
              missing: strList("texts that must appear in the finding's missing list"),
            },
          },
        },
      },
    },
  },
};

/** Fields of a named-conditions file (`_conditions.yaml`). */
export const CONDITIONS_SPEC: Extract<FieldSpec, { kind: "object" }> = {
  kind: "object",
  help: "shared named conditions, referenced from rules as { condition: NAME }",
  required: ["conditions"],
  fields: {
    conditions: { kind: "map", help: "named conditions", keyPattern: ID_PATTERN, of: { kind: "condition", help: "a condition tree" } },
  },
};

/** Largest rule file read. */
export const MAX_RULE_FILE_BYTES = 256 * 1024;
/** Most YAML aliases expanded in one file (alias bombs). */
export const MAX_ALIASES = 50;

// ---------------------------------------------------------------- validation

/** What a validation pass knows beyond the file itself. */
export interface ValidateContext {
  /** Named conditions visible to the file. */
  conditionNames: ReadonlySet<string>;
  /** Built-in rules must carry message, checks, fixes and references. */
  builtin: boolean;
}

/** "did you mean" for a misspelt name. */
export function suggest(word: string, options: Iterable<string>): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const o of options) {
    const dd = editDistance(word.toLowerCase(), o.toLowerCase());
    if (dd < bestD) [best, bestD] = [o, dd];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function typeName(n: unknown): string {
  if (isMap(n)) return "a mapping";
  if (isSeq(n)) return "a list";
  if (isScalar(n)) {
    const v = n.value;
    return v === null ? "null" : typeof v === "string" ? "text" : typeof v;
  }
  return "nothing";
}

/** Validates YAML documents against FieldSpecs, collecting positioned errors. */
class Checker {
  readonly errors: RuleFileError[] = [];
  readonly #file: string;
  readonly #lc: LineCounter;
  readonly #doc: Document;
  readonly #ctx: ValidateContext;
  /** The file's text, to point inside scalars. */
  text = "";
  /** Placeholder names the evidence defines. */
  figures = new Set<string>();

  constructor(file: string, lc: LineCounter, doc: Document, ctx: ValidateContext) {
    this.#file = file;
    this.#lc = lc;
    this.#doc = doc;
    this.#ctx = ctx;
  }

  pos(node: unknown, offset = 0): { line: number; col: number } {
    const r = (node as { range?: [number, number, number] } | undefined)?.range;
    return this.#lc.linePos(r ? r[0] + offset : 0);
  }

  error(node: unknown, code: string, message: string, hint?: string, offset = 0): void {
    const p = this.pos(node, offset);
    this.errors.push(new RuleFileError(code, this.#file, p.line, p.col, message, hint));
  }

  resolve(n: unknown): unknown {
    return isAlias(n) ? n.resolve(this.#doc) : n;
  }

  check(n0: unknown, spec: FieldSpec, where: string): void {
    const n = this.resolve(n0);
    switch (spec.kind) {
      case "any":
        return;
      case "string": {
        if (!isScalar(n) || typeof n.value !== "string") {
          if (isScalar(n) && (typeof n.value === "number" || typeof n.value === "boolean") && !spec.enum && !spec.pattern) return;
          return this.error(n, "type", `${where} must be text, not ${typeName(n)}`);
        }
        const v = n.value;
        if (spec.enum && !spec.enum.includes(v)) {
          const s = suggest(v, spec.enum);
          return this.error(n, "enum", `${where} must be one of ${spec.enum.join(", ")}, not "${v}"`, s ? `did you mean "${s}"?` : undefined);
        }
        if (spec.pattern && !new RegExp(spec.pattern).test(v)) {
          return this.error(n, "pattern", `${where} "${v}" is not valid`, "use lower case letters, digits and dashes");
        }
        if (spec.maxLength && v.length > spec.maxLength) this.error(n, "length", `${where} is longer than ${spec.maxLength} characters`);
        return;
      }
      case "number": {
        if (!isScalar(n) || typeof n.value !== "number") return this.error(n, "type", `${where} must be a number, not ${typeName(n)}`);
        const v = n.value;
        if (spec.integer && !Number.isInteger(v)) this.error(n, "type", `${where} must be a whole number`);
        if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
          this.error(n, "range", `${where} must be between ${spec.min ?? "-inf"} and ${spec.max ?? "inf"}, not ${v}`);
        }
        return;
      }
      case "boolean":
        if (!isScalar(n) || typeof n.value !== "boolean") this.error(n, "type", `${where} must be true or false, not ${typeName(n)}`);
        return;
      case "scalar-or-list":
        if (isMap(n)) this.error(n, "type", `${where} must be a value or a list, not a mapping`);
        return;
      case "list": {
        if (!isSeq(n)) return this.error(n, "type", `${where} must be a list, not ${typeName(n)}`);
        if (spec.minItems && n.items.length < spec.minItems) this.error(n, "empty", `${where} needs at least ${spec.minItems} item(s)`);
        n.items.forEach((item, i) => this.check(item, spec.of, `${where}[${i}]`));
        return;
      }
      case "map": {
        if (!isMap(n)) return this.error(n, "type", `${where} must be a mapping, not ${typeName(n)}`);
        for (const pair of n.items) {
          const k = isScalar(pair.key) ? String(pair.key.value) : "";
          if (!new RegExp(spec.keyPattern).test(k)) this.error(pair.key, "pattern", `${where} name "${k}" is not valid`, `names match ${spec.keyPattern}`);
          this.check(pair.value, spec.of, `${where}.${k}`);
        }
        return;
      }
      case "object":
        return this.object(n, spec, where);
      case "condition":
        return this.condition(n, where, 0);
      case "factref":
        return this.factRef(n, where, spec.extra ?? {});
      case "external": {
        const v = isMap(n) || isSeq(n) || isScalar(n) ? n.toJSON() : n;
        for (const p of spec.validate(v)) {
          const at = p.at ? (isMap(n) ? n.getIn(p.at.split("."), true) : undefined) ?? n : n;
          this.error(at, "invalid", `${where}${p.at ? `.${p.at}` : ""}: ${p.message}`, p.hint);
        }
        return;
      }
    }
  }

  object(n: unknown, spec: Extract<FieldSpec, { kind: "object" }>, where: string, extraRequired: readonly string[] = []): void {
    if (!isMap(n)) return this.error(n, "type", `${where} must be a mapping, not ${typeName(n)}`);
    const seen = new Set<string>();
    for (const pair of n.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : "";
      seen.add(k);
      const f = spec.fields[k];
      if (!f) {
        if (spec.open) continue;
        const s = suggest(k, Object.keys(spec.fields));
        this.error(pair.key, "unknown-field", `Unknown field "${k}" in ${where}`, s ? `did you mean "${s}"?` : `known fields: ${Object.keys(spec.fields).join(", ")}`);
        continue;
      }
      this.check(pair.value, f, where === "rule" ? k : `${where}.${k}`);
    }
    for (const r of [...(spec.required ?? []), ...extraRequired]) {
      if (!seen.has(r)) {
        const builtin = extraRequired.includes(r);
        this.error(n, "missing-field", `${where} has no "${r}"${builtin ? " (built-in rules must have it)" : ""}`, `add ${r}: (${spec.fields[r]?.help ?? "required"})`);
      }
    }
  }

  /** A map's value node by key. */
  get(n: unknown, key: string): unknown {
    const m = this.resolve(n);
    if (!isMap(m)) return undefined;
    for (const p of m.items) if (isScalar(p.key) && p.key.value === key) return this.resolve(p.value);
    return undefined;
  }

  keyNode(n: unknown, key: string): unknown {
    const m = this.resolve(n);
    if (!isMap(m)) return undefined;
    for (const p of m.items) if (isScalar(p.key) && p.key.value === key) return p.key;
    return undefined;
  }

  condition(n0: unknown, where: string, depth: number): void {
    const n = this.resolve(n0);
    if (depth > 32) return this.error(n, "depth", `${where} nests conditions more than 32 deep`);
    if (!isMap(n)) return this.error(n, "type", `${where} must be a mapping with all, any, not, condition or fact`, "e.g. { all: [ { fact: states, path: $.CLOSE_WAIT, operator: greaterThan, value: 0 } ] }");
    const keys = n.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""));
    const bool = keys.filter((k) => k === "all" || k === "any" || k === "not" || k === "condition");
    if (bool.length > 1) return this.error(n, "condition-shape", `${where} has both "${bool[0]}" and "${bool[1]}"`, "use one per mapping; nest them");
    if (bool.length === 1) {
      const b = bool[0];
      for (const k of keys) {
        if (k !== b && k !== "name") {
          this.error(this.keyNode(n, k), "unknown-field", `Unknown field "${k}" next to "${b}" in ${where}`, `a ${b} condition takes only ${b} and name`);
        }
      }
      const v = this.get(n, b);
      if (b === "all" || b === "any") {
        if (!isSeq(v)) return this.error(v ?? n, "type", `${where}.${b} must be a list of conditions`);
        if (v.items.length === 0) this.error(v, "empty", `${where}.${b} is empty`);
        v.items.forEach((c, i) => this.condition(c, `${where}.${b}[${i}]`, depth + 1));
      } else if (b === "not") {
        if (isSeq(v)) return this.error(v, "type", `${where}.not takes one condition, not a list`, "wrap several in all: or any:");
        this.condition(v, `${where}.not`, depth + 1);
      } else {
        if (!isScalar(v) || typeof v.value !== "string") return this.error(v ?? n, "type", `${where}.condition must be a condition name`);
        if (!this.#ctx.conditionNames.has(v.value)) {
          const s = suggest(v.value, this.#ctx.conditionNames);
          this.error(v, "unknown-condition", `Unknown named condition "${v.value}"`, s ? `did you mean "${s}"?` : "named conditions live in _conditions.yaml");
        }
      }
      const name = this.get(n, "name");
      if (name !== undefined) this.check(name, str("name"), `${where}.name`);
      return;
    }
    // a leaf
    for (const k of keys) {
      if (!["fact", "operator", "value", "path", "params", "name"].includes(k)) {
        const s = suggest(k, ["fact", "operator", "value", "path", "params", "name", "all", "any", "not", "condition"]);
        this.error(this.keyNode(n, k), "unknown-field", `Unknown field "${k}" in ${where}`, s ? `did you mean "${s}"?` : "a condition has fact, params, path, operator, value");
      }
    }
    for (const k of ["fact", "operator", "value"]) {
      if (!keys.includes(k)) this.error(n, "missing-field", `${where} has no "${k}"`, "a condition needs fact, operator and value");
    }
    if (keys.includes("fact")) this.factRef(n, where, {}, true);
    const op = this.get(n, "operator");
    if (op !== undefined) {
      if (!isScalar(op) || typeof op.value !== "string") this.error(op, "type", `${where}.operator must be text`);
      else {
        const parts = op.value.split(":");
        const base = parts.pop()!;
        const bad = parts.find((d) => !(OPERATOR_DECORATORS as readonly string[]).includes(d));
        if (!(OPERATORS as readonly string[]).includes(base) || bad !== undefined) {
          const s = suggest(base, OPERATORS);
          this.error(op, "unknown-operator", `Unknown operator "${op.value}"`, s && s !== base ? `did you mean "${s}"?` : `operators: ${OPERATORS.join(", ")} (decorators: ${OPERATOR_DECORATORS.join(", ")}, as not:equal); there is no regular-expression operator`);
        }
      }
    }
    const val = this.get(n, "value");
    if (isMap(val)) {
      if (this.get(val, "fact") !== undefined) this.factRef(val, `${where}.value`, {});
      else this.error(val, "type", `${where}.value is a mapping without "fact"`, "compare with a number, text, true/false, a list, or { fact: ..., path: ... }");
    }
  }

  factRef(n0: unknown, where: string, extra: Record<string, FieldSpec>, isLeaf = false): void {
    const n = this.resolve(n0);
    if (!isMap(n)) return this.error(n, "type", `${where} must be a mapping with fact, params, path`);
    if (!isLeaf) {
      for (const p of n.items) {
        const k = isScalar(p.key) ? String(p.key.value) : "";
        if (k === "fact" || k === "params" || k === "path") continue;
        if (extra[k]) this.check(p.value, extra[k], `${where}.${k}`);
        else {
          const s = suggest(k, ["fact", "params", "path", ...Object.keys(extra)]);
          this.error(p.key, "unknown-field", `Unknown field "${k}" in ${where}`, s ? `did you mean "${s}"?` : undefined);
        }
      }
    }
    const f = this.get(n, "fact");
    if (!isScalar(f) || typeof f.value !== "string") return this.error(f ?? n, "missing-field", `${where} needs a fact name`);
    const spec = FACTS.find((x) => x.id === f.value);
    if (!spec) {
      const s = suggest(f.value, FACT_IDS);
      return this.error(f, "unknown-fact", `Unknown fact "${f.value}"`, s ? `did you mean "${s}"? (facts: docs/facts.md)` : `facts: ${[...FACT_IDS].join(", ")}`);
    }
    const p = this.get(n, "path");
    if (p !== undefined) {
      if (!isScalar(p) || typeof p.value !== "string" || parsePath(p.value) === null) {
        this.error(p, "bad-path", `${where}.path ${isScalar(p) ? `"${String(p.value)}" ` : ""}is not a simple path`, "use $.name, $['dotted.name'] or $.list[0]; no wildcards or filters");
      } else if (spec.id === "states" || spec.id === "queues" || spec.id === "orphans") {
        const first = parsePath(p.value)![0];
        const allowed = spec.id === "states" ? [...STATES, "UNKNOWN", "TOTAL"] : STATES;
        if (typeof first === "string" && !(allowed as readonly string[]).includes(first)) {
          const s = suggest(first, allowed);
          this.error(p, "bad-path", `${where}.path names no state: "${first}"`, s ? `did you mean "${s}"?` : `states: ${allowed.join(", ")}`);
        }
      }
    }
    const params = this.get(n, "params");
    const required = spec.params.filter((x) => x.required).map((x) => x.name);
    if (params === undefined) {
      if (required.length) this.error(f, "missing-field", `${where}: fact "${spec.id}" needs params ${required.join(", ")}`);
      return;
    }
    if (!isMap(params)) return this.error(params, "type", `${where}.params must be a mapping`);
    const names = spec.params.map((x) => x.name);
    const seen = new Set<string>();
    for (const pair of params.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : "";
      seen.add(k);
      const ps = spec.params.find((x) => x.name === k || (k === "states" && x.name === "state" && x.type === "states"));
      const v = this.resolve(pair.value);
      if (!ps) {
        const s = suggest(k, names);
        this.error(pair.key, "unknown-param", `Fact "${spec.id}" takes no param "${k}"`, s ? `did you mean "${s}"?` : names.length ? `params: ${names.join(", ")}` : "it takes no params");
        continue;
      }
      if (ps.type === "state" || ps.type === "states") {
        const items = isSeq(v) ? v.items.map((x) => this.resolve(x)) : [v];
        for (const it of items) {
          const sv = isScalar(it) ? String(it.value) : "";
          if (!(STATES as readonly string[]).includes(sv)) {
            const s = suggest(sv, STATES);
            this.error(it, "unknown-state", `Unknown state "${sv}"`, s ? `did you mean "${s}"?` : `states: ${STATES.join(", ")}`);
          }
        }
      } else if (ps.choices) {
        const sv = isScalar(v) ? String(v.value) : "";
        if (!ps.choices.includes(sv)) {
          const s = suggest(sv, ps.choices);
          this.error(v, "enum", `params.${k} must be one of ${ps.choices.join(", ")}, not "${sv}"`, s ? `did you mean "${s}"?` : undefined);
        }
      } else if (ps.type === "number" && !(isScalar(v) && typeof v.value === "number")) {
        this.error(v, "type", `params.${k} must be a number`);
      }
    }
    for (const r of required) if (!seen.has(r)) this.error(params, "missing-field", `${where}: fact "${spec.id}" needs param "${r}"`);
  }

  /** Placeholders in the message must name figures. */
  placeholders(msgNode: unknown): void {
    const n = this.resolve(msgNode);
    if (!isScalar(n) || typeof n.value !== "string") return;
    const re = /\{\{\s*([#/]?)\s*([^{}]*?)\s*\}\}/g;
    const open: string[] = [];
    for (let m = re.exec(n.value); m; m = re.exec(n.value)) {
      if (m[1] === "#") open.push(m[2]);
      else if (m[1] === "/" && open.pop() !== m[2]) {
        this.error(n, "template", `Section "{{/${m[2]}}}" closes nothing open`, "sections read {{#name}}...{{/name}}");
      }
      if (!this.figures.has(m[2])) {
        const s = suggest(m[2], this.figures);
        // point at the placeholder itself when the source shows it verbatim
        const r = (n as { range?: [number, number, number] }).range;
        const at = r ? this.text.slice(r[0], r[1]).indexOf(m[0]) : -1;
        this.error(n, "unknown-placeholder", `Placeholder "{{${m[1]}${m[2]}}}" is not filled by any evidence figure`, s ? `did you mean "${s}"?` : `define it under evidence.figures (defined: ${[...this.figures].join(", ") || "none"})`, Math.max(0, at));
      }
    }
    if (open.length) this.error(n, "template", `Section "{{#${open[open.length - 1]}}}" is never closed`, `end it with {{/${open[open.length - 1]}}}`);
  }
}

/** Parses YAML text with the limits rule files live under; returns the document or positioned errors. */
export function parseYaml(text: string, file: string): { doc?: Document; lc: LineCounter; value?: unknown; errors: RuleFileError[] } {
  const lc = new LineCounter();
  const errors: RuleFileError[] = [];
  if (text.length > MAX_RULE_FILE_BYTES) {
    errors.push(new RuleFileError("too-big", file, 1, 1, `File is larger than ${MAX_RULE_FILE_BYTES / 1024} KiB`, "a rule file is a page of YAML; split it"));
    return { lc, errors };
  }
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });
  for (const e of doc.errors) {
    const p = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
    errors.push(new RuleFileError("yaml", file, p.line, p.col, `YAML: ${e.message.split("\n")[0]}`, yamlHint(e.code)));
  }
  if (errors.length) return { doc, lc, errors };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    errors.push(new RuleFileError("aliases", file, 1, 1, `YAML: ${(e as Error).message.split("\n")[0]}`, `at most ${MAX_ALIASES} alias expansions are allowed in a rule file`));
    return { doc, lc, errors };
  }
  return { doc, lc, value, errors };
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY": return "each field may appear once";
    case "BAD_INDENT":
    case "MISSING_CHAR": return "check the indentation and the colon after the field name";
    case "TAB_AS_INDENT": return "indent with spaces, not tabs";
    case "BLOCK_AS_IMPLICIT_KEY": return "a key may be missing its colon, or a value needs quotes";
    default: return "quote values that contain ': ' or start with a special character";
  }
}

function readText(file: string): { text?: string; error?: RuleFileError } {
  try {
    const st = fs.statSync(file);
    if (st.size > MAX_RULE_FILE_BYTES) {
      return { error: new RuleFileError("too-big", file, 1, 1, `File is larger than ${MAX_RULE_FILE_BYTES / 1024} KiB`, "a rule file is a page of YAML; split it") };
    }
    return { text: fs.readFileSync(file, "utf8") };
  } catch (e) {
    return { error: new RuleFileError("read", file, 1, 1, `Cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`) };
  }
}

/** Validates a rule file's text; returns the rule when it has no error. */
export function parseRule(text: string, file: string, ctx: ValidateContext, origin: RuleOrigin): { rule?: Rule; errors: RuleFileError[] } {
  const { doc, lc, value, errors } = parseYaml(text, file);
  if (errors.length || !doc) return { errors };
  const c = new Checker(file, lc, doc, ctx);
  c.text = text;
  const root = doc.contents;
  if (!isMap(root)) {
    c.error(root, "type", "A rule file must be a mapping of fields (id:, title:, severity:, conditions:, ...)");
    return { errors: c.errors };
  }
  const figs = c.get(root, "evidence");
  const figMap = c.get(figs, "figures");
  if (isMap(figMap)) for (const p of figMap.items) if (isScalar(p.key)) c.figures.add(String(p.key.value));
  c.object(root, RULE_SPEC, "rule", ctx.builtin ? BUILTIN_REQUIRED : []);
  c.placeholders(c.get(root, "message"));
  const rule = value as Omit<Rule, "source" | "origin">;
  const idNode = c.get(root, "id");
  const base = path.basename(file).replace(/\.ya?ml$/, "");
  if (isScalar(idNode) && typeof idNode.value === "string" && base !== idNode.value) {
    c.error(idNode, "file-name", `Rule id "${idNode.value}" does not match the file name "${path.basename(file)}"`, `name the file ${idNode.value}.yaml`);
  }
  // choices make sense only for choice questions
  const qs = c.get(root, "questions");
  if (isSeq(qs)) {
    for (const q of qs.items) {
      const kind = c.get(q, "kind");
      const choices = c.get(q, "choices");
      if (isScalar(kind) && kind.value === "choice" && !isSeq(choices)) c.error(q, "missing-field", "A choice question needs choices");
    }
  }
  const groups = c.get(figs, "groups");
  if (isSeq(groups)) {
    for (const g of groups.items) {
      const f = c.get(g, "fact");
      if (isScalar(f) && f.value !== "group" && f.value !== "ephemeral") c.error(f, "bad-group", `evidence.groups takes the group or ephemeral fact, not "${String(f.value)}"`);
    }
  }
  if (c.errors.length) return { errors: c.errors };
  return { rule: { ...rule, source: file, origin }, errors: [] };
}

/** Reads and validates one rule file. */
export function readRuleFile(file: string, ctx: ValidateContext, origin: RuleOrigin): { rule?: Rule; errors: RuleFileError[] } {
  const { text, error } = readText(file);
  if (error) return { errors: [error] };
  return parseRule(text!, file, ctx, origin);
}

/** Reads a named-conditions file. */
export function readConditionsFile(file: string, knownNames: ReadonlySet<string>): { conditions: Map<string, Conditions>; errors: RuleFileError[] } {
  const out = new Map<string, Conditions>();
  const { text, error } = readText(file);
  if (error) return { conditions: out, errors: [error] };
  const { doc, lc, value, errors } = parseYaml(text!, file);
  if (errors.length || !doc) return { conditions: out, errors };
  // names defined here are visible to each other
  const names = new Set(knownNames);
  const v = value as { conditions?: Record<string, unknown> } | null;
  if (v && typeof v === "object" && v.conditions && typeof v.conditions === "object") for (const k of Object.keys(v.conditions)) names.add(k);
  const c = new Checker(file, lc, doc, { conditionNames: names, builtin: false });
  c.object(doc.contents, CONDITIONS_SPEC, "conditions file");
  if (c.errors.length) return { conditions: out, errors: c.errors };
  for (const [k, cond] of Object.entries(v!.conditions!)) {
    const root = cond as Conditions;
    const keys = Object.keys(root).filter((x) => x !== "name");
    if (keys.length !== 1 || !["all", "any", "not", "condition"].includes(keys[0])) {
      const node = c.get(c.get(doc.contents, "conditions"), k);
      c.error(node, "condition-shape", `Named condition "${k}" must start with all, any, not or condition`, "wrap a single fact condition in all: [ ... ]");
      continue;
    }
    out.set(k, root);
  }
  return { conditions: out, errors: c.errors };
}

/** Finds named-condition cycles (a -> b -> a), which would never finish evaluating. */
export function conditionCycles(conds: ReadonlyMap<string, Conditions>): string[][] {
  const refs = (c: unknown, acc: Set<string>) => {
    if (!c || typeof c !== "object") return acc;
    if (Array.isArray(c)) {
      for (const x of c) refs(x, acc);
      return acc;
    }
    const o = c as Record<string, unknown>;
    if (typeof o.condition === "string") acc.add(o.condition);
    for (const k of ["all", "any", "not"]) if (o[k]) refs(o[k], acc);
    return acc;
  };
  const cycles: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 1);
    stack.push(n);
    for (const r of refs(conds.get(n), new Set())) {
      if (!conds.has(r)) continue;
      if (state.get(r) === 1) cycles.push([...stack.slice(stack.indexOf(r)), r]);
      else if (!state.has(r)) visit(r);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of conds.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

// ---------------------------------------------------------------- directories

// packageRoot, builtinRulesDir, userRulesDir, ruleFilesIn, ruleSources, the compiled
// built-in rules: in ./rule_dirs.ts (no YAML there: the installed command loads it at start-up)

/**
 * Validates a directory of built-in rules as loadRules does and returns it
 * as data (scripts/build.mjs); throws listing every problem, since a
 * built-in rule that fails validation must not ship.
 */
export function compileRuleDir(dir: string): CompiledRuleDir {
  const errors: RuleFileError[] = [];
  const conditions = new Map<string, Conditions>();
  const cf = conditionsFileIn(dir);
  if (cf) {
    const r = readConditionsFile(cf, new Set());
    errors.push(...r.errors);
    for (const [k, v] of r.conditions) conditions.set(k, v);
  }
  for (const cyc of conditionCycles(conditions)) {
    errors.push(new RuleFileError("condition-cycle", cf ?? "_conditions.yaml", 1, 1, `Named conditions refer to each other in a circle: ${cyc.join(" -> ")}`, "break the circle"));
  }
  const names = new Set(conditions.keys());
  const rules: CompiledRuleDir["rules"] = [];
  const ids = new Set<string>();
  for (const file of ruleFilesIn(dir)) {
    const r = readRuleFile(file, { conditionNames: names, builtin: true }, "built-in");
    errors.push(...r.errors);
    if (!r.rule) continue;
    if (ids.has(r.rule.id)) errors.push(new RuleFileError("duplicate-id", file, 1, 1, `Duplicate rule id "${r.rule.id}"`));
    ids.add(r.rule.id);
    const { source: _s, origin: _o, ...rule } = r.rule;
    rules.push({ file: path.basename(file), rule });
  }
  if (errors.length) throw new Error(`built-in rules do not validate:\n${errors.map((e) => e.format()).join("\n")}`);
  const files = compiledInputs(dir).map((name) => ({ name, sha1: sha1(fs.readFileSync(path.join(dir, name), "utf8")) }));
  return { files, conditions: [...conditions], rules };
}

/** Loads rules from the sources; broken files are reported in `errors` and left out. */
export function loadRules(o: LoadOptions = {}): RuleSet {
  const sources = ruleSources(o);
  const compiled = sources.map((s) => (s.origin === "built-in" ? compiledBuiltin(s.dir) : undefined));
  const errors: RuleFileError[] = [];
  const conditions = new Map<string, Conditions>();
  sources.forEach((s, si) => {
    const pre = compiled[si];
    if (pre) {
      for (const [k, v] of pre.conditions) conditions.set(k, v);
      return;
    }
    const f = conditionsFileIn(s.dir);
    if (!f) return;
    const r = readConditionsFile(f, new Set(conditions.keys()));
    errors.push(...r.errors);
    for (const [k, v] of r.conditions) conditions.set(k, v);
  });
  for (const cyc of conditionCycles(conditions)) {
    errors.push(new RuleFileError("condition-cycle", "_conditions.yaml", 1, 1, `Named conditions refer to each other in a circle: ${cyc.join(" -> ")}`, "break the circle"));
    for (const n of cyc) conditions.delete(n);
    // a built-in rule may name a condition just dropped: validate the YAML as before
    compiled.fill(undefined);
  }
  const names = new Set(conditions.keys());
  const byId = new Map<string, Rule>();
  const replaced = new Map<string, string>();
  const disabled = new Set(o.disabled ?? []);
  sources.forEach((s, si) => {
    const pre = compiled[si];
    if (pre) {
      // validated at build time; ids are unique within the directory
      for (const { file, rule } of pre.rules) {
        const r: Rule = { ...rule, source: path.join(s.dir, file), origin: s.origin };
        const old = byId.get(r.id);
        if (old) replaced.set(r.id, old.source);
        byId.set(r.id, r);
      }
      return;
    }
    if (s.origin === "rules-dir" && !fs.existsSync(s.dir)) {
      errors.push(new RuleFileError("read", s.dir, 1, 1, "No such rules directory"));
      return;
    }
    const seenHere = new Map<string, string>();
    for (const file of ruleFilesIn(s.dir)) {
      const r = readRuleFile(file, { conditionNames: names, builtin: s.origin === "built-in" }, s.origin);
      if (!r.rule) {
        errors.push(...r.errors);
        continue;
      }
      const prev = seenHere.get(r.rule.id);
      if (prev) {
        const p = idPosition(file);
        errors.push(new RuleFileError("duplicate-id", file, p.line, p.column, `Duplicate rule id "${r.rule.id}" (also in ${prev})`, "ids are unique within a directory"));
        continue;
      }
      seenHere.set(r.rule.id, file);
      const old = byId.get(r.rule.id);
      if (old) replaced.set(r.rule.id, old.source);
      byId.set(r.rule.id, r.rule);
    }
  });
  const rules = [...byId.values()].filter((r) => !disabled.has(r.id) && r.enabled !== false);
  return { rules, conditions, errors, replaced };
}

/** Loads the rules these options name (built-in, user, --rules; minus --disable). */
export function loadRuleSet(opts: Partial<DiagnoseOptions>): RuleSet {
  return loadRules(loadOptions(opts));
}

/** Where a rule file's `id:` is (for duplicate-id errors). */
function idPosition(file: string): { line: number; column: number } {
  try {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const i = lines.findIndex((l) => /^id\s*:/.test(l));
    if (i >= 0) return { line: i + 1, column: lines[i].indexOf(":") + 2 + (lines[i].slice(lines[i].indexOf(":") + 1).match(/^\s*/)?.[0].length ?? 0) };
  } catch {
    // unreadable: 1:1
  }
  return { line: 1, column: 1 };
}

/** Validates files or directories; returns every problem found. */
/** One file that `rules validate` or `rules test` was given, or found in a directory it was given. */
export interface RulePathEntry {
  file: string;
  kind: "rule" | "test" | "conditions";
  /** Found in a directory given (not named by itself). */
  inDir: boolean;
}

/**
 * Sorts the paths given to `rules validate` and `rules test` into rule,
 * test and named-condition files, in order: a directory gives its rule
 * files, its _conditions file and its test files; a path that does not
 * exist is an error.
 */
export function expandRulePaths(paths: string[]): { entries: RulePathEntry[]; errors: RuleFileError[] } {
  const entries: RulePathEntry[] = [];
  const errors: RuleFileError[] = [];
  const kindOf = (name: string): RulePathEntry["kind"] =>
    /^_conditions\.ya?ml$/.test(name) ? "conditions" : /\.test\.ya?ml$/.test(name) ? "test" : "rule";
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      errors.push(new RuleFileError("read", p, 1, 1, "No such file or directory"));
      continue;
    }
    if (!st.isDirectory()) {
      entries.push({ file: p, kind: kindOf(path.basename(p)), inDir: false });
      continue;
    }
    for (const file of ruleFilesIn(p)) entries.push({ file, kind: "rule", inDir: true });
    const cf = conditionsFileIn(p);
    if (cf) entries.push({ file: cf, kind: "conditions", inDir: true });
    try {
      for (const n of fs.readdirSync(p).sort()) if (/\.test\.ya?ml$/.test(n)) entries.push({ file: path.join(p, n), kind: "test", inDir: true });
    } catch {
      // unreadable: reported by the rule files' reads
    }
  }
  return { entries, errors };
}

export function validatePaths(paths: string[], o: LoadOptions = {}): { errors: RuleFileError[]; files: number; rules: number } {
  const builtin = builtinRulesDir();
  // named conditions visible: the loaded set's plus those beside the files given
  const base = loadRules({ ...o, disabled: [] });
  const names = new Set(base.conditions.keys());
  const { entries, errors } = expandRulePaths(paths);
  const files = entries.filter((e) => e.kind !== "conditions").map((e) => e.file);
  const condFiles = entries.filter((e) => e.kind === "conditions").map((e) => e.file);
  for (const cf of condFiles) {
    const r = readConditionsFile(cf, names);
    errors.push(...r.errors);
    for (const k of r.conditions.keys()) names.add(k);
    for (const cyc of conditionCycles(r.conditions)) {
      errors.push(new RuleFileError("condition-cycle", cf, 1, 1, `Named conditions refer to each other in a circle: ${cyc.join(" -> ")}`, "break the circle"));
    }
  }
  const ids = new Map<string, string>();
  let rules = 0;
  for (const f of files) {
    if (/\.test\.ya?ml$/.test(f)) {
      errors.push(...validateTestFile(f));
      continue;
    }
    const isBuiltin = path.resolve(path.dirname(f)) === path.resolve(builtin);
    const r = readRuleFile(f, { conditionNames: names, builtin: isBuiltin }, isBuiltin ? "built-in" : "rules-dir");
    errors.push(...r.errors);
    if (r.rule) {
      rules++;
      const prev = ids.get(r.rule.id);
      if (prev) {
        const p = idPosition(f);
        errors.push(new RuleFileError("duplicate-id", f, p.line, p.column, `Duplicate rule id "${r.rule.id}" (also in ${prev})`, "give each rule its own id; a user rule replaces a built-in from its own directory"));
      } else ids.set(r.rule.id, f);
    }
  }
  return { errors, files: files.length + condFiles.length, rules };
}

/** Validates a rule test file's shape. */
export function validateTestFile(file: string): RuleFileError[] {
  const { text, error } = readText(file);
  if (error) return [error];
  const { doc, lc, errors } = parseYaml(text!, file);
  if (errors.length || !doc) return errors;
  const c = new Checker(file, lc, doc, { conditionNames: new Set(), builtin: false });
  c.object(doc.contents, TEST_SPEC, "test file");
  return c.errors;
}

/** Reads a test file's cases (after validateTestFile found nothing). */
export function readTestFile(file: string): { value?: unknown; errors: RuleFileError[] } {
  const errors = validateTestFile(file);
  if (errors.length) return { errors };
  const { value } = parseYaml(fs.readFileSync(file, "utf8"), file);
  return { value, errors: [] };
}

// ---------------------------------------------------------------- JSON Schema

function schemaOf(s: FieldSpec): Record<string, unknown> {
  switch (s.kind) {
    case "string": {
      const o: Record<string, unknown> = { type: "string", description: s.help };
      if (s.enum) o.enum = [...s.enum];
      if (s.pattern) o.pattern = s.pattern;
      if (s.maxLength) o.maxLength = s.maxLength;
      return o;
    }
    case "number": {
      const o: Record<string, unknown> = { type: s.integer ? "integer" : "number", description: s.help };
      if (s.min !== undefined) o.minimum = s.min;
      if (s.max !== undefined) o.maximum = s.max;
      return o;
    }
    case "boolean": return { type: "boolean", description: s.help };
    case "list": return { type: "array", description: s.help, items: schemaOf(s.of), ...(s.minItems ? { minItems: s.minItems } : {}) };
    case "object": {
      const props: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.fields)) props[k] = schemaOf(v);
      return { type: "object", description: s.help, properties: props, ...(s.required?.length ? { required: [...s.required] } : {}), additionalProperties: Boolean(s.open) };
    }
    case "map": return { type: "object", description: s.help, propertyNames: { pattern: s.keyPattern }, additionalProperties: schemaOf(s.of) };
    case "condition": return { $ref: "#/$defs/condition", description: s.help };
    case "factref": {
      const props: Record<string, unknown> = { fact: { $ref: "#/$defs/fact" }, params: { $ref: "#/$defs/params" }, path: { $ref: "#/$defs/path" } };
      for (const [k, v] of Object.entries(s.extra ?? {})) props[k] = schemaOf(v);
      return { type: "object", description: s.help, properties: props, required: ["fact"], additionalProperties: false };
    }
    case "scalar-or-list": return { description: s.help, anyOf: [{ type: ["string", "number", "boolean"] }, { type: "array" }] };
    case "any": return { description: s.help };
    case "external": return { ...s.schema(), description: s.help };
  }
}

/** JSON Schema for every fact parameter, from the FACTS table. */
function paramSchemas(): Record<string, unknown> {
  const state = { type: "string", enum: [...STATES] };
  const out: Record<string, unknown> = {};
  for (const f of FACTS) {
    for (const p of f.params) {
      if (out[p.name]) continue;
      out[p.name] = p.type === "states"
        ? { anyOf: [state, { type: "array", items: state }] }
        : p.type === "state"
        ? state
        : p.choices
        ? { type: "string", enum: [...p.choices], description: p.help }
        : { type: p.type === "number" ? "number" : "string", description: p.help };
    }
  }
  out.states ??= out.state;
  return out;
}

function defs(): Record<string, unknown> {
  const ops = [...OPERATORS];
  return {
    fact: { type: "string", enum: FACTS.map((f) => f.id), description: "a fact (docs/facts.md)" },
    path: { type: "string", pattern: "^\\$(\\.[A-Za-z0-9_-]+|\\[(\\d+|'[^'\\\\]*'|\"[^\"\\\\]*\")\\])*$", description: "a simple path: $.name, $['dotted.name'], $.list[0]" },
    params: {
      type: "object",
      description: "fact params (docs/facts.md lists each fact's)",
      properties: paramSchemas(),
      additionalProperties: false,
    },
    operator: {
      type: "string",
      description: "json-rules-engine operator, optionally decorated (not:equal, someFact:greaterThan)",
      pattern: `^((${OPERATOR_DECORATORS.join("|")}):)*(${ops.join("|")})$`,
    },
    condition: {
      description: "all / any / not / a named condition / a fact comparison",
      oneOf: [
        { type: "object", properties: { all: { type: "array", minItems: 1, items: { $ref: "#/$defs/condition" } }, name: { type: "string" } }, required: ["all"], additionalProperties: false },
        { type: "object", properties: { any: { type: "array", minItems: 1, items: { $ref: "#/$defs/condition" } }, name: { type: "string" } }, required: ["any"], additionalProperties: false },
        { type: "object", properties: { not: { $ref: "#/$defs/condition" }, name: { type: "string" } }, required: ["not"], additionalProperties: false },
        { type: "object", properties: { condition: { type: "string" }, name: { type: "string" } }, required: ["condition"], additionalProperties: false },
        {
          type: "object",
          properties: {
            fact: { $ref: "#/$defs/fact" },
            params: { $ref: "#/$defs/params" },
            path: { $ref: "#/$defs/path" },
            operator: { $ref: "#/$defs/operator" },
            value: {},
            name: { type: "string" },
          },
          required: ["fact", "operator", "value"],
          additionalProperties: false,
        },
      ],
    },
  };
}

/** The JSON Schema of rule files (rules/rule.schema.json). */
export function ruleJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://tcpdoc.dev/rule.schema.json",
    title: "tcpdoc rule",
    ...schemaOf(RULE_SPEC),
    $defs: defs(),
  };
}

/** The JSON Schema of named-condition files (rules/conditions.schema.json). */
export function conditionsJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://tcpdoc.dev/conditions.schema.json",
    title: "tcpdoc named conditions",
    ...schemaOf(CONDITIONS_SPEC),
    $defs: defs(),
  };
}

/** The JSON Schema of rule test files (rules/rule-test.schema.json). */
export function testJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://tcpdoc.dev/rule-test.schema.json",
    title: "tcpdoc rule tests",
    ...schemaOf(TEST_SPEC),
  };
}

export type { Node };
