/**
 * `tcpdoc rules test` for fleet rules: the cases kept beside each fleet
 * rule (`<id>.test.yaml` in the same fleet/ directory), each a fleet (a
 * directory of host directories, or an archive of one) and what the rule
 * must do on it. Like every rule test, the fleet must be inside the test
 * file's directory or the package's samples/ once links are followed
 * (files below it are read as `analyze --fleet` reads them: no link
 * followed), and a failure never prints what a host's files hold.
 */

import * as path from "node:path";
import { analyzeHosts } from "../cli/fleet.ts";
import type { Flags } from "../cli/options.ts";
import type { RuleFileError, RuleSet } from "../engine/mod.ts";
import { evaluateFleet } from "../fleet/evaluate.ts";
import { type FleetRule, type FleetTestCase, readFleetRule, readFleetTest } from "../fleet/rules.ts";
import { openFleet } from "../sources/fleet.ts";
import { builtinRulesDir, ruleFiles } from "../sources/rule_files.ts";
import { inert } from "../text/inert.ts";
import { inDir } from "./paths.ts";
import { type CaseResult, compare, resolveInput, testFileFor } from "./cases.ts";

/** Helper threads are not needed for a test's small fleet: the hosts are analysed on this thread. */
const ONE_THREAD = { rules: [], noUserRules: true, disable: [] } as unknown as Flags;

/** Runs one case of one fleet rule; the host rules are those `rules test` loaded. */
export async function runFleetCase(rule: FleetRule, c: FleetTestCase, testFile: string, hostRules: RuleSet): Promise<CaseResult> {
  const res: CaseResult = { rule: rule.id, file: testFile, name: c.name, ok: false, problems: [] };
  const where = resolveInput(c.fleet, testFile, { directory: true });
  if ("problem" in where) {
    res.problems.push(where.problem.replace(/^input /, "fleet "));
    return res;
  }
  let finding;
  try {
    const fleet = openFleet(where.file);
    if (fleet.hosts.length === 0) {
      res.problems.push(`fleet ${JSON.stringify(inert(c.fleet))} holds no host (a directory per host, or snapshots that name their host)`);
      return res;
    }
    const hosts = (await analyzeHosts(fleet.hosts, hostRules, ONE_THREAD, {}, 1)).sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    finding = (await evaluateFleet(hosts, [rule]))[0];
  } catch (e) {
    // the message may quote a host's files: name the kind of error only
    const code = (e as { code?: unknown }).code;
    res.problems.push(`could not evaluate: ${(e as Error).name ?? "error"}${typeof code === "string" ? ` (${inert(code)})` : ""}`);
    return res;
  }
  const e = c.expect;
  const problems: string[] = [];
  if (e.fires && !finding) problems.push("expected the fleet rule to fire; it raised nothing");
  if (!e.fires && finding) problems.push(`expected no finding; it raised ${finding.severity}`);
  if (finding) {
    if (e.severity && finding.severity !== e.severity) problems.push(`severity ${finding.severity}, expected ${e.severity}`);
    if (e.hosts) {
      const want = [...e.hosts].sort();
      const got = [...finding.hosts].sort();
      if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`hosts ${got.join(", ") || "none"}, expected ${want.join(", ") || "none"}`);
    }
    for (const [k, want] of Object.entries(e.evidence ?? {})) {
      if (!Object.hasOwn(rule.figures, k)) {
        problems.push(`evidence figure "${k}" is not defined by the rule`);
        continue;
      }
      const p = compare(finding.figures[k], want);
      if (p) problems.push(`evidence ${k}: ${p}`);
    }
  }
  res.problems.push(...problems.map(inert));
  res.ok = res.problems.length === 0;
  return res;
}

/** Runs the cases of these fleet rule files; rules or test files that do not validate come back in `errors`. */
export async function runFleetRuleTests(files: readonly string[], hostRules: RuleSet): Promise<{ results: CaseResult[]; errors: RuleFileError[] }> {
  const results: CaseResult[] = [];
  const errors: RuleFileError[] = [];
  const builtin = path.join(builtinRulesDir(), "fleet");
  for (const file of files) {
    const r = await readFleetRule(file, ruleFiles, inDir(file, builtin) ? "built-in" : "rules-dir");
    if (!r.rule) {
      errors.push(...r.errors);
      continue;
    }
    const tf = testFileFor(file);
    if (!tf) {
      results.push({ rule: r.rule.id, file, name: "(no test file)", ok: false, problems: [`no test file: write ${path.basename(file).replace(/\.ya?ml$/, ".test.yaml")} beside the fleet rule`] });
      continue;
    }
    const t = await readFleetTest(tf, ruleFiles);
    if (!t.cases) {
      errors.push(...t.errors);
      continue;
    }
    for (const c of t.cases) results.push(await runFleetCase(r.rule, c, tf, hostRules));
  }
  return { results, errors };
}
