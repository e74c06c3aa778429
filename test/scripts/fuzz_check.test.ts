// The fuzzer's consistency check (scripts/fuzz_check.mjs) on real reports of
// the built command: it passes on good reports (one file, stdin, a series of
// two files whose report lists only the second) and fails on a report
// that breaks each of its rules.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkReport } from "../../scripts/fuzz_check.mjs";
import { ROOT, SAMPLE, tcpdoc } from "../cli/_run.ts";
import { tempDir } from "../_temp.ts";

interface Input {
  path: string;
  lines: number;
  sockets: number;
  kinds: Record<string, number>;
  unparsed: number;
  unparsedLines: unknown[];
}
interface Report {
  summary: { sockets: number; stateUnknown: number; states: Record<string, number> };
  inputs: Input[];
  series?: unknown;
}

const enc = new TextEncoder();
const sample = fs.readFileSync(path.join(ROOT, SAMPLE), "utf8");

/** Writes the texts as input-K.txt (as the fuzzer does), runs analyze --json on them, and returns the report and the files' bytes. */
function run(texts: string[], stdin = false): { report: Report; files: Uint8Array[] } {
  const dir = tempDir("tcpdoc-fuzz-check-");
  const names = texts.map((t, k) => {
    const p = path.join(dir, `input-${k}.txt`);
    fs.writeFileSync(p, t);
    return p;
  });
  const r = tcpdoc(["analyze", "--json", ...(stdin ? ["-"] : names)], stdin ? { input: texts[0] } : {});
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return { report: JSON.parse(r.stdout) as Report, files: texts.map((t) => enc.encode(t)) };
}

/**
 * Two snapshots of one host ten seconds apart, each under the date line
 * `date` prints: a series, whose report lists only the last moment's input
 * (input-1, the second file) as its first input.
 */
function series() {
  const earlier = `Tue Dec  1 10:00:00 UTC 2026\n${sample.split("\n").slice(0, 12).join("\n")}\n`;
  const later = `Tue Dec  1 10:00:10 UTC 2026\n${sample}`;
  const got = run([earlier, later]);
  assert.ok(got.report.series, "the two files are read as a series");
  assert.deepEqual(got.report.inputs.map((i) => path.basename(i.path)), ["input-1.txt"]);
  return got;
}

const clone = (r: Report): Report => structuredClone(r);

describe("scripts/fuzz_check.mjs: the fuzzer's count check", () => {
  it("passes on good reports: one file, stdin, and a series", () => {
    for (const { report, files } of [run([sample]), run([sample], true), series()]) assert.deepEqual(checkReport(report, files), []);
  });

  it("matches a series' input to its file by name, not by its place in the report", () => {
    const { report, files } = series();
    const first = new TextDecoder().decode(files[0]).split("\n").length - 1;
    assert.notEqual(report.inputs[0].lines, first, "the first file differs in lines, so matching by place would fail");
    assert.deepEqual(checkReport(report, files), []);
  });

  it("fails a series input matched to no file of the run, and one matched to the wrong file", () => {
    const { report, files } = series();
    const lost = clone(report);
    lost.inputs[0].path = "/elsewhere/snapshot.txt";
    assert.deepEqual(checkReport(lost, files), ['input 0 ("/elsewhere/snapshot.txt"): matched to no file of the run']);
    const wrong = clone(report);
    wrong.inputs[0].path = report.inputs[0].path.replace("input-1", "input-0");
    assert.deepEqual(checkReport(wrong, files), [`input 0: ${report.inputs[0].lines} lines, the bytes have 13`]);
  });

  it("fails a summary above the inputs' sum, and one that differs from it where each socket is in one input", () => {
    const { report, files } = series();
    const above = clone(report);
    above.summary.sockets += 5;
    above.summary.stateUnknown += 5;
    assert.deepEqual(checkReport(above, files), [`inputs' sockets (${report.inputs[0].sockets}) < summary.sockets (${report.summary.sockets + 5})`]);
    const one = run([sample]);
    const below = clone(one.report);
    below.summary.sockets -= 1;
    below.summary.stateUnknown -= 1;
    assert.match(checkReport(below, one.files).join("\n"), /inputs' sockets \(\d+\) != summary\.sockets/);
  });

  it("fails states that do not add up to the sockets, and line kinds that do not add up to the lines", () => {
    const { report, files } = run([sample]);
    const states = clone(report);
    states.summary.states.LISTEN = (states.summary.states.LISTEN ?? 0) + 1;
    assert.match(checkReport(states, files).join("\n"), /states \(\d+\) \+ stateUnknown \(\d+\) != sockets/);
    const kinds = clone(report);
    kinds.inputs[0].lines += 1;
    assert.match(checkReport(kinds, files).join("\n"), /input 0: kinds add up to \d+, not lines/);
    assert.deepEqual(checkReport({}, files), ["no summary or inputs in the report"]);
  });
});
