// Words: every built-in rule's message rendered over every sample (alone,
// and each lab scenario's files together), whether the rule fires or not,
// says no placeholder: a figure the evidence lacks takes its sentence
// with it. Fails on "unknown", "undefined", "null", "NaN", "(no process)"
// or an unfilled {{...}}.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { FactContext, loadRuleSet } from "../../src/engine/mod.ts";
import { evaluateRule } from "../../src/engine/evaluate.ts";
import { buildFinding } from "../../src/engine/findings.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const SAMPLES = path.join(ROOT, "samples");
const BAD = /\bunknown\b|\bundefined\b|\bnull\b|\bNaN\b|\(no process\)|\{\{|\}\}/;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (/\.(txt|log)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Every text of a finding a person reads. */
function texts(f: NonNullable<ReturnType<typeof buildFinding>>): string[] {
  return [
    f.title, f.message,
    ...Object.values(f.evidence.figures).map(String),
    ...f.evidence.groups.map((g) => `${g.by} ${g.key}`),
    ...f.questions.flatMap((q) => [q.text, q.command ?? ""]),
  ];
}

describe("the words of every rule over every sample", () => {
  it("no placeholder text in any message", async () => {
    const set = await loadRuleSet(ruleLoadOptions({ userRules: false }));
    const inputs: string[][] = files(SAMPLES).map((f) => [f]);
    const lab = path.join(SAMPLES, "linux");
    for (const d of fs.readdirSync(lab)) {
      const dir = path.join(lab, d);
      if (fs.statSync(dir).isDirectory()) inputs.push(files(dir));
    }
    const problems: string[] = [];
    for (const group of inputs) {
      let snap;
      try {
        snap = readInputs(group);
      } catch {
        continue; // a file tcpdoc declines (nothing it reads): no findings to word
      }
      const ctx = new FactContext(snap);
      for (const rule of set.rules) {
        const o = await evaluateRule(rule, ctx, set.conditions, {});
        // render it as if it fired: the words must hold whatever the evidence lacks
        const f = buildFinding({ ...o, truth: "true" }, ctx, {});
        for (const t of f ? texts(f) : []) {
          if (BAD.test(t)) problems.push(`${rule.id} on ${group.map((g) => path.relative(ROOT, g)).join(" ")}: ${t.match(BAD)![0]} in "${t.slice(0, 160)}"`);
        }
      }
    }
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
  });
});
