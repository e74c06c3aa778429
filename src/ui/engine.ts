/**
 * The session's link to the rule engine: rules loaded once, facts computed
 * once per snapshot (again only when a check's output added facts), answers
 * re-evaluated at once; and the rule listing for the rules view.
 */

import { Diagnoser, explainRule, type LoadOptions, loadRuleSet } from "../engine/mod.ts";
import { type Finding, severityRank, type Severity } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { RuleListing } from "./components/RulesView.tsx";
import type { DiagnoseFn } from "./hooks/use-session.ts";

/** What the session asks of the engine. */
export interface SessionEngine {
  diagnose: DiagnoseFn;
  rules: RuleListing;
}

const ORIGIN: Record<string, string> = { "built-in": "built-in", user: "user rules ($XDG_CONFIG_HOME/tcpdoc/rules)", "rules-dir": "--rules directories" };

/** Loads the rules the options name and returns a diagnose function bound to them. */
export async function sessionEngine(opts: LoadOptions, minSeverity: Severity = "info"): Promise<SessionEngine> {
  const set = await loadRuleSet(opts);
  const min = severityRank(minSeverity);
  let diagnoser: Diagnoser | undefined;
  let seen: Snapshot | undefined;
  let inputs = -1;
  const diagnose: DiagnoseFn = async (snap, answers) => {
    // A check's output adds an input (and facts) to the snapshot: recompute the facts then.
    if (!diagnoser || seen !== snap || inputs !== snap.inputs.length) {
      diagnoser = new Diagnoser(snap, set);
      seen = snap;
      inputs = snap.inputs.length;
    }
    return (await diagnoser.run(answers)).filter((f: Finding) => severityRank(f.severity) >= min);
  };
  const rules: RuleListing = {
    rules: set.rules.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      source: r.source,
      origin: ORIGIN[r.origin] ?? r.origin,
      enabled: true,
      explain: (width: number) => explainRule(r, set.conditions, width),
    })),
    problems: set.errors.map((e) => ({
      file: e.file,
      line: e.line,
      column: e.column,
      message: `${e.message}${e.hint ? ` (hint: ${e.hint})` : ""}`,
      severity: "error" as const,
    })),
  };
  for (const [id, file] of set.replaced) {
    const now = set.rules.find((r) => r.id === id);
    rules.rules.push({ id, title: "(replaced)", source: file, origin: "replaced", enabled: true, replacedBy: now?.source ?? "a later rule" });
  }
  for (const id of opts.disabled ?? []) {
    rules.rules.push({ id, title: "(disabled with --disable)", source: "", origin: "disabled", enabled: false });
  }
  return { diagnose, rules };
}
