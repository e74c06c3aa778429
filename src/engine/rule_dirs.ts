/**
 * Where rules come from: the package, user and --rules directories, and the
 * built-in rules compiled into the bundle. Nothing here parses YAML, so the
 * installed command can load the built-in rules without the yaml package
 * (rule_file.ts, which validates YAML, loads on demand).
 */

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { COMPILED_BUILTIN_RULES } from "./builtin_rules.ts";
import type { Conditions, Rule, RuleFileError, RuleOrigin } from "./rule_file.ts";

/** The package root: the nearest directory above this module holding tcpdoc's package.json. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pj = path.join(dir, "package.json");
    try {
      const name = JSON.parse(fs.readFileSync(pj, "utf8")).name;
      if (name === "tcpdoc") return dir;
    } catch {
      // not here
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

/** The built-in rules directory. */
export function builtinRulesDir(): string {
  return path.join(packageRoot(), "rules");
}

/** The user's rules directory: $XDG_CONFIG_HOME/tcpdoc/rules, else ~/.config/tcpdoc/rules. */
export function userRulesDir(env: Record<string, string | undefined> = process.env): string | undefined {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? path.join(env.HOME, ".config") : undefined);
  return base ? path.join(base, "tcpdoc", "rules") : undefined;
}

/** Is this file a rule (not a test, not named conditions, not the schema)? */
export function isRuleFileName(name: string): boolean {
  return /\.ya?ml$/.test(name) && !name.startsWith("_") && !/\.test\.ya?ml$/.test(name);
}

/** Rule files in a directory, sorted; [] when it does not exist. A rule file given instead of a directory (--rules FILE) is itself. */
export function ruleFilesIn(dir: string): string[] {
  try {
    if (fs.statSync(dir).isFile()) return [dir];
    return fs.readdirSync(dir).filter(isRuleFileName).sort().map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** The named-conditions file of a directory, if it has one. */
export function conditionsFileIn(dir: string): string | undefined {
  for (const n of ["_conditions.yaml", "_conditions.yml"]) {
    const f = path.join(dir, n);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

/** Where rules are loaded from, in order: later directories replace rules of earlier ones by id. */
export interface RuleSource {
  dir: string;
  origin: RuleOrigin;
}

export interface LoadOptions {
  /** Extra --rules directories. */
  ruleDirs?: string[];
  /** Read the user directory (default true). */
  userRules?: boolean;
  /** Rule ids not to load. */
  disabled?: string[];
  /** Environment for the user directory (tests). */
  env?: Record<string, string | undefined>;
  /** Skip the built-in rules (tests). */
  noBuiltin?: boolean;
}

/** The rule sources for these options. */
export function ruleSources(o: LoadOptions): RuleSource[] {
  const out: RuleSource[] = [];
  if (!o.noBuiltin) out.push({ dir: builtinRulesDir(), origin: "built-in" });
  if (o.userRules !== false) {
    const u = userRulesDir(o.env);
    if (u && fs.existsSync(u)) out.push({ dir: u, origin: "user" });
  }
  for (const d of o.ruleDirs ?? []) out.push({ dir: path.resolve(d), origin: "rules-dir" });
  return out;
}

/** The rules, named conditions and problems found while loading. */
export interface RuleSet {
  rules: Rule[];
  conditions: Map<string, Conditions>;
  errors: RuleFileError[];
  /** Rules replaced by a later source: id -> the file that was replaced. */
  replaced: Map<string, string>;
}

/**
 * A rule directory compiled to data (the built-in rules in the bundle): its
 * named conditions and valid rules in load order, and each file's name and
 * SHA-1 so a changed directory is read again.
 */
export interface CompiledRuleDir {
  files: { name: string; sha1: string }[];
  conditions: [string, Conditions][];
  rules: { file: string; rule: Omit<Rule, "source" | "origin"> }[];
}

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The files a compiled directory depends on: rule files and the named-conditions file, sorted. */
export function compiledInputs(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => isRuleFileName(n) || /^_conditions\.ya?ml$/.test(n)).sort();
}


/** The compiled built-in rules (fresh objects each call), when the bundle carries them and `dir` still matches. */
export function compiledBuiltin(dir: string): CompiledRuleDir | undefined {
  if (COMPILED_BUILTIN_RULES === undefined) return undefined;
  const c = JSON.parse(COMPILED_BUILTIN_RULES) as CompiledRuleDir;
  try {
    const names = compiledInputs(dir);
    if (names.length !== c.files.length) return undefined;
    for (let i = 0; i < names.length; i++) {
      const f = c.files[i];
      if (f.name !== names[i] || f.sha1 !== sha1(fs.readFileSync(path.join(dir, f.name), "utf8"))) return undefined;
    }
  } catch {
    return undefined;
  }
  return c;
}


/** LoadOptions for the diagnose options (DiagnoseOptions) given. */
export function loadOptions(opts: { ruleDirs?: string[]; userRules?: boolean; disabled?: string[]; env?: Record<string, string | undefined> }): LoadOptions {
  return {
    ruleDirs: opts.ruleDirs ?? [],
    userRules: opts.userRules ?? true,
    disabled: opts.disabled ?? [],
    env: opts.env,
  };
}

/**
 * The rule set when it comes from compiled data alone (the built-in rules in
 * the bundle, unchanged, and no user or --rules directory); undefined when
 * some rule file has to be read as YAML (then use loadRules).
 */
export function loadCompiledRules(o: LoadOptions = {}): RuleSet | undefined {
  const sources = ruleSources(o);
  if (sources.length !== 1 || sources[0].origin !== "built-in") return undefined;
  const s = sources[0];
  const pre = compiledBuiltin(s.dir);
  if (!pre) return undefined;
  const disabled = new Set(o.disabled ?? []);
  const rules: Rule[] = [];
  for (const { file, rule } of pre.rules) {
    const r: Rule = { ...rule, source: path.join(s.dir, file), origin: s.origin };
    if (!disabled.has(r.id) && r.enabled !== false) rules.push(r);
  }
  return { rules, conditions: new Map(pre.conditions), errors: [], replaced: new Map() };
}
