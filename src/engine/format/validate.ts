/**
 * Validation of rule, named-condition and test files against the format
 * (spec.ts) and the facts (their params, and the paths of their values with
 * their types), with a file:line:column position, a hint and a
 * did-you-mean for every problem. Rule files may come from strangers: text
 * with control characters and names of JavaScript's object machinery
 * (`constructor`, `__proto__`) are refused.
 */

import { STATES } from "../../model/states.ts";
import { hasUnsafe } from "../../text/inert.ts";
import { editDistance } from "../../text/wrap.ts";
import { FACT_IDS, FACTS, factById } from "../facts/registry.ts";
import type { Fact } from "../facts/fact.ts";
import {
  OPERATOR_DECORATORS,
  OPERATORS,
  parseOperator,
  LEAF_FIELDS,
  type ShapeProblem,
  type TreeReader,
  walkCondition,
} from "../language/conditions.ts";
import { formatPath, parsePath, type PathType, pathType, typeWords, type ValueType } from "../language/paths.ts";
import { parseTemplate, templateProblems } from "../language/template.ts";
import { baseName, type Conditions, RuleFileError } from "../rule.ts";
import { BUILTIN_REQUIRED, CONDITIONS_SPEC, type FieldSpec, type ObjectSpec, RULE_SPEC, TEST_SPEC } from "./spec.ts";
import { field, fieldKey, type ParsedYaml, toValue, type YNode, type YScalar } from "./yaml.ts";

/** What a validation pass knows beyond the file itself. */
export interface ValidateContext {
  /** Named conditions visible to the file. */
  conditionNames: ReadonlySet<string>;
  /** Built-in rules must carry message, checks, fixes and references. */
  builtin: boolean;
}

/** Names of JavaScript's object machinery: never a field, id or path step. */
const RESERVED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True for names like `constructor`, `toString`, `__proto__`. */
export function isReservedName(s: string): boolean {
  return RESERVED.has(s);
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

const YAML_TREE: TreeReader<YNode> = {
  keys: (n) => (n.kind === "map" ? n.items.map((i) => String(i.key.value)) : undefined),
  get: (n, k) => field(n, k),
  items: (n) => (n.kind === "seq" ? n.items : undefined),
  text: (n) => (n.kind === "scalar" && typeof n.value === "string" ? n.value : undefined),
};

function typeName(n: YNode | undefined): string {
  if (!n) return "nothing";
  if (n.kind === "map") return "a mapping";
  if (n.kind === "seq") return "a list";
  const v = n.value;
  return v === null ? "null" : typeof v === "string" ? "text" : typeof v;
}

/** The type a comparison side has; `null` is the literal null (comparable with anything). */
type Side = { type: readonly ValueType[]; items?: ValueType } | null | undefined;

function sideOf(t: PathType): Side {
  return { type: typeof t.type === "string" ? [t.type] : [...t.type], items: t.items };
}

function literalSide(n: YNode): Side {
  if (n.kind === "scalar") {
    if (n.value === null) return null;
    return { type: [typeof n.value === "string" ? "string" : typeof n.value as ValueType] };
  }
  if (n.kind === "seq") {
    const items = new Set(n.items.map((x) => (x.kind === "scalar" && x.value !== null ? (typeof x.value === "string" ? "string" : typeof x.value) : x.kind === "seq" ? "list" : "object")));
    return { type: ["list"], items: items.size === 1 ? [...items][0] as ValueType : undefined };
  }
  return { type: ["object"] };
}

const sideWords = (s: NonNullable<Side>) => typeWords(s.type.length === 1 ? s.type[0] : s.type);
const shares = (a: NonNullable<Side>, b: NonNullable<Side>) => a.type.some((t) => b.type.includes(t));

/** Why comparing these sides with this operator can never hold; undefined when it can. */
export function comparisonProblem(op: string, fact: Side, value: Side): string | undefined {
  const parsed = parseOperator(op);
  if (!parsed || fact === undefined || value === undefined) return undefined;
  let f: Side = fact, v: Side = value;
  for (const d of parsed.decorators) {
    if (d === "swap") [f, v] = [v, f];
    else if (d === "someFact" || d === "everyFact") {
      if (f && !f.type.includes("list")) return `${d}: needs a list, but the fact's value is ${sideWords(f)}`;
      f = f && f.items ? { type: [f.items] } : undefined;
    } else if (d === "someValue" || d === "everyValue") {
      if (v && !v.type.includes("list")) return `${d}: needs a list as the value, not ${sideWords(v)}`;
      v = v && v.items ? { type: [v.items] } : undefined;
    }
    if (f === undefined || v === undefined) return undefined;
  }
  switch (parsed.base) {
    case "equal":
    case "notEqual":
      if (f === null || v === null) return undefined;
      return shares(f, v) ? undefined : `compares ${sideWords(f)} with ${sideWords(v)}: they are never equal`;
    case "lessThan":
    case "lessThanInclusive":
    case "greaterThan":
    case "greaterThanInclusive":
      if (f && !f.type.includes("number")) return `${parsed.base} compares numbers, but the fact's value is ${sideWords(f)}`;
      if (v === null || !v.type.includes("number")) return `${parsed.base} compares numbers, but the value is ${v ? sideWords(v) : "null"}`;
      return undefined;
    case "in":
    case "notIn":
      if (v === null || !v.type.includes("list")) return `${parsed.base} needs a list as the value, not ${v ? sideWords(v) : "null"}`;
      if (f && v.items && !f.type.includes(v.items)) return `the fact's value is ${sideWords(f)}, but the list holds ${typeWords(v.items)}`;
      return undefined;
    case "contains":
    case "doesNotContain":
      if (f && !f.type.includes("list")) return `${parsed.base} needs a list as the fact's value, not ${sideWords(f)}`;
      if (f && f.items && v && !v.type.includes(f.items)) return `the fact's list holds ${typeWords(f.items)}, not ${sideWords(v)}`;
      return undefined;
  }
}

/** Validates a parsed file against the specs, collecting positioned errors. */
class Checker {
  readonly errors: RuleFileError[] = [];
  readonly #file: string;
  readonly #parsed: ParsedYaml;
  readonly #ctx: ValidateContext;
  /** Figure names the evidence defines. */
  figures = new Set<string>();
  /** Names of the rule's branches: `{{#when:NAME}}...{{/when:NAME}}` sections show when that alternative held. */
  branches = new Set<string>();

  constructor(file: string, parsed: ParsedYaml, ctx: ValidateContext) {
    this.#file = file;
    this.#parsed = parsed;
    this.#ctx = ctx;
  }

  error(node: { start: number } | undefined, code: string, message: string, hint?: string, offset = 0): void {
    const p = this.#parsed.lines.pos(node ? node.start + offset : 0);
    this.errors.push(new RuleFileError(code, this.#file, p.line, p.col, message, hint));
  }

  /**
   * Every name and text of the file: no control characters (newlines only
   * in text, checked for one-line fields where they are read) and no
   * reserved names as field names.
   */
  scanText(n: YNode, seen = new Set<YNode>()): void {
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === "scalar") {
      if (typeof n.value === "string" && hasUnsafe(n.value.replace(/\n/g, ""))) {
        this.error(n, "control-character", "Text holds a control or invisible formatting character", "rule text is shown in terminals and reports: remove escape sequences, bidirectional and zero-width characters");
      }
      if (typeof n.value === "number" && !Number.isFinite(n.value)) this.error(n, "type", "Numbers must be finite (no .inf or .nan)");
      return;
    }
    if (n.kind === "seq") {
      for (const it of n.items) this.scanText(it, seen);
      return;
    }
    for (const { key, value } of n.items) {
      const k = String(key.value);
      if (hasUnsafe(k)) this.error(key, "control-character", "A field name holds a control or invisible formatting character");
      else if (RESERVED.has(k)) this.error(key, "reserved-name", `"${k}" cannot be a field name`, "names of JavaScript's object machinery (constructor, toString, __proto__, ...) are refused");
      this.scanText(value, seen);
    }
  }

  /** One-line text: no newline. */
  oneLine(n: YNode, where: string): void {
    if (n.kind === "scalar" && typeof n.value === "string" && n.value.includes("\n")) {
      this.error(n, "multi-line", `${where} must be one line`, "only messages, questions, look_for, steps, caveats and threshold_source may span lines");
    }
  }

  check(n: YNode | undefined, spec: FieldSpec, where: string): void {
    if (!n) return;
    switch (spec.kind) {
      case "any":
        return;
      case "string": {
        if (n.kind !== "scalar" || typeof n.value !== "string") {
          if (n.kind === "scalar" && (typeof n.value === "number" || typeof n.value === "boolean") && !spec.enum && !spec.pattern) return;
          return this.error(n, "type", `${where} must be text, not ${typeName(n)}`);
        }
        const v = n.value;
        if (!spec.block) this.oneLine(n, where);
        if (spec.enum && !spec.enum.includes(v)) {
          const s = suggest(v, spec.enum);
          return this.error(n, "enum", `${where} must be one of ${spec.enum.join(", ")}, not "${v}"`, s ? `did you mean "${s}"?` : undefined);
        }
        if (spec.pattern && (!new RegExp(spec.pattern).test(v) || RESERVED.has(v))) {
          return this.error(n, "pattern", `${where} "${v}" is not valid`, RESERVED.has(v) ? "names of JavaScript's object machinery (constructor, toString, ...) are refused" : "use lower case letters, digits and dashes");
        }
        if (spec.maxLength && v.length > spec.maxLength) this.error(n, "length", `${where} is longer than ${spec.maxLength} characters`);
        return;
      }
      case "number": {
        if (n.kind !== "scalar" || typeof n.value !== "number") return this.error(n, "type", `${where} must be a number, not ${typeName(n)}`);
        const v = n.value;
        if (spec.integer && !Number.isInteger(v)) this.error(n, "type", `${where} must be a whole number`);
        if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) {
          this.error(n, "range", `${where} must be between ${spec.min ?? "-inf"} and ${spec.max ?? "inf"}, not ${v}`);
        }
        return;
      }
      case "boolean":
        if (n.kind !== "scalar" || typeof n.value !== "boolean") this.error(n, "type", `${where} must be true or false, not ${typeName(n)}`);
        return;
      case "scalar-or-list":
        if (n.kind === "map") this.error(n, "type", `${where} must be a value or a list, not a mapping`);
        return;
      case "list": {
        if (n.kind !== "seq") return this.error(n, "type", `${where} must be a list, not ${typeName(n)}`);
        if (spec.minItems && n.items.length < spec.minItems) this.error(n, "empty", `${where} needs at least ${spec.minItems} item(s)`);
        if (spec.maxItems && n.items.length > spec.maxItems) this.error(n, "length", `${where} takes at most ${spec.maxItems} items`);
        n.items.forEach((item, i) => this.check(item, spec.of, `${where}[${i}]`));
        return;
      }
      case "map": {
        if (n.kind !== "map") return this.error(n, "type", `${where} must be a mapping, not ${typeName(n)}`);
        for (const { key, value } of n.items) {
          const k = String(key.value);
          if (!new RegExp(spec.keyPattern).test(k)) this.error(key, "pattern", `${where} name "${k}" is not valid`, `names match ${spec.keyPattern}`);
          this.check(value, spec.of, `${where}.${k}`);
        }
        return;
      }
      case "object":
        return this.object(n, spec, where);
      case "condition":
        return this.condition(n, where);
      case "factref":
        this.factRef(n, where, spec.extra ?? {});
        return;
      case "external":
        for (const p of spec.validate(toValue(n))) {
          const at = p.at ? p.at.split(".").reduce<YNode | undefined>((node, k) => field(node, k), n) ?? n : n;
          this.error(at, "invalid", `${where}${p.at ? `.${p.at}` : ""}: ${p.message}`, p.hint);
        }
        return;
    }
  }

  object(n: YNode, spec: ObjectSpec, where: string, extraRequired: readonly string[] = []): void {
    if (n.kind !== "map") return this.error(n, "type", `${where} must be a mapping, not ${typeName(n)}`);
    const seen = new Set<string>();
    for (const { key, value } of n.items) {
      const k = String(key.value);
      seen.add(k);
      const f = Object.hasOwn(spec.fields, k) ? spec.fields[k] : undefined;
      if (!f) {
        if (spec.open || RESERVED.has(k)) continue;
        const s = suggest(k, Object.keys(spec.fields));
        this.error(key, "unknown-field", `Unknown field "${k}" in ${where}`, s ? `did you mean "${s}"?` : `known fields: ${Object.keys(spec.fields).join(", ")}`);
        continue;
      }
      this.check(value, f, where === "rule" ? k : `${where}.${k}`);
    }
    for (const r of [...(spec.required ?? []), ...extraRequired]) {
      if (!seen.has(r)) {
        const builtin = extraRequired.includes(r);
        this.error(n, "missing-field", `${where} has no "${r}"${builtin ? " (built-in rules must have it)" : ""}`, `add ${r}: (${Object.hasOwn(spec.fields, r) ? spec.fields[r].help : "required"})`);
      }
    }
  }

  condition(n: YNode, where: string): void {
    const report = (p: ShapeProblem<YNode>) => this.error(p.node, p.code, p.message, p.hint);
    const noop = () => undefined;
    walkCondition<YNode, void>(n, YAML_TREE, {
      all: noop,
      any: noop,
      not: noop,
      bad: report,
      extra: report,
      ref: (name, node, _depth, at) => {
        const v = field(node, "condition")!;
        if (!this.#ctx.conditionNames.has(name)) {
          const s = suggest(name, this.#ctx.conditionNames);
          this.error(v, "unknown-condition", `Unknown named condition "${name}"`, s ? `did you mean "${s}"?` : "named conditions live in _conditions.yaml");
        }
        this.nameField(node, at);
      },
      leaf: (node, _depth, at) => this.leaf(node, at),
    }, where);
  }

  nameField(n: YNode, where: string): void {
    const name = field(n, "name");
    if (name !== undefined) this.check(name, { kind: "string", help: "name", maxLength: 200 }, `${where}.name`);
  }

  leaf(n: YNode, where: string): void {
    const keys = YAML_TREE.keys(n)!;
    for (const k of keys) {
      if (!(LEAF_FIELDS as readonly string[]).includes(k)) {
        const s = suggest(k, [...LEAF_FIELDS, "all", "any", "not", "condition"]);
        this.error(fieldKey(n, k), "unknown-field", `Unknown field "${k}" in ${where}`, s ? `did you mean "${s}"?` : "a condition has fact, params, path, operator, value");
      }
    }
    for (const k of ["fact", "operator", "value"]) {
      if (!keys.includes(k)) this.error(n, "missing-field", `${where} has no "${k}"`, "a condition needs fact, operator and value");
    }
    this.nameField(n, where);
    const factT = keys.includes("fact") ? this.factRef(n, where, {}, true) : undefined;
    const op = field(n, "operator");
    let opOk = false;
    if (op !== undefined) {
      if (op.kind !== "scalar" || typeof op.value !== "string") this.error(op, "type", `${where}.operator must be text`);
      else if (!parseOperator(op.value)) {
        const base = op.value.split(":").pop()!;
        const s = suggest(base, OPERATORS);
        this.error(op, "unknown-operator", `Unknown operator "${op.value}"`, s && s !== base ? `did you mean "${s}"?` : `operators: ${OPERATORS.join(", ")} (decorators: ${OPERATOR_DECORATORS.join(", ")}, as not:equal); there is no regular-expression operator`);
      } else opOk = true;
    }
    const val = field(n, "value");
    let valueT: Side = undefined;
    if (val) {
      const scan = (x: YNode): void => x.kind === "scalar" ? this.oneLine(x, `${where}.value`) : x.kind === "seq" ? x.items.forEach(scan) : undefined;
      if (val.kind === "map") {
        if (field(val, "fact") !== undefined) {
          const t = this.factRef(val, `${where}.value`, {});
          valueT = t ? sideOf(t) : undefined;
        } else this.error(val, "type", `${where}.value is a mapping without "fact"`, "compare with a number, text, true/false, a list, or { fact: ..., path: ... }");
      } else {
        scan(val);
        valueT = literalSide(val);
      }
    }
    if (opOk && factT && valueT !== undefined) {
      const problem = comparisonProblem(String((op as YScalar).value), sideOf(factT), valueT);
      if (problem) {
        const hint = val && val.kind === "scalar" && typeof val.value === "number" && factT.type === "string"
          ? `the value is text: write value: "${val.value}"`
          : val && val.kind === "scalar" && typeof val.value === "string" && factT.type === "number" && val.value.trim() !== "" && Number.isFinite(Number(val.value))
          ? `the value is a number: write value: ${val.value}`
          : "docs/facts.md gives each path's type";
        this.error(val ?? n, "type", `${where}: ${problem}`, hint);
      }
    }
  }

  /** Checks a `{ fact, params, path }` reference; returns the type of what it reads when it is valid. */
  factRef(n: YNode, where: string, extra: Record<string, FieldSpec>, isLeaf = false): PathType | undefined {
    if (n.kind !== "map") {
      this.error(n, "type", `${where} must be a mapping with fact, params, path`);
      return undefined;
    }
    if (!isLeaf) {
      for (const { key, value } of n.items) {
        const k = String(key.value);
        if (k === "fact" || k === "params" || k === "path") continue;
        if (Object.hasOwn(extra, k)) this.check(value, extra[k], `${where}.${k}`);
        else if (!RESERVED.has(k)) {
          const s = suggest(k, ["fact", "params", "path", ...Object.keys(extra)]);
          this.error(key, "unknown-field", `Unknown field "${k}" in ${where}`, s ? `did you mean "${s}"?` : undefined);
        }
      }
    }
    const f = field(n, "fact");
    if (!f || f.kind !== "scalar" || typeof f.value !== "string") {
      this.error(f ?? n, "missing-field", `${where} needs a fact name`);
      return undefined;
    }
    const fact = factById(f.value);
    if (!fact) {
      const s = suggest(f.value, FACT_IDS);
      this.error(f, "unknown-fact", `Unknown fact "${f.value}"`, s ? `did you mean "${s}"? (facts: docs/facts.md)` : `facts: ${FACT_IDS.join(", ")}`);
      return undefined;
    }
    const paramsOk = this.params(n, f, fact, where);
    const type = this.path(field(n, "path"), fact, where);
    return paramsOk ? type : undefined;
  }

  /** The type of a fact reference's path (the whole value when there is none); undefined after an error. */
  path(p: YNode | undefined, fact: Fact, where: string): PathType | undefined {
    const spec = fact.spec;
    if (p === undefined) return { type: spec.type };
    const steps = p.kind === "scalar" && typeof p.value === "string" ? parsePath(p.value) : null;
    if (!steps) {
      this.error(p, "bad-path", `${where}.path ${p.kind === "scalar" ? `"${String(p.value)}" ` : ""}is not a simple path`, "use $.name, $['dotted.name'] or $.list[0]; no wildcards or filters");
      return undefined;
    }
    const bad = steps.find((s) => typeof s === "string" && RESERVED.has(s));
    if (bad !== undefined) {
      this.error(p, "bad-path", `${where}.path names "${bad}", which no value has`, "names of JavaScript's object machinery (constructor, toString, ...) are refused");
      return undefined;
    }
    const t = pathType(spec, steps);
    if ("at" in t) {
      const upTo = formatPath(steps.slice(0, t.at));
      const step = steps[t.at];
      const named = spec.names ? Object.entries(spec.names).find(([, names]) => t.choices.some((c) => names.includes(c))) : undefined;
      const s = typeof step === "string" ? suggest(step, t.choices.filter((c) => !c.startsWith("<") && c !== "[N]")) : undefined;
      const near = s ? `did you mean "${formatPath([...steps.slice(0, t.at), s, ...steps.slice(t.at + 1)])}"?` : undefined;
      const prev = pathType(spec, steps.slice(0, t.at));
      const listed = t.choices.length === 0
        ? `${upTo} is ${"at" in prev ? "a value" : typeWords(prev.type)}: it has no parts`
        : named && named[1].length > 8 ? `${named[0]} is one of ${named[1].join(", ")}` : `after ${upTo}: ${t.choices.join(", ")}`;
      this.error(p, "bad-path", `${where}.path ${String(p.kind === "scalar" ? p.value : "")}: fact "${spec.id}" has no "${String(step)}" ${t.at === 0 ? "at the top" : `under ${upTo}`}`, near ?? `${listed} (docs/facts.md)`);
      return undefined;
    }
    return t;
  }

  /** Checks a fact reference's params; false when they are wrong. */
  params(n: YNode, f: YNode, fact: Fact, where: string): boolean {
    const spec = fact.spec;
    const before = this.errors.length;
    const params = field(n, "params");
    const required = spec.params.filter((x) => x.required).map((x) => x.name);
    if (params === undefined) {
      if (required.length) this.error(f, "missing-field", `${where}: fact "${spec.id}" needs params ${required.join(", ")}`);
      return this.errors.length === before;
    }
    if (params.kind !== "map") {
      this.error(params, "type", `${where}.params must be a mapping`);
      return false;
    }
    const names = spec.params.map((x) => x.name);
    const seen = new Set<string>();
    for (const { key, value: v } of params.items) {
      const k = String(key.value);
      const ps = spec.params.find((x) => x.name === k || x.alias === k);
      if (!ps) {
        if (RESERVED.has(k)) continue;
        const s = suggest(k, names);
        this.error(key, "unknown-param", `Fact "${spec.id}" takes no param "${k}"`, s ? `did you mean "${s}"?` : names.length ? `params: ${names.join(", ")}` : "it takes no params");
        continue;
      }
      if (seen.has(ps.name)) this.error(key, "duplicate-param", `params.${k}: "${ps.name}" is given twice`, ps.alias ? `${ps.name} and ${ps.alias} are the same param` : undefined);
      seen.add(ps.name);
      if (ps.type === "state" || ps.type === "states") {
        const items = v.kind === "seq" && ps.type === "states" ? v.items : [v];
        for (const it of items) this.stateName(it);
      } else if (ps.choices) {
        const sv = v.kind === "scalar" ? String(v.value) : "";
        if (!ps.choices.includes(sv)) {
          const s = suggest(sv, ps.choices);
          this.error(v, "enum", `params.${k} must be one of ${ps.choices.join(", ")}, not "${sv}"`, s ? `did you mean "${s}"?` : undefined);
        }
      } else if (ps.type === "number") {
        if (!(v.kind === "scalar" && typeof v.value === "number")) this.error(v, "type", `params.${k} must be a number`);
      } else if (v.kind !== "scalar" || v.value === null) this.error(v, "type", `params.${k} must be text`);
      else this.oneLine(v, `params.${k}`);
    }
    for (const r of required) if (!seen.has(r)) this.error(params, "missing-field", `${where}: fact "${spec.id}" needs param "${r}"`);
    return this.errors.length === before;
  }

  stateName(it: YNode): void {
    const sv = it.kind === "scalar" ? String(it.value) : "";
    if (!(STATES as readonly string[]).includes(sv)) {
      const s = suggest(sv, STATES);
      this.error(it, "unknown-state", `Unknown state "${sv}"`, s ? `did you mean "${s}"?` : `states: ${STATES.join(", ")}`);
    }
  }

  /** Placeholders in the message must name figures, and sections must pair up. */
  placeholders(msg: YNode | undefined): void {
    if (!msg || msg.kind !== "scalar" || typeof msg.value !== "string") return;
    const text = msg.value;
    const source = this.#parsed.text.slice(msg.start, msg.end);
    // point at the placeholder itself when the source shows it verbatim
    const at = (tag: string) => Math.max(0, source.indexOf(tag));
    for (const p of templateProblems(text)) {
      if (p.kind === "unopened") this.error(msg, "template", `Section "{{/${p.name}}}" closes nothing open`, "sections read {{#name}}...{{/name}}");
      else this.error(msg, "template", `Section "{{#${p.name}}}" is never closed`, `end it with {{/${p.name}}}`);
    }
    for (const p of parseTemplate(text)) {
      if (p.kind === "text" || this.figures.has(p.name)) continue;
      if (p.name.startsWith("when:") && p.kind !== "figure" && this.branches.has(p.name.slice(5))) continue;
      if (p.name.startsWith("when:")) {
        this.error(msg, "unknown-placeholder", `Section "${p.text}" names no branch of this rule`, `declare it under branches: (defined: ${[...this.branches].join(", ") || "none"}); only sections ({{#when:NAME}}...{{/when:NAME}}) take it`, at(p.text));
        continue;
      }
      const s = suggest(p.name, this.figures);
      const sigil = p.kind === "open" ? "#" : p.kind === "close" ? "/" : "";
      this.error(msg, "unknown-placeholder", `Placeholder "{{${sigil}${p.name}}}" is not filled by any evidence figure`, s ? `did you mean "${s}"?` : `define it under evidence.figures (defined: ${[...this.figures].join(", ") || "none"})`, at(p.text));
    }
  }
}

/** The `name:` of every node of a condition tree. */
function conditionNames(tree: YNode | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (n: YNode | undefined): void => {
    if (!n) return;
    if (n.kind === "seq") return n.items.forEach(visit);
    if (n.kind !== "map") return;
    const name = field(n, "name");
    if (name?.kind === "scalar" && typeof name.value === "string") out.add(name.value);
    for (const k of ["all", "any", "not"]) visit(field(n, k));
  };
  visit(tree);
  return out;
}

/** Facts whose values list groups (evidence.groups takes them). */
const GROUP_FACTS = FACTS.filter((f) => f.groups).map((f) => f.spec.id);

/** Validates a rule file; returns the rule's fields when it has no error. */
export function validateRule(parsed: ParsedYaml, file: string, ctx: ValidateContext): { value?: Record<string, unknown>; errors: RuleFileError[] } {
  const root = parsed.tree!;
  const c = new Checker(file, parsed, ctx);
  if (root.kind !== "map") {
    c.error(root, "type", "A rule file must be a mapping of fields (id:, title:, severity:, conditions:, ...)");
    return { errors: c.errors };
  }
  c.scanText(root);
  const evidence = field(root, "evidence");
  const figMap = field(evidence, "figures");
  if (figMap?.kind === "map") for (const { key } of figMap.items) c.figures.add(String(key.value));
  const branchMap = field(root, "branches");
  if (branchMap?.kind === "map") for (const { key } of branchMap.items) c.branches.add(String(key.value));
  c.object(root, RULE_SPEC, "rule", ctx.builtin ? BUILTIN_REQUIRED : []);
  c.placeholders(field(root, "message"));
  const idNode = field(root, "id");
  const base = baseName(file).replace(/\.ya?ml$/, "");
  if (idNode?.kind === "scalar" && typeof idNode.value === "string" && base !== idNode.value) {
    c.error(idNode, "file-name", `Rule id "${idNode.value}" does not match the file name "${baseName(file)}"`, `name the file ${idNode.value}.yaml`);
  }
  const qs = field(root, "questions");
  if (qs?.kind === "seq") {
    for (const q of qs.items) {
      const kind = field(q, "kind");
      // choices make sense only for choice questions
      if (kind?.kind === "scalar" && kind.value === "choice" && field(q, "choices")?.kind !== "seq") c.error(q, "missing-field", "A choice question needs choices");
      const settled = field(q, "settled_by");
      if (settled?.kind === "seq") {
        for (const n of settled.items) {
          if (n.kind === "scalar" && !c.branches.has(String(n.value))) c.error(n, "unknown-branch", `settled_by names "${String(n.value)}", no branch of this rule`, `declare it under branches: (defined: ${[...c.branches].join(", ") || "none"})`);
        }
      }
    }
  }
  const groups = field(evidence, "groups");
  if (groups?.kind === "seq") {
    for (const g of groups.items) {
      const f = field(g, "fact");
      if (f?.kind === "scalar" && typeof f.value === "string" && factById(f.value) && !GROUP_FACTS.includes(f.value)) {
        c.error(f, "bad-group", `evidence.groups takes the ${GROUP_FACTS.join(" or ")} fact, not "${f.value}"`);
      }
    }
  }
  const rels = field(root, "relations");
  if (rels?.kind === "seq") {
    for (const r of rels.items) {
      const ex = field(r, "explains"), exc = field(r, "excludes");
      if ((ex === undefined) === (exc === undefined)) c.error(r, "relation-shape", "A relation names exactly one rule: explains: ID or excludes: ID", "write one relation per rule");
      if (exc !== undefined && field(r, "role") !== undefined) c.error(field(r, "role"), "relation-shape", "role goes with explains: an excluded finding is dropped, not folded");
      const mine = field(field(r, "match"), "figure");
      if (mine?.kind === "scalar" && typeof mine.value === "string" && !c.figures.has(mine.value)) {
        const s = suggest(mine.value, c.figures);
        c.error(mine, "unknown-figure", `match.figure "${mine.value}" is not a figure of this rule`, s ? `did you mean "${s}"?` : `figures: ${[...c.figures].join(", ") || "none"}`);
      }
    }
  }
  const branches = field(root, "branches");
  if (branches?.kind === "map") {
    const named = conditionNames(field(root, "conditions"));
    for (const { key } of branches.items) {
      const k = String(key.value);
      if (!named.has(k)) {
        const s = suggest(k, named);
        c.error(key, "unknown-branch", `No condition is named "${k}"`, s ? `did you mean "${s}"?` : "name an alternative with `name: ...` on its all/any/leaf");
      }
    }
  }
  const sockets = field(evidence, "sockets");
  const states = field(sockets, "states");
  if (states) for (const s of states.kind === "seq" ? states.items : [states]) c.stateName(s);
  const from = field(sockets, "from_group");
  const nGroups = groups?.kind === "seq" ? groups.items.length : 0;
  if (from?.kind === "scalar" && typeof from.value === "number" && from.value >= nGroups) {
    c.error(from, "range", `evidence.sockets.from_group is ${from.value}, but evidence.groups has ${nGroups} group${nGroups === 1 ? "" : "s"}`, "count from 0");
  }
  if (c.errors.length) return { errors: c.errors };
  return { value: toValue(root) as Record<string, unknown>, errors: [] };
}

/** Validates a named-conditions file; `knownNames` are the names visible from elsewhere. */
export function validateConditions(parsed: ParsedYaml, file: string, knownNames: ReadonlySet<string>): { conditions: Map<string, Conditions>; errors: RuleFileError[] } {
  const out = new Map<string, Conditions>();
  const root = parsed.tree!;
  // names defined here are visible to each other
  const names = new Set(knownNames);
  const defs = field(root, "conditions");
  if (defs?.kind === "map") for (const { key } of defs.items) names.add(String(key.value));
  const c = new Checker(file, parsed, { conditionNames: names, builtin: false });
  c.scanText(root);
  c.object(root, CONDITIONS_SPEC, "conditions file");
  if (c.errors.length || defs?.kind !== "map") return { conditions: out, errors: c.errors };
  for (const { key, value } of defs.items) {
    const k = String(key.value);
    const branch = YAML_TREE.keys(value)?.filter((x) => x !== "name") ?? [];
    if (branch.length !== 1 || !["all", "any", "not", "condition"].includes(branch[0])) {
      c.error(value, "condition-shape", `Named condition "${k}" must start with all, any, not or condition`, "wrap a single fact condition in all: [ ... ]");
      continue;
    }
    out.set(k, toValue(value) as Conditions);
  }
  return { conditions: out, errors: c.errors };
}

/** Validates a rule test file; returns its cases when it has no error. */
export function validateTest(parsed: ParsedYaml, file: string): { value?: Record<string, unknown>; errors: RuleFileError[] } {
  const root = parsed.tree!;
  const c = new Checker(file, parsed, { conditionNames: new Set(), builtin: false });
  c.scanText(root);
  c.object(root, TEST_SPEC, "test file");
  if (c.errors.length) return { errors: c.errors };
  return { value: toValue(root) as Record<string, unknown>, errors: [] };
}

/**
 * The checks every rule-format file gets before its own shape is checked
 * (src/fleet's fleet rules and their tests): one mapping, no control or
 * invisible characters, no names of JavaScript's object machinery as field
 * names, finite numbers. Returns the file's plain value when it passes.
 */
export function validatePlain(parsed: ParsedYaml, file: string, what: string): { value?: Record<string, unknown>; errors: RuleFileError[] } {
  const root = parsed.tree!;
  const c = new Checker(file, parsed, { conditionNames: new Set(), builtin: false });
  if (root.kind !== "map") {
    c.error(root, "type", `A ${what} must be a mapping of fields`);
    return { errors: c.errors };
  }
  c.scanText(root);
  if (c.errors.length) return { errors: c.errors };
  return { value: toValue(root) as Record<string, unknown>, errors: [] };
}
