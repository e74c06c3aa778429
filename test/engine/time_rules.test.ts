// The built-in rules over time, on the lab's real-kernel recordings (whole,
// or cut to their first snapshots, as a user would have had them then): a
// leak against churn, a pile that drains against one that stays, a counter
// that rises now against one that carries an old total.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Diagnoser, summarizeMoment } from "../../src/engine/mod.ts";
import { readSeries } from "../../src/sources/mod.ts";
import { tempDir } from "../_temp.ts";
import { builtinRules, lab } from "./_helpers.ts";

async function fired(files: string[]): Promise<Map<string, string>> {
  const findings = await new Diagnoser(readSeries(files, summarizeMoment), await builtinRules()).run({});
  return new Map(findings.map((f) => [f.rule, f.severity]));
}

/** The first `n` snapshots of a recorded loop (each begins with a `date -u` line), as a file. */
function firstSnapshots(file: string, n: number): string {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const starts = lines.flatMap((l, i) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(l) ? [i] : []));
  const out = path.join(tempDir("tcpdoc-time-rules-"), `first-${n}-${path.basename(file)}`);
  fs.writeFileSync(out, lines.slice(0, starts[n] ?? lines.length).join("\n") + "\n");
  return out;
}

describe("rules over time", () => {
  it("a growing CLOSE_WAIT pile whose sockets stay is a leak; a flat one whose sockets rotate is not", async () => {
    const leak = await fired(lab("series-close-wait-growing", "series-ss-tan.txt"));
    assert.equal(leak.get("close-wait-leak"), "warning");
    assert.equal(leak.has("close-wait-churn"), false);
    const churn = await fired(lab("series-churn-flat", "series-ss-tan.txt"));
    assert.equal(churn.has("close-wait-leak"), false);
    assert.equal(churn.get("close-wait-churn"), "info");
  });
  it("does not ask what the series already answered: growth of the leak, the overflow counter rising", async () => {
    const rules = await builtinRules();
    const questionsOf = async (files: string[], rule: string) => {
      const f = (await new Diagnoser(readSeries(files, summarizeMoment), rules).run({})).find((x) => x.rule === rule);
      assert.ok(f, `${rule} fired`);
      return f.questions.map((q) => q.id);
    };
    const [ss] = lab("series-close-wait-growing", "series-ss-tan.txt");
    assert.ok(!(await questionsOf([ss], "close-wait-leak")).includes("close-wait-growing"));
    // one snapshot of the same recording cannot tell: the question stays
    assert.ok((await questionsOf([firstSnapshots(ss, 1)], "close-wait-leak")).includes("close-wait-growing"));
  });
  it("a FIN_WAIT_1 pile caught draining after a restart is told apart from one that stays", async () => {
    const [ss] = lab("series-fin-wait-1-draining", "series-ss-tan.txt");
    // The first snapshot alone: 100 orphans on the restarted port.
    const one = await fired([firstSnapshots(ss, 1)]);
    assert.equal(one.has("fin-wait-1-after-restart"), true);
    assert.equal(one.has("fin-wait-1-draining"), false);
    // Six snapshots, the pile falling: it drains by itself.
    const six = await fired([firstSnapshots(ss, 6)]);
    assert.equal(six.get("fin-wait-1-draining"), "info");
    assert.equal(six.has("fin-wait-1-after-restart"), false);
  });
  it("accept-queue overflow from a counter rising now; silent on one that carries an old total", async () => {
    const [listen] = lab("series-accept-queue-overflow", "series-nstat-listen.txt");
    assert.equal((await fired([listen])).has("accept-queue-overflow"), true);
    // The recording's last total (1461), read twice 10 s apart: it no longer moves.
    const lines = fs.readFileSync(listen, "utf8").trimEnd().split("\n");
    const block = lines.slice(-3).join("\n");
    const flat = path.join(tempDir("tcpdoc-time-rules-"), "flat.txt");
    fs.writeFileSync(flat, `2026-12-01T17:20:00Z\n${block}\n2026-12-01T17:20:10Z\n${block}\n`);
    assert.equal((await fired([flat])).has("accept-queue-overflow"), false);
  });
  it("the ephemeral ports toward one destination are reported used up", async () => {
    const f = await fired(lab("series-time-wait-march", "series-ss-tan.txt", "sysctl.txt"));
    assert.equal(f.get("time-wait-port-exhaustion"), "critical");
  });
});

describe("port exhaustion ahead of time", () => {
  it("fires from the first snapshots of the march, with when the ports run out", async () => {
    const [ss, sysctl] = lab("series-time-wait-march", "series-ss-tan.txt", "sysctl.txt");
    const findings = await new Diagnoser(readSeries([firstSnapshots(ss, 4), sysctl], summarizeMoment), await builtinRules()).run({});
    const f = findings.find((x) => x.rule === "time-wait-port-exhaustion");
    assert.ok(f, findings.map((x) => x.rule).join(", "));
    assert.match(f.message, /at that rate the ports run out in about [\d.]+ s \(2026-12-01T17:27:0[23]/);
  });
});
