/**
 * Loading rules: the built-in, user and --rules sources (directories or
 * single rule files) into one rule set, through the file access the caller
 * hands in. The built-in rules come from the compiled data in the bundle
 * while rules/ is unchanged; anything else is read as YAML. This is the one
 * place that imports the yaml package, and only when a file must be read:
 * importing the engine loads no YAML.
 */

import { PassBudget } from "./cost.ts";
import { compiledBuiltin, type CompiledRuleDir, isConditionsFileName, isRuleFileName, isTestFileName } from "./format/compiled.ts";
import type { ValidateContext } from "./format/validate.ts";
import { MAX_RULE_FILE_BYTES, MAX_RULE_FILES } from "./format/spec.ts";
import type { YamlLib } from "./format/yaml.ts";
import { conditionCycles } from "./language/conditions.ts";
import { relationProblems } from "./relations.ts";
import { baseName, type Conditions, type Rule, RuleFileError, type RuleFiles, type RuleOrigin, type RuleSet, type RuleSource } from "./rule.ts";

/** What to load, and how to read files. */
export interface LoadOptions {
  /** In order: later sources replace rules of earlier ones by id. */
  sources: readonly RuleSource[];
  files: RuleFiles;
  /** Rule ids not to load (--disable). */
  disabled?: readonly string[];
}

type Read = typeof import("./format/read.ts");
let reading: Promise<{ read: Read; lib: YamlLib }> | undefined;

/** The YAML reader and the yaml package, imported on first use. */
function yamlReader(): Promise<{ read: Read; lib: YamlLib }> {
  reading ??= Promise.all([import("./format/read.ts"), import("yaml")]).then(([read, lib]) => ({
    read,
    // the bundle hands the CommonJS package over as its default export only
    lib: typeof lib.parseDocument === "function" ? lib : (lib as unknown as { default: YamlLib }).default,
  }));
  return reading;
}

const cycleError = (file: string, cyc: string[]) =>
  new RuleFileError("condition-cycle", file, 1, 1, `Named conditions refer to each other in a circle: ${cyc.join(" -> ")}`, "break the circle");

/** What one source holds: its named-conditions file and rule files, or why it cannot be read. */
interface SourceFiles {
  conditions?: string;
  rules: string[];
  error?: RuleFileError;
}

/** The files of a source: a directory's rule and named-conditions files, or the one file named. */
export function sourceFiles(s: RuleSource, files: RuleFiles): SourceFiles {
  const kind = files.kind(s.path);
  if (kind === "dir") {
    const listed = files.list(s.path);
    if (!("names" in listed)) return { rules: [], error: new RuleFileError("read", s.path, 1, 1, `Cannot read the rules directory: ${listed.error}`, "check that it exists and that you may read it") };
    const names = listed.names;
    if (names.length > MAX_RULE_FILES) return { rules: [], error: new RuleFileError("too-many-files", s.path, 1, 1, `The rules directory holds more than ${MAX_RULE_FILES} files`) };
    const cond = ["_conditions.yaml", "_conditions.yml"].find((n) => names.includes(n));
    return { conditions: cond ? files.join(s.path, cond) : undefined, rules: names.filter(isRuleFileName).sort().map((n) => files.join(s.path, n)) };
  }
  if (kind === "file") {
    const name = baseName(s.path);
    if (isConditionsFileName(name)) return { conditions: s.path, rules: [] };
    if (isTestFileName(name)) return { rules: [], error: new RuleFileError("read", s.path, 1, 1, "A rule test file is not a rule file", "name the rule file itself, or its directory") };
    return { rules: [s.path] };
  }
  const what = kind === "missing" ? "No such rules directory or rule file" : "Not a rules directory or a regular rule file";
  return { rules: [], error: new RuleFileError("read", s.path, 1, 1, what) };
}

/** Where a rule file's `id:` is (for duplicate-id errors); 1:1 when it cannot tell. */
export function idPosition(file: string, files: RuleFiles): { line: number; column: number } {
  const r = files.read(file, MAX_RULE_FILE_BYTES);
  if (!("text" in r)) return { line: 1, column: 1 };
  const lines = r.text.split("\n");
  const i = lines.findIndex((l) => /^id\s*:/.test(l));
  if (i < 0) return { line: 1, column: 1 };
  const colon = lines[i].indexOf(":");
  return { line: i + 1, column: colon + 2 + (lines[i].slice(colon + 1).match(/^\s*/)?.[0].length ?? 0) };
}

/** Where `text` first stands as a value in a rule file (for set-level errors); 1:1 when it cannot tell. */
export function textPosition(file: string, text: string, files: RuleFiles): { line: number; column: number } {
  const r = files.read(file, MAX_RULE_FILE_BYTES);
  if (!("text" in r)) return { line: 1, column: 1 };
  const lines = r.text.split("\n");
  const i = lines.findIndex((l) => new RegExp(`:\\s*["']?${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*(#.*)?$`).test(l));
  return i < 0 ? { line: 1, column: 1 } : { line: i + 1, column: lines[i].indexOf(text) + 1 };
}

/** Refuses the rules that take the set past the bound on fact passes (the built-in rules come first and fit). */
function withinBudget(set: RuleSet): RuleSet {
  const budget = new PassBudget();
  const kept: Rule[] = [];
  for (const r of set.rules) {
    const { added, fresh } = budget.add(r, set.conditions);
    if (added) kept.push(r);
    else {
      set.errors.push(new RuleFileError("too-many-facts", r.source, 1, 1,
        `Rule "${r.id}" is left out: with it the rules would need ${budget.size + fresh} distinct passes over the socket table, more than ${budget.limit}`,
        "give group conditions the same state, by and filters where you can (requests that differ only in top share one pass), and use fewer distinct exception lists"));
    }
  }
  set.rules = kept;
  return set;
}

/** The rule set when it comes from compiled data alone (only the built-in source, unchanged); undefined otherwise. */
export function loadCompiledRules(o: LoadOptions): RuleSet | undefined {
  if (o.sources.length !== 1 || o.sources[0].origin !== "built-in") return undefined;
  const s = o.sources[0];
  const pre = compiledBuiltin(s.path, o.files);
  if (!pre) return undefined;
  const disabled = new Set(o.disabled ?? []);
  const rules: Rule[] = [];
  for (const { file, rule } of pre.rules) {
    const r: Rule = { ...rule, source: o.files.join(s.path, file), origin: s.origin };
    if (!disabled.has(r.id) && r.enabled !== false) rules.push(r);
  }
  return { rules, conditions: new Map(pre.conditions), errors: [], replaced: new Map() };
}

/**
 * Loads rules from the sources; files that do not validate are reported in
 * `errors` and left out, as are rules past the bound on fact passes.
 */
export async function loadRules(o: LoadOptions): Promise<RuleSet> {
  // the compiler checked the built-in rules against the bound
  const only = loadCompiledRules(o);
  if (only) return only;
  const { read, lib } = await yamlReader();
  const files = o.files;
  const compiled: (CompiledRuleDir | undefined)[] = o.sources.map((s) => (s.origin === "built-in" ? compiledBuiltin(s.path, files) : undefined));
  const found: SourceFiles[] = o.sources.map((s, i) => (compiled[i] ? { rules: [] } : sourceFiles(s, files)));
  const errors: RuleFileError[] = [];
  const conditions = new Map<string, Conditions>();
  o.sources.forEach((_s, si) => {
    const pre = compiled[si];
    if (pre) {
      for (const [k, v] of pre.conditions) conditions.set(k, v);
      return;
    }
    const f = found[si];
    if (f.error) errors.push(f.error);
    if (!f.conditions) return;
    const r = read.readConditionsFile(f.conditions, new Set(conditions.keys()), files, lib);
    errors.push(...r.errors);
    for (const [k, v] of r.conditions) conditions.set(k, v);
  });
  for (const cyc of conditionCycles(conditions)) {
    errors.push(cycleError("_conditions.yaml", cyc));
    for (const n of cyc) conditions.delete(n);
    // a built-in rule may name a condition just dropped: validate its YAML as usual
    o.sources.forEach((s, si) => {
      if (compiled[si]) {
        compiled[si] = undefined;
        found[si] = sourceFiles(s, files);
      }
    });
  }
  const names = new Set(conditions.keys());
  const byId = new Map<string, Rule>();
  const replaced = new Map<string, string>();
  const disabled = new Set(o.disabled ?? []);
  o.sources.forEach((s, si) => {
    const pre = compiled[si];
    if (pre) {
      // validated at build time; ids are unique within the directory
      for (const { file, rule } of pre.rules) {
        const r: Rule = { ...rule, source: files.join(s.path, file), origin: s.origin };
        const old = byId.get(r.id);
        if (old) replaced.set(r.id, old.source);
        byId.set(r.id, r);
      }
      return;
    }
    const seenHere = new Map<string, string>();
    for (const file of found[si].rules) {
      const r = read.readRuleFile(file, { conditionNames: names, builtin: s.origin === "built-in" }, s.origin, files, lib);
      if (!r.rule) {
        errors.push(...r.errors);
        continue;
      }
      const prev = seenHere.get(r.rule.id);
      if (prev) {
        const p = idPosition(file, files);
        errors.push(new RuleFileError("duplicate-id", file, p.line, p.column, `Duplicate rule id "${r.rule.id}" (also in ${prev})`, "ids are unique within a directory"));
        continue;
      }
      seenHere.set(r.rule.id, file);
      const old = byId.get(r.rule.id);
      if (old) replaced.set(r.rule.id, old.source);
      byId.set(r.rule.id, r.rule);
    }
  });
  errors.push(...relationProblems([...byId.values()], (r, text) => textPosition(r.source, text, files)));
  const rules = [...byId.values()].filter((r) => !disabled.has(r.id) && r.enabled !== false);
  return withinBudget({ rules, conditions, errors, replaced });
}

/** Reads and validates one rule file. */
export async function readRuleFile(file: string, ctx: ValidateContext, origin: RuleOrigin, files: RuleFiles): Promise<{ rule?: Rule; errors: RuleFileError[] }> {
  const { read, lib } = await yamlReader();
  return read.readRuleFile(file, ctx, origin, files, lib);
}

/** Validates a rule file's text. */
export async function parseRule(text: string, file: string, ctx: ValidateContext, origin: RuleOrigin = "rules-dir"): Promise<{ rule?: Rule; errors: RuleFileError[] }> {
  const { read, lib } = await yamlReader();
  return read.parseRule(text, file, ctx, origin, lib);
}

/** Reads a named-conditions file; names defined there see each other and `knownNames`. */
export async function readConditionsFile(file: string, knownNames: ReadonlySet<string>, files: RuleFiles): Promise<{ conditions: Map<string, Conditions>; errors: RuleFileError[] }> {
  const { read, lib } = await yamlReader();
  const r = read.readConditionsFile(file, knownNames, files, lib);
  for (const cyc of conditionCycles(r.conditions)) r.errors.push(cycleError(file, cyc));
  return r;
}

/** Reads and validates a rule test file. */
export async function readTestFile(file: string, files: RuleFiles): Promise<{ value?: Record<string, unknown>; errors: RuleFileError[] }> {
  const { read, lib } = await yamlReader();
  return read.readTestFile(file, files, lib);
}

/** A plain rule-format file (a fleet rule, a fleet rule test) read under every rule file's limits and text checks; see format/read.ts. */
export async function readPlainRuleFile(file: string, files: RuleFiles, what: string): Promise<{ value?: Record<string, unknown>; position?: (offset: number) => { line: number; col: number }; text?: string; errors: RuleFileError[] }> {
  const { read, lib } = await yamlReader();
  const r = read.readPlainFile(file, files, lib, what);
  if (!r.value) return { errors: r.errors };
  const lines = r.lines!;
  return { value: r.value, position: (offset) => lines.pos(offset), text: r.text!, errors: [] };
}

/**
 * Validates a directory of built-in rules as loadRules does and returns it
 * as data (scripts/build.mjs); throws listing every problem, since a
 * built-in rule that fails validation must not ship.
 */
export async function compileRuleDir(dir: string, files: RuleFiles): Promise<CompiledRuleDir> {
  const { read, lib } = await yamlReader();
  const { compile } = await import("./format/compile.ts");
  return compile(dir, files, read, lib);
}
