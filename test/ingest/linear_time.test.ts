/**
 * Every format's parser, and the paste and cleaning steps before them, take
 * time linear in the line: adversarial lines (long runs of spaces,
 * brackets, backticks, quotes with one odd character; up to 1 MiB) are
 * timed at sizes eight times apart. A pattern that backtracks (quadratic
 * or worse) fails at the first size whose time is far past a linear budget,
 * before it can hang the run.
 */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cleanLine } from "../../src/ingest/decode.ts";
import { type ParseContext, readCommand, REGISTRY, type Sink, SS_FILTER_STATES } from "../../src/ingest/mod.ts";
import { collapsedRows, unwrapPaste, withoutLineNumber, withoutTablePipes } from "../../src/ingest/paste.ts";
import { gluedAt } from "../../src/ingest/command_line.ts";
import { tokenize } from "../../src/ingest/scan.ts";
import { ingest } from "./_read.ts";

/** Adversarial lines of about `n` characters, by what they attack. */
const SHAPES: Record<string, (n: number) => string> = {
  "tab, spaces, one stray character (an ss -i line with a flipped byte)": (n) => "\t" + " ".repeat(n) + "x",
  "spaces then an odd character": (n) => " ".repeat(n) + "!",
  "a word, spaces, a word and an odd character": (n) => "x" + " ".repeat(n) + "x!",
  "a Markdown fence, spaces, an odd character": (n) => "```" + " ".repeat(n) + "x!",
  "a tilde fence, spaces, an odd character": (n) => "~~~" + " ".repeat(n) + "!",
  "backticks then an odd character": (n) => "`".repeat(n) + "x",
  "a backtick run inside a line": (n) => "a" + "`".repeat(n) + "a",
  "quote markers": (n) => "> ".repeat(n >> 1) + "`",
  "opening brackets": (n) => "[".repeat(n) + "x",
  "a bracket of at-signs": (n) => "[" + "@".repeat(n) + "x",
  "bracketed user@host pairs": (n) => "[" + "a@".repeat(n >> 1),
  "parentheses": (n) => "(".repeat(n) + "x",
  "angle brackets": (n) => "<".repeat(n) + " x",
  "a PowerShell prompt without its end": (n) => "PS C:\\" + " ".repeat(n) + "x",
  "a drive path with dollar signs": (n) => "C:\\" + " $".repeat(n >> 1) + "x",
  "a Java frame of (: pairs": (n) => "at " + "(:1".repeat(Math.ceil(n / 3)),
  "a Java frame with no end": (n) => "    at " + "a".repeat(n) + "(",
  "key=\"value with escaped quotes and no end": (n) => '# socket-owner comm="' + '\\"'.repeat(n >> 1),
  "unclosed quoted values": (n) => "# socket-owner " + 'a="x '.repeat(Math.ceil(n / 5)),
  "a key with no equals sign": (n) => "# owner-scan " + "a".repeat(n),
  "dots before a port": (n) => "x" + ".".repeat(n) + ":1",
  "ss timer fields with no end": (n) => "ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 " + "timer:(".repeat(Math.ceil(n / 7)),
  "ss users fields with no end": (n) => "ESTAB 0 0 1.2.3.4:5 6.7.8.9:10 users:((\"" + "\\\"".repeat(n >> 1),
  "errno then spaces": (n) => "errno" + " ".repeat(n) + "x",
  "ulimit -a: a name, spaces and no value": (n) => "a" + " ".repeat(n) + "-)",
  "ulimit -a: dash form with spaces and an odd end": (n) => "-n: a" + " ".repeat(n) + "(",
  "an ss state filter of quotes": (n) => "$ ss -tan state " + "'".repeat(n) + "x",
  "elision decorations with an odd end": (n) => "-".repeat(n) + "x",
  "elision words repeated": (n) => "... " + "and more ".repeat(Math.ceil(n / 9)) + "x",
  "dotted runs": (n) => "1.".repeat(n >> 1),
  "colons": (n) => ":".repeat(n),
  "a row with a long address": (n) => "tcp 0 0 " + "1.".repeat(n >> 1) + ":1 2.3.4.5:6 ESTABLISHED",
  "a number, spaces, a bar": (n) => "12" + " ".repeat(n) + "|",
  "digits": (n) => "1".repeat(n) + "x",
  "underscores and letters": (n) => "_".repeat(n) + "a.b",
  "a dial error with a long address": (n) => "dial tcp " + "1".repeat(n) + " i/o",
  "WSA then word characters": (n) => "WSA" + "A".repeat(n) + " 100",
  "an exception name of dotted words": (n) => "a.".repeat(n >> 1) + "!",
  "psutil reprs opened and never closed": (n) => "[" + "sconn(".repeat(Math.ceil(n / 6)),
  "psutil reprs closed at the end": (n) => "sconn(".repeat(n >> 3) + "status='X'" + ")".repeat(n >> 3),
  "psutil reprs with a quote left open": (n) => "sconn(fd=1, laddr=addr(ip='" + "1".repeat(n) + ", status=",
  "a Python file frame of quotes": (n) => '  File "' + '",'.repeat(n >> 1),
  "nginx failed-with-errno openings": (n) => "failed (1".repeat(Math.ceil(n / 9)) + "x",
  "MySQL server quotes never closed": (n) => "MySQL server on '".repeat(Math.ceil(n / 17)) + "x",
  "syslog repeat notes run together": (n) => "last message repeated 1 times".repeat(Math.ceil(n / 29)) + "x",
  "a syslog repeat note after spaces": (n) => " ".repeat(n) + "last message repeated 12 times x",
  "a MySQL server host of one long quote": (n) => "MySQL server on '" + "a".repeat(n) + "' (9",
};

/** A command line whose reading sends a line to every reader of command output (counts, per-host lines, a sysctl's value). */
const COMMAND = readCommand("ansible all -a 'netstat -an | grep TIME_WAIT | wc -l'", { ssStates: SS_FILTER_STATES, words: REGISTRY.toolWords });
COMMAND.value = "net.ipv4.tcp_fin_timeout";
COMMAND.firstOutput = 2;

/** A sink that takes everything and keeps nothing. */
const SINK: Sink = {
  socket() {}, tally() {}, detail: () => true, counter() {}, sysctl() {}, symptom() {}, capture() {}, moment() {}, elided() {},
  platform() {},
};

function context(): ParseContext {
  return {
    ...REGISTRY.context(),
    // A PowerShell table header seen: rows are split by its columns.
    columns: ["LocalAddress", "LocalPort", "RemoteAddress", "RemotePort", "State"],
    // A counting command on many hosts above: bare counts, host lines and values are looked at.
    command: { ...COMMAND },
    // An ss table and a snapshot file's owners seen: their continuation lines are looked at.
    scratch: { ss: true, "tcpdoc-snapshot": { owners: new Map([[1, { pid: 1, comm: "x" }]]), proxy: undefined, target: undefined } },
  };
}

/** What is timed: each format's parser (on the cleaned line, as the dispatcher offers it), and the steps before. */
const TARGETS: [string, (line: string) => unknown][] = [
  ["cleanLine", cleanLine],
  ["unwrapPaste", unwrapPaste],
  ["withoutLineNumber", withoutLineNumber],
  ["withoutTablePipes", withoutTablePipes],
  ["collapsedRows", (line) => collapsedRows(tokenize(line), (w) => REGISTRY.states.id(w) !== 0)],
  ["readCommand", (line) => readCommand(line, { ssStates: SS_FILTER_STATES, words: REGISTRY.toolWords })],
  ["gluedAt", gluedAt],
  ...REGISTRY.formats.map((f): [string, (line: string) => unknown] => [
    f.format,
    (line) => f.parse({ text: line, tokens: tokenize(line), number: 2 }, context(), SINK),
  ]),
];

const SIZES = [256, 2 << 10, 16 << 10, 128 << 10, 1 << 20];
/** What a linear-time step may take: a fixed allowance plus so much a character (generous: CI machines are shared). */
const budget = (n: number) => 25 + n * 0.5e-3;

function time(f: () => unknown, reps: number): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

describe("every parser takes linear time on adversarial lines", () => {
  for (const [name, run] of TARGETS) {
    it(name, () => {
      for (const [shape, make] of Object.entries(SHAPES)) {
        let last = 0;
        for (const n of SIZES) {
          const line = make(n);
          const ms = time(() => run(line), n <= 16 << 10 ? 3 : 2);
          assert.ok(ms <= budget(line.length), `${shape}: ${line.length} characters took ${ms.toFixed(1)} ms`);
          // Eight times the line, at most eight times the time (with room for noise) once times are measurable.
          if (last >= 5) assert.ok(ms <= 32 * last, `${shape}: ${ms.toFixed(1)} ms at ${line.length} characters, ${last.toFixed(1)} ms at an eighth of it`);
          last = ms;
        }
      }
    });
  }

  it("the whole dispatcher, on a 1 MiB adversarial line among rows", () => {
    for (const make of Object.values(SHAPES)) {
      const text = "tcp 0 0 127.0.0.1:80 127.0.0.1:5000 ESTABLISHED\n" + make(1 << 20) + "\n";
      const t0 = performance.now();
      const snap = ingest(text);
      assert.ok(performance.now() - t0 < 2000);
      assert.equal(snap.inputs[0].lines, 2);
      // Longer than any row: not understood, and not read (no psutil list among the shapes).
      assert.equal(snap.inputs[0].unparsed, 1);
    }
  });
});
