// The Markdown report (src/report/markdown.ts, src/text/markdown.ts): text
// from dumps and rules stays text. No HTML, image, link or heading from an
// input lands in a ticket; verbatim text is fenced longer than any backtick
// run in it; control characters are visible escapes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Finding } from "../../src/model/finding.ts";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { analysisOf, provenanceOf } from "../../src/report/analysis.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { mdBlock, mdCell, mdCode, mdText } from "../../src/text/markdown.ts";

const HOSTILE = "<img src=x onerror=alert(1)> [click](http://evil.example/x) ![t](https://track.example/p.png) www.evil.example a@evil.example <https://auto.example> &amp; *b* ~~s~~ | `` ``` ` x";

/** A line with its code spans taken out (CommonMark: a run of n backticks closes at the next run of exactly n). */
function outsideCode(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\") {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      out += line[i++];
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const close = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
    close.lastIndex = i + n;
    const m = close.exec(line);
    if (!m) {
      out += line.slice(i, i + n);
      i += n;
      continue;
    }
    out += "CODE";
    i = m.index + n;
  }
  return out;
}

/** Asserts the Markdown makes no HTML, link, image or autolink outside code, and has no raw control characters. */
function assertInert(md: string): void {
  assert.doesNotMatch(md, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  for (const line of md.split("\n")) {
    const t = outsideCode(line);
    assert.doesNotMatch(t, /(?<!\\)</, `raw < (HTML, autolink): ${line}`);
    assert.doesNotMatch(t, /(?<!\\)\]\(/, `a link or image: ${line}`);
    assert.doesNotMatch(t, /(?<!\\)!(?<!\\)\[/, `an image: ${line}`);
    assert.doesNotMatch(t, /https?:\/\//, `a bare URL that GitHub links: ${line}`);
    assert.doesNotMatch(t, /\bwww\./, `a www. name that GitHub links: ${line}`);
    assert.doesNotMatch(t, /(?<!\\)@/, `an e-mail address that GitHub links: ${line}`);
    assert.doesNotMatch(t, /(?<!\\)&/, `an entity: ${line}`);
  }
}

function hostileFinding(): Finding {
  return {
    rule: "stranger-rule",
    severity: "warning",
    confidence: 0.8,
    title: `Title ${HOSTILE}`,
    message: `# not a heading ${HOSTILE}\n> not a quote\n1. not a list\n<script>alert(1)</script>`,
    evidence: { figures: {}, groups: [{ by: "process", key: `<b>nginx</b>\`\`\` ${HOSTILE}`, count: 3 }], sockets: [] },
    conditions: [],
    missing: [`a fact ${HOSTILE}`],
    questions: [{ id: "q", text: `Question ${HOSTILE}`, kind: "yes-no" }],
    checks: [{ title: `- check ${HOSTILE}`, command: "ss -tanp | grep '`x`'", lookFor: HOSTILE, readOnly: true, platforms: ["linux"] }],
    fixes: [{ title: `# fix ${HOSTILE}`, steps: [`1. step ${HOSTILE}`], caveats: [HOSTILE] }],
    references: [HOSTILE, "https://man7.org/linux/man-pages/man7/tcp.7.html"],
    tags: [],
    source: "x.yaml",
  };
}

describe("Markdown report", () => {
  it("keeps hostile text from dumps, file names and rules inert", () => {
    const snap = snapshotFromTexts([
      { path: "dump`<b>`\u202e.txt", text: `State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:80 10.0.0.2:5000\n${HOSTILE}\n\u009b2J evil\n` },
    ]);
    const a = analysisOf(snap, [hostileFinding()], provenanceOf(snap, "0.1.0", ["analyze", "--format", "markdown", "a`b.txt"]));
    const md = renderMarkdown(a);
    assertInert(md);
    // the text is all still there, as text
    assert.ok(md.includes("\\<img src=x onerror=alert(1)\\>"), md);
    assert.ok(md.includes("\\# not a heading"));
    assert.ok(md.includes("\\u202e"));
    assert.ok(md.includes("\\u009b2J evil"));
    // no line of the message starts a block
    assert.doesNotMatch(md, /^(#|>|1\.) not/m);
  });
  it("keeps every row of a table in its columns", () => {
    const snap = snapshotFromTexts([{ path: "a|b.txt", text: "ESTAB 0 0 10.0.0.1:80 10.0.0.2:5000\n" }]);
    const md = renderMarkdown(analysisOf(snap, [hostileFinding()], provenanceOf(snap, "0.1.0", [])));
    for (const line of md.split("\n").filter((l) => l.startsWith("| "))) {
      const cells = line.replace(/\\\|/g, "").split("|").length;
      const header = md.split("\n").find((l) => l.startsWith("| ") && l.split("|").length === cells);
      assert.ok(header, `a row with a stray |: ${line}`);
    }
  });
});

describe("Markdown text helpers", () => {
  it("mdCode fences with more backticks than any run inside, so the span holds the text", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z `<>[\]()!|\\]{0,30}$/), (s) => {
        const c = mdCode(s);
        const fence = /^`+/.exec(c)![0];
        assert.ok(c.endsWith(fence));
        const inner = c.slice(fence.length, c.length - fence.length);
        for (const run of inner.match(/`+/g) ?? []) assert.ok(run.length !== fence.length, `${JSON.stringify(s)} -> ${c}`);
        // CommonMark: one space comes off both ends when there is one at each and the span is not all spaces
        const body = inner.length >= 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "" ? inner.slice(1, -1) : inner;
        assert.equal(body, s);
      }),
      { numRuns: 300 },
    );
  });
  it("mdBlock fences longer than any backtick run in the lines", () => {
    const b = mdBlock(["a ``` b", "````"]);
    assert.equal(b[0], "`````text");
    assert.equal(b[b.length - 1], "`````");
    assert.deepEqual(mdBlock(["x"]), ["```text", "x", "```"]);
  });
  it("mdText leaves ordinary words alone and escapes only what Markdown would act on", () => {
    assert.equal(mdText("300 sockets in CLOSE_WAIT on port 8080"), "300 sockets in CLOSE_WAIT on port 8080");
    assert.equal(mdText("# x", true), "\\# x");
    assert.equal(mdText("# x"), "# x");
    assert.equal(mdText("see https://a.example"), "see https\\://a.example");
    assert.equal(mdCell("a|b\nc"), "a\\|b c");
  });
});
