/**
 * `tcpdoc rules list|validate|test` and `tcpdoc explain RULE-ID`: the rule
 * tooling's command-line edge. Everything printed that came from a rule
 * file or a file name goes through inert(); `--json` prints the same data
 * for editors and CI.
 */

import * as fs from "node:fs";
import { existsSync } from "node:fs";
import * as path from "node:path";
import process from "node:process";
import type { Flags } from "../cli/options.ts";
import { UsageError } from "../cli/errors.ts";
import { writeOutput } from "../cli/output.ts";
import { detectTerminal } from "../cli/terminal.ts";
import { ERROR_QUESTION, explainRule, FactContext, loadRuleSet, type RuleFileError, traceLines, traceRule } from "../engine/mod.ts";
import { readInputs } from "../sources/mod.ts";
import { toJson } from "../report/json.ts";
import { builtinRulesDir, type RuleFlags as RuleOptions, ruleLoadOptions, userRulesDir } from "../sources/rule_files.ts";
import { inert, inertLines } from "../text/inert.ts";
import { wrapText } from "../text/wrap.ts";
import { scaffoldRule } from "./scaffold.ts";
import { runRuleTests } from "./test_runner.ts";
import { validatePaths } from "./validate.ts";

/** Exit codes of the rule commands. */
const EXIT = { ok: 0, failed: 1, error: 2 } as const;

/** The flags the rule commands read. */
export type RuleFlags = Pick<Flags, "rules" | "disable" | "noUserRules" | "json" | "noColor" | "color"> & Partial<Pick<Flags, "answer" | "error" | "prometheusRules" | "manifest" | "runbookUrl" | "output" | "force">>;

/** The rule-loading options the flags give (--rules, --disable, --no-user-rules). */
export function ruleOptions(flags: Pick<Flags, "rules" | "disable" | "noUserRules">): RuleOptions {
  return { ruleDirs: flags.rules, disabled: flags.disable, userRules: !flags.noUserRules };
}

/** A rule file problem as data (--json). */
function errorJson(e: RuleFileError) {
  return { file: e.file, line: e.line, column: e.column, code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

function out(s: string): void {
  process.stdout.write(s + "\n");
}

function printErrors(errors: readonly RuleFileError[]): void {
  for (const e of errors) process.stderr.write(`${inert(e.format())}\n`);
}

async function listCommand(flags: RuleFlags): Promise<number> {
  const o = ruleOptions(flags);
  const set = await loadRuleSet(ruleLoadOptions(o));
  printErrors(set.errors);
  if (flags.json) {
    const rows = set.rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, origin: r.origin, source: r.source, replaces: set.replaced.get(r.id) }));
    process.stdout.write(toJson(rows));
    return EXIT.ok;
  }
  const idW = Math.max(2, ...set.rules.map((r) => r.id.length));
  const width = detectTerminal(flags.noColor, flags.color).width;
  const head = `${"ID".padEnd(idW)}  SEVERITY  `;
  out(`${head}TITLE`);
  for (const r of set.rules) {
    const src = r.origin === "built-in" ? "" : ` [${r.origin}${set.replaced.has(r.id) ? ", replaces built-in" : ""}]`;
    const lines = wrapText(inert(`${r.title}${src}`), width, `${inert(r.id).padEnd(idW)}  ${r.severity.padEnd(8)}  `, " ".repeat(head.length));
    for (const l of lines) out(l);
  }
  const user = userRulesDir();
  const dirs = [
    `${rel(builtinRulesDir())} (built-in)`,
    ...(o.userRules && user && existsSync(user) ? [`${rel(user)} (user)`] : []),
    ...flags.rules.map((d) => `${rel(d)} (--rules)`),
  ];
  const disabled = flags.disable.length ? `; disabled: ${flags.disable.join(", ")}` : "";
  out("");
  for (const l of wrapText(inert(`${set.rules.length} rules loaded from ${dirs.join(", ")}${disabled}`), width)) out(l);
  return EXIT.ok;
}

async function validateCommand(paths: string[], flags: RuleFlags): Promise<number> {
  const o = ruleOptions(flags);
  const user = userRulesDir();
  const targets = paths.length ? paths : [
    builtinRulesDir(),
    ...(o.userRules && user !== undefined && existsSync(user) ? [user] : []),
    ...(o.ruleDirs ?? []),
  ];
  const r = await validatePaths(targets, { ruleDirs: o.ruleDirs, userRules: o.userRules });
  if (flags.json) {
    process.stdout.write(toJson({ files: r.files, rules: r.rules, errors: r.errors.map(errorJson) }));
    return r.errors.length ? EXIT.error : EXIT.ok;
  }
  for (const e of r.errors) out(inert(e.format()));
  out(`rules validate: ${r.files} files, ${r.rules} rules, ${r.errors.length} error${r.errors.length === 1 ? "" : "s"}`);
  return r.errors.length ? EXIT.error : EXIT.ok;
}

async function testCommand(paths: string[], flags: RuleFlags): Promise<number> {
  const o = ruleOptions(flags);
  const targets = paths.length ? paths : [builtinRulesDir(), ...(o.ruleDirs ?? [])];
  const { results, errors } = await runRuleTests(targets, { ruleDirs: o.ruleDirs, userRules: o.userRules });
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + errors.length;
  if (flags.json) {
    const cases = results.map((r) => ({ rule: r.rule, file: r.file, name: r.name, ok: r.ok, problems: r.problems }));
    process.stdout.write(toJson({ passed, failed, cases, errors: errors.map(errorJson) }));
    return failed ? EXIT.failed : EXIT.ok;
  }
  for (const e of errors) out(`not ok ${inert(e.format())}`);
  for (const r of results) {
    if (r.ok) out(inert(`ok     ${r.rule}: ${r.name}`));
    else {
      out(inert(`not ok ${r.rule}: ${r.name} (${rel(r.file)})`));
      for (const p of r.problems) out(`       - ${inert(p)}`);
    }
  }
  out(`rules test: ${passed} passed, ${failed} failed`);
  return failed ? EXIT.failed : EXIT.ok;
}

/**
 * `tcpdoc rules new ID [DIR]`: writes the scaffold's two files, never over
 * an existing one; a bad id or an unwritable directory is one line, exit 2.
 */
export function rulesNewCommand(id: string, dir: string): number {
  let files;
  try {
    files = scaffoldRule(id);
  } catch (e) {
    process.stderr.write(`tcpdoc: rules new: ${inert((e as Error).message)}\n`);
    return EXIT.error;
  }
  const written: string[] = [];
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of [files.rule, files.test]) {
      const p = path.join(dir, f.name);
      // "wx": refuse an existing file (or a link), and create it in one step.
      fs.writeFileSync(p, f.text, { flag: "wx" });
      written.push(p);
    }
  } catch (e) {
    for (const p of written) fs.rmSync(p, { force: true });
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "EEXIST" ? "exists already: choose another id, or remove it" : (err.code ?? err.message).toLowerCase();
    process.stderr.write(`tcpdoc: rules new: ${inert(err.path ?? dir)}: ${why}\n`);
    return EXIT.error;
  }
  out(inert(`wrote ${written.join(" and ")}`));
  out(inert(`next: edit them, then 'tcpdoc rules validate ${dir}' and 'tcpdoc rules test ${dir}'; use the rule with 'tcpdoc analyze --rules ${dir} FILE'`));
  return EXIT.ok;
}

/**
 * `tcpdoc explain RULE-ID FILE...`: evaluates one rule on the inputs and
 * prints every condition with the value it read and the ones that kept it
 * from firing. Exit code 0 either way (it explains; it does not judge).
 */
async function traceCommand(rule: Parameters<typeof traceRule>[0], files: string[], named: Parameters<typeof traceRule>[2], flags: RuleFlags): Promise<number> {
  const snap = readInputs(files);
  const answers: Record<string, unknown> = {};
  for (const a of flags.answer ?? []) {
    const eq = a.indexOf("=");
    if (eq > 0) answers[a.slice(0, eq)] = a.slice(eq + 1);
  }
  if (flags.error !== undefined) answers[ERROR_QUESTION.id] = flags.error;
  const t = await traceRule(rule, new FactContext(snap), named, answers);
  if (flags.json) {
    const o = t.outcome;
    process.stdout.write(toJson({ rule: rule.id, fires: Boolean(t.finding), truth: o.truth, held: o.held, tree: o.tree, missing: o.missing, ...(t.finding ? { finding: t.finding } : {}) }));
  } else out(inertLines(traceLines(t).join("\n")).join("\n"));
  return EXIT.ok;
}

/** Runs `tcpdoc rules SUB [PATH...]` and returns the exit code. */
export async function rulesCommand(sub: string, paths: string[], flags: RuleFlags): Promise<number> {
  if (sub === "list") return await listCommand(flags);
  if (sub === "validate") return await validateCommand(paths, flags);
  if (sub === "export") return await exportCommand(flags);
  return await testCommand(paths, flags);
}

/** `tcpdoc rules export --prometheus-rules`: the loaded rules and fleet rules as Prometheus alerting rules. */
async function exportCommand(flags: RuleFlags): Promise<number> {
  if (!flags.prometheusRules) throw new UsageError("tcpdoc rules export writes one format so far: give --prometheus-rules");
  const set = await loadRuleSet(ruleLoadOptions(ruleOptions(flags)));
  printErrors(set.errors);
  if (set.errors.length) return EXIT.error;
  const { loadFleetRules } = await import("../cli/fleet.ts");
  const { prometheusRuleManifest, prometheusRulesFile } = await import("./prometheus_rules.ts");
  const o = flags.runbookUrl ? { runbook: flags.runbookUrl } : {};
  const text = (flags.manifest ? prometheusRuleManifest : prometheusRulesFile)(set.rules, await loadFleetRules(flags), o);
  writeOutput(text, flags.output, { force: flags.force ?? false, mode: 0o644, exitCode: EXIT.ok });
  return EXIT.ok;
}

/**
 * `tcpdoc explain ID`: prints the rule's full text (with --json, the rule as
 * loaded) when ID names a loaded rule and returns 0; when it names none (a
 * state, then), returns the rule ids to suggest from.
 */
export async function explainRuleCommand(words: string[], flags: RuleFlags, width: number): Promise<number | { ids: string[] }> {
  const set = await loadRuleSet(ruleLoadOptions({ ...ruleOptions(flags), disabled: [] }));
  const rule = words.length >= 1 ? set.rules.find((r) => r.id === words[0]) : undefined;
  if (!rule) return { ids: set.rules.map((r) => r.id) };
  if (words.length > 1) return await traceCommand(rule, words.slice(1), set.conditions, flags);
  if (flags.json) process.stdout.write(toJson(rule));
  else out(inertLines(explainRule(rule, set.conditions, width)).join("\n"));
  return EXIT.ok;
}
