// The session laid out at 60x15, 80x24, 120x40 and 160x48: every view fits,
// the state diagram keeps every state, help fits 80x24, a large screen is
// not left half empty and no column stretches.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readInputs } from "../../src/sources/mod.ts";
import { realSession, sample } from "./_harness.ts";

const SIZES = [[60, 15], [80, 24], [120, 40], [160, 48]] as const;

function fits(frame: string, columns: number, rows: number, what: string) {
  const lines = frame.split("\n");
  assert.ok(lines.length <= rows - 1, `${what}: ${lines.length} lines`);
  for (const l of lines) assert.ok([...l].length <= columns, `${what}: ${[...l].length} columns: ${l}`);
}

const accept = () => readInputs(["ss-tan.txt", "nstat.txt", "sysctl.txt"].map((f) => sample("linux", "accept-queue-overflow", f)));

for (const [columns, rows] of SIZES) {
  describe(`layout at ${columns}x${rows}`, () => {
    it(`every view fits ${columns}x${rows}`, async () => {
      const s = await realSession({ snap: accept() }, { columns, rows });
      fits(await s.until(/worst first/), columns, rows, "overview");
      await s.press("\r");
      fits(await s.until(/What is wrong/), columns, rows, "walkthrough");
      await s.press("G");
      await s.until(/Fixes|Rule file/);
      await s.press("g");
      for (let i = 0; i < 30 && !/› +\[ \] 1\./.test(s.frame()); i++) await s.press("j");
      await s.press("\r");
      fits(await s.until(/Check 1 of/), columns, rows, "check");
      await s.press("c");
      fits(await s.until(/The command alone/), columns, rows, "copy view");
      await s.press("\x1b", "\x1b", "\x1b");
      await s.until(/worst first/);
      for (const [re, what] of [[/\[States\]/, "states"], [/\[Rules\]/, "rules"], [/\[Input\]/, "input"]] as const) {
        await s.press("\t");
        fits(await s.until(re), columns, rows, what);
      }
      await s.press("?");
      fits(await s.until(/Keys/), columns, rows, "help");
      s.unmount();
    });
  });
}

describe("layout details", () => {
  it("the state view keeps the diagram's right column at 60x15 (SYN_SENT, CLOSE_WAIT, LAST_ACK)", async () => {
    const s = await realSession({}, { columns: 60, rows: 15 });
    await s.press("\t");
    const f = await s.until(/\[States\]/);
    for (const st of ["SYN_SENT", "CLOSE_WAIT 300", "LAST_ACK", "LISTEN", "TIME_WAIT", "CLOSED"]) assert.match(f, new RegExp(st), f);
    s.unmount();
  });

  it("the help fits 80x24 to its last line", async () => {
    const s = await realSession();
    await s.press("?");
    const f = await s.until(/Keys/);
    assert.match(f, /checks on the machine yourself\./);
    assert.doesNotMatch(f, /▼/, "nothing below the fold");
    s.unmount();
  });

  for (const [columns, rows] of [[120, 40], [160, 48]] as const) {
    it(`the overview at ${columns}x${rows} is not half empty and no list column stretches`, async () => {
      const s = await realSession({ snap: accept() }, { columns, rows });
      const f = await s.until(/worst first/);
      const body = f.split("\n").slice(1, -1);
      const blank = body.filter((l) => l.trim() === "").length;
      assert.ok(blank < body.length / 2, `${blank} of ${body.length} lines empty:\n${f}`);
      const row = f.split("\n").find((l) => /\b8080 +17\b/.test(l));
      assert.ok(row, f);
      const gap = /8080( +)17/.exec(row)![1].length;
      assert.ok(gap < 40, `the port and its count are ${gap} columns apart`);
      s.unmount();
    });
  }
});
