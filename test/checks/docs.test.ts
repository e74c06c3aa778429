// docs/rule-authoring.md carries the probe catalogue and the placeholder
// vocabulary as src/checks generates them. On a mismatch, regenerate with:
//   node --import tsx test/checks/docs.test.ts --write
import { it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { checksMarkdown } from "../../src/checks/docs.ts";

const FILE = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..", "docs", "rule-authoring.md");
const BEGIN = /<!-- checks:begin[^>]*-->\n/;
const END = "<!-- checks:end -->";

function current(text: string): string {
  const b = BEGIN.exec(text);
  const e = text.indexOf(END);
  assert.ok(b && e > b.index, "docs/rule-authoring.md has the checks:begin and checks:end markers");
  return text.slice(0, b.index + b[0].length) + checksMarkdown() + text.slice(e);
}

if (process.argv.includes("--write")) fs.writeFileSync(FILE, current(fs.readFileSync(FILE, "utf8")));

it("docs/rule-authoring.md lists the probes and placeholders as src/checks defines them", () => {
  const text = fs.readFileSync(FILE, "utf8");
  assert.equal(text, current(text), "run: node --import tsx test/checks/docs.test.ts --write");
});
