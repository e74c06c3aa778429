/** `tcpdoc rules list|validate|test` and `tcpdoc explain RULE-ID`: the rule tooling's command-line edge. */

import { wrapText } from "../text/wrap.ts";
import { detectTerminal } from "./terminal.ts";
import { existsSync } from "node:fs";
import * as path from "node:path";
import process from "node:process";
import {
  builtinRulesDir,
  explainRule,
  loadRuleSet,
  type RuleFileError,
  runRuleTests,
  userRulesDir,
  validatePaths,
} from "../engine/mod.ts";

/** Exit codes of the rule commands. */
const EXIT = { ok: 0, failed: 1, error: 2 } as const;

function list(v: unknown): string[] {
  return Array.isArray(v) ? v : [];
}

/** The rule-loading options the flags give (--rules, --disable, --no-user-rules). */
export function ruleOptions(flags: Record<string, unknown>) {
  return {
    ruleDirs: list(flags.rules),
    disabled: list(flags.disable),
    userRules: !flags["no-user-rules"],
  };
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

function out(s: string): void {
  process.stdout.write(s + "\n");
}

function printErrors(errors: readonly RuleFileError[]): void {
  for (const e of errors) process.stderr.write(`${e.format()}\n`);
}

function listCommand(flags: Record<string, unknown>): number {
  const set = loadRuleSet(ruleOptions(flags));
  printErrors(set.errors);
  if (flags.json || flags.format === "json") {
    const rows = set.rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, origin: r.origin, source: r.source, replaces: set.replaced.get(r.id) }));
    out(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  const idW = Math.max(2, ...set.rules.map((r) => r.id.length));
  const width = detectTerminal(Boolean(flags["no-color"])).width;
  const head = `${"ID".padEnd(idW)}  SEVERITY  `;
  out(`${head}TITLE`);
  for (const r of set.rules) {
    const src = r.origin === "built-in" ? "" : ` [${r.origin}${set.replaced.has(r.id) ? ", replaces built-in" : ""}]`;
    const lines = wrapText(`${r.title}${src}`, width, `${r.id.padEnd(idW)}  ${r.severity.padEnd(8)}  `, " ".repeat(head.length));
    for (const l of lines) out(l);
  }
  const user = userRulesDir();
  const dirs = [
    `${rel(builtinRulesDir())} (built-in)`,
    ...(ruleOptions(flags).userRules && user && existsSync(user) ? [`${rel(user)} (user)`] : []),
    ...list(flags.rules).map((d) => `${rel(d)} (--rules)`),
  ];
  const disabled = list(flags.disable).length ? `; disabled: ${list(flags.disable).join(", ")}` : "";
  out("");
  for (const l of wrapText(`${set.rules.length} rules loaded from ${dirs.join(", ")}${disabled}`, width)) out(l);
  return EXIT.ok;
}

function validateCommand(paths: string[], flags: Record<string, unknown>): number {
  const o = ruleOptions(flags);
  const targets = paths.length ? paths : [
    builtinRulesDir(),
    ...(o.userRules ? [userRulesDir()].filter((d): d is string => d !== undefined && existsSync(d)) : []),
    ...o.ruleDirs,
  ];
  const r = validatePaths(targets, { ruleDirs: o.ruleDirs, userRules: o.userRules });
  for (const e of r.errors) out(e.format());
  out(`rules validate: ${r.files} files, ${r.rules} rules, ${r.errors.length} error${r.errors.length === 1 ? "" : "s"}`);
  return r.errors.length ? EXIT.error : EXIT.ok;
}

async function testCommand(paths: string[], flags: Record<string, unknown>): Promise<number> {
  const o = ruleOptions(flags);
  const targets = paths.length ? paths : [builtinRulesDir(), ...o.ruleDirs];
  const { results, errors } = await runRuleTests(targets, { ruleDirs: o.ruleDirs, userRules: o.userRules });
  for (const e of errors) out(`not ok ${e.format()}`);
  for (const r of results) {
    if (r.ok) out(`ok     ${r.rule}: ${r.name}`);
    else {
      out(`not ok ${r.rule}: ${r.name} (${rel(r.file)})`);
      for (const p of r.problems) out(`       - ${p}`);
    }
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + errors.length;
  out(`rules test: ${passed} passed, ${failed} failed`);
  return failed ? EXIT.failed : EXIT.ok;
}

/** Runs `tcpdoc rules SUB [PATH...]` and returns the exit code. */
export async function rulesCommand(sub: string, paths: string[], flags: Record<string, unknown>): Promise<number> {
  if (sub === "list") return listCommand(flags);
  if (sub === "validate") return validateCommand(paths, flags);
  return await testCommand(paths, flags);
}

/**
 * `tcpdoc explain ID`: prints the rule's full text when ID names a loaded
 * rule and returns 0; returns undefined when it names none (a state, then).
 */
export function explainRuleCommand(words: string[], flags: Record<string, unknown>, width: number): number | undefined {
  if (words.length !== 1) return undefined;
  const set = loadRuleSet({ ...ruleOptions(flags), disabled: [] });
  const rule = set.rules.find((r) => r.id === words[0]);
  if (!rule) return undefined;
  out(explainRule(rule, set.conditions, width));
  return EXIT.ok;
}
