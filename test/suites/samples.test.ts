// Every captured or public sample with an expected.json beside it parses to
// exactly the counts an independent awk/grep count of the same file gives.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readInputs } from "../../src/sources/mod.ts";
import { summarize } from "../../src/report/analysis.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..", "samples");

interface Expected {
  sockets: number;
  states: Record<string, number>;
  /** Lines that carry nothing tcpdoc can read, with the reason. */
  unparsed?: number;
  unparsedReason?: string;
}

function expectedFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...expectedFiles(p));
    else if (e.name === "expected.json") out.push(p);
  }
  return out.sort();
}

const files = fs.existsSync(ROOT) ? expectedFiles(ROOT) : [];

describe("samples", () => {
  it("lists every public dump in its folder's expected.json", () => {
    for (const os of ["macos", "freebsd", "windows", "other"]) {
      const dir = path.join(ROOT, os);
      const table = JSON.parse(fs.readFileSync(path.join(dir, "expected.json"), "utf8"));
      const missing = fs.readdirSync(dir).filter((f) => f !== "expected.json" && !(f in table));
      assert.deepEqual(missing, [], `${os}/ files without expected counts`);
    }
  });
  it("has expected counts for captured Linux scenarios and public dumps", () => {
    assert.ok(files.length > 0, "no samples/**/expected.json found");
  });
  for (const exp of files) {
    const dir = path.dirname(exp);
    const table = JSON.parse(fs.readFileSync(exp, "utf8")) as Record<string, Expected>;
    for (const [name, want] of Object.entries(table)) {
      const file = path.join(dir, name);
      it(`${path.relative(ROOT, file)} parses to ${want.sockets} sockets`, () => {
        const snap = readInputs([file]);
        const s = summarize(snap);
        assert.deepEqual(s.states, want.states);
        assert.equal(s.sockets, want.sockets);
        const r = snap.inputs[0];
        assert.equal(r.unparsed, want.unparsed ?? 0, `unparsed lines: ${JSON.stringify(r.unparsedLines.slice(0, 5))}`);
        const accounted = Object.values(r.kinds).reduce((a, b) => a + b, 0);
        assert.equal(accounted, r.lines);
      });
    }
  }
});
