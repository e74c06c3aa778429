// The session model, free of ink: the same ranking and answer normaliser as
// `analyze`, evidence without noise, Markdown that stays text, the exit code.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AnswerError, Diagnoser, loadRuleSet, normalizeAnswers, type Rule } from "../../src/engine/mod.ts";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { readInputs } from "../../src/sources/mod.ts";
import type { Finding, Question } from "../../src/model/finding.ts";
import { exitCodeFor } from "../../src/ui/app.tsx";
import { editField } from "../../src/ui/components/ExportPrompt.tsx";
import { figureText, whyLines } from "../../src/ui/components/Walkthrough.tsx";
import { mdCode, mdText, renderSessionMarkdown } from "../../src/ui/export.ts";
import { charKey, namedKey, ctrlKey } from "../../src/ui/keys.ts";
import { findingKey, normalizeAnswer, sortFindings, topLists } from "../../src/ui/session.ts";
import { ROOT, sample } from "./_harness.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

function sampleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sampleFiles(p));
    else if (!/\.(md|json)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

describe("session ranking", () => {
  it("sortFindings() orders every sample's findings as analyze does", async () => {
    const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: [], disabled: [], userRules: false }));
    const files = sampleFiles(path.join(ROOT, "samples"));
    assert.ok(files.length > 300, `${files.length} samples`);
    const differ: string[] = [];
    for (const file of files) {
      let snap;
      try {
        snap = readInputs([file]);
      } catch {
        continue; // a log with nothing tcpdoc reads on its own
      }
      const engineOrder = await new Diagnoser(snap, set).run({});
      const shuffled = [...engineOrder].reverse();
      const session = sortFindings(shuffled).map(findingKey);
      if (session.join() !== engineOrder.map(findingKey).join()) differ.push(path.relative(ROOT, file));
    }
    assert.deepEqual(differ, []);
  });
});

describe("answers", () => {
  const yn: Question = { id: "q", text: "?", kind: "yes-no" };
  const n: Question = { id: "n", text: "?", kind: "number" };
  it("normalizeAnswer() accepts exactly what --answer accepts", () => {
    const engine = (q: Question, v: string) => {
      try {
        const t = normalizeAnswers({ [q.id]: v }, [{ questions: [q] }] as unknown as Rule[])[q.id];
        return typeof t === "boolean" ? (t ? "yes" : "no") : String(t);
      } catch (e) {
        if (e instanceof AnswerError) return undefined;
        throw e;
      }
    };
    for (const v of ["y", "yes", "true", "1", "on", "Y", "n", "no", "false", "0", "off", "maybe", "2", ""]) {
      assert.equal(normalizeAnswer(yn, v), engine(yn, v), JSON.stringify(v));
    }
    assert.equal(normalizeAnswer(yn, "On"), "yes");
    assert.equal(normalizeAnswer(yn, "maybe"), undefined);
    for (const v of ["5", "1e3", "0.5", " 7 ", "x", "-2"]) {
      assert.equal(normalizeAnswer(n, v), engine(n, v), JSON.stringify(v));
    }
    assert.equal(normalizeAnswer(n, "x"), undefined);
  });
});

describe("evidence without noise", () => {
  it("topLists() leaves out a client's ephemeral ports with one socket each", () => {
    const rows = ["State Recv-Q Send-Q Local Address:Port Peer Address:Port"];
    for (let i = 0; i < 30; i++) rows.push(`ESTAB 0 0 10.0.0.1:${40000 + i} 10.0.0.9:5432`);
    for (let i = 0; i < 3; i++) rows.push(`ESTAB 0 0 10.0.0.1:8080 10.0.0.${20 + i}:${50000 + i}`);
    rows.push("ESTAB 0 0 10.0.0.1:22 10.0.0.30:50999");
    const snap = snapshotFromTexts([{ path: "ss", text: rows.join("\n") + "\n" }]);
    const ports = topLists(snap, 10).ports.map((t) => t.key);
    assert.deepEqual(ports, ["8080", "22"]);
  });

  it("figureText() writes ports and pids without separators and shares as percentages", () => {
    assert.equal(figureText("top_port", 40000), "40000");
    assert.equal(figureText("port", 40000), "40000");
    assert.equal(figureText("pid", 123456), "123456");
    assert.equal(figureText("top_port_count", 40000), "40,000");
    assert.equal(figureText("share", 0.42), "42%");
    assert.equal(figureText("time_wait", 12000), "12,000");
  });

  it("whyLines() lists each condition once and leaves out any-branches that did not matter", () => {
    const c = (fact: string, value: number, factResult: number, result: boolean) => ({ fact, operator: "greaterThan", value, factResult, result });
    const f = { rule: "r", conditions: [c("a", 1, 5, true), c("a", 1, 5, true), c("b", 9, 2, false), c("d", 1, 3, true)] } as unknown as Finding;
    const w = whyLines(f);
    assert.equal(w.held.length, 2, "the repeated condition once");
    assert.deepEqual(w.failed, [], "the any-branch that did not hold is not marked");
    assert.equal(w.others, 1);
  });
});

describe("export", () => {
  it("mdText() and mdCode() keep outside text as text: no HTML, links, images or escapes", () => {
    assert.equal(mdText("<img src=x onerror=alert(1)> [a](http://e) ![i](j) *b* `c`"), "\\<img src=x onerror=alert\\(1\\)\\> \\[a\\]\\(http://e\\) \\!\\[i\\]\\(j\\) \\*b\\* \\`c\\`");
    assert.ok(!mdText("a\x1b]52;c;eA==\x07b").includes("\x1b"));
    assert.equal(mdCode("a ``b`` c"), "```a ``b`` c```");
  });

  it("renderSessionMarkdown() escapes rule text, finding text and probe output", () => {
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    const f = {
      rule: "evil", severity: "warning", confidence: 0.8, title: "<script>x</script>", message: "m", evidence: { figures: {}, groups: [], sockets: [] },
      conditions: [], missing: [], questions: [], checks: [{ title: "[link](http://x)", command: "echo `id`", lookFor: "l", readOnly: true, platforms: [] }],
      fixes: [], references: [], tags: [], source: "x.yaml",
    } as unknown as Finding;
    const md = renderSessionMarkdown({
      snap, findings: [f], ruledOut: [], answers: [], answerMap: {}, done: new Set(),
      runs: [{ probe: "sockets", step: "s", findingTitle: "<b>", checkTitle: "t", status: "done", exitCode: null, output: "```\n\x1b[31mred\n", truncated: false, ms: 1 }],
    });
    const session = md.slice(md.indexOf("## Session"));
    assert.doesNotMatch(session, /<script>|\[link\]\(|<b>/);
    assert.ok(!md.includes("\x1b"), "no raw escape");
    assert.match(session, /````text\n```\n\\x1b\[31mred\n````/);
    assert.match(session, /`` echo `id` ``/);
  });
});

describe("exit code and text fields", () => {
  it("exitCodeFor() is analyze's rule: 1 when a warning or worse is found", () => {
    const f = (severity: string) => ({ severity }) as Finding;
    assert.equal(exitCodeFor([]), 0);
    assert.equal(exitCodeFor([f("info")]), 0);
    assert.equal(exitCodeFor([f("info"), f("warning")]), 1);
    assert.equal(exitCodeFor([f("critical")]), 1);
  });

  it("editField() inserts at the cursor and edits with arrows, Home/End, Backspace and Ctrl-U", () => {
    let f = { text: "/home/u/a.md", at: 12 };
    f = editField(f, namedKey("home"))!;
    assert.equal(f.at, 0);
    f = editField(f, namedKey("end"))!;
    f = editField(f, namedKey("left"))!;
    f = editField(f, namedKey("left"))!;
    f = editField(f, namedKey("left"))!;
    f = editField(f, charKey("b"))!;
    assert.equal(f.text, "/home/u/ab.md");
    f = editField(f, namedKey("erase"))!;
    f = editField(f, namedKey("erase"))!;
    assert.deepEqual(f, { text: "/home/u/.md", at: 8 });
    f = editField(f, ctrlKey("u"))!;
    assert.deepEqual(f, { text: ".md", at: 0 });
    f = editField(f, charKey("j"))!;
    assert.equal(f.text, "j.md", "j is a letter in a text field, not a move");
  });
});
