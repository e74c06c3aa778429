// Hostile inputs through the real command line, under Node (the installed
// command, bin/tcpdoc.js over dist/, built by `npm test` first) and under Deno
// (the sources): each gets a one-line error or a correct result, exit code
// 0-2, bounded time and memory, and never a stack trace.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
/** Wall-clock bound for any one run. */
const LIMIT_MS = 60_000;
/** Peak memory bound for any one run, in MiB. */
const LIMIT_MB = 400;

let tmp = "";
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-robust-"));
});
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  runtime: string;
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  rssMb: number | undefined;
}

/** Runs tcpdoc under one runtime, with peak RSS from /usr/bin/time when present. */
function run1(runtime: "node" | "deno", args: string[], input?: string | Uint8Array): Run {
  const cmd = runtime === "node"
    ? [process.execPath, path.join(ROOT, "bin", "tcpdoc.js")]
    : [DENO, "run", "-A", path.join(ROOT, "src", "cli", "entry.ts")];
  const rssFile = path.join(tmp, `rss-${runtime}`);
  const argv = TIME ? [TIME, "-f", "%M", "-o", rssFile, ...cmd, ...args] : [...cmd, ...args];
  const t0 = Date.now();
  const r = spawnSync(argv[0], argv.slice(1), {
    cwd: ROOT,
    input,
    encoding: "utf8",
    timeout: LIMIT_MS,
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: path.join(tmp, "no-config") },
  });
  const ms = Date.now() - t0;
  let rssMb: number | undefined;
  if (TIME && fs.existsSync(rssFile)) {
    const lines = fs.readFileSync(rssFile, "utf8").trim().split("\n");
    rssMb = Number(lines[lines.length - 1]) / 1024;
    fs.rmSync(rssFile);
  }
  // /usr/bin/time adds its own line to stderr only on failure ("Command exited with non-zero status"): drop it.
  const stderr = r.stderr.split("\n").filter((l) => !/^Command (exited with non-zero status|terminated by signal)/.test(l)).join("\n");
  return { runtime, status: r.status, stdout: r.stdout, stderr, ms, rssMb };
}

/** Runs under both runtimes and checks what every hostile input must get. */
function cli(args: string[], input?: string | Uint8Array): Run[] {
  const runs = [run1("node", args, input)];
  if (fs.existsSync(DENO)) runs.push(run1("deno", args, input));
  for (const r of runs) {
    const what = `${r.runtime} tcpdoc ${args.join(" ")}`;
    assert.notEqual(r.status, null, `${what}: killed after ${r.ms} ms (bound ${LIMIT_MS})`);
    assert.ok(r.status! >= 0 && r.status! <= 2, `${what}: exit ${r.status}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^ {4}at /m, `${what}: stack trace\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error/, `${what}: ${r.stderr}`);
    if (r.status === 2) assert.equal(r.stderr.trim().split("\n").length, 1, `${what}: not one line\n${r.stderr}`);
    if (r.rssMb !== undefined) assert.ok(r.rssMb < LIMIT_MB, `${what}: ${r.rssMb.toFixed(0)} MiB`);
  }
  return runs;
}

function json(r: Run): { inputs: { lines: number; sockets: number; unparsed: number; encoding: string }[]; summary: { sockets: number; states: Record<string, number>; merged?: number } } {
  return JSON.parse(r.stdout);
}

/** A real capture to build hostile variants from. */
function sample(name: string): string {
  for (const dir of ["healthy", "close-wait-leak", "time-wait-port-exhaustion", "fin-wait-2-lingering"]) {
    const p = path.join(ROOT, "samples", "linux", dir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`no sample ${name}`);
}

/** State counts of a netstat -nat text the way the awk pipeline counts them. */
function netstatStates(text: string): Record<string, number> {
  const words: Record<string, string> = {
    ESTABLISHED: "ESTABLISHED", TIME_WAIT: "TIME_WAIT", CLOSE_WAIT: "CLOSE_WAIT", LISTEN: "LISTEN", FIN_WAIT1: "FIN_WAIT_1",
    FIN_WAIT2: "FIN_WAIT_2", SYN_SENT: "SYN_SENT", SYN_RECV: "SYN_RECV", LAST_ACK: "LAST_ACK", CLOSING: "CLOSING",
  };
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const t = line.trim().split(/\s+/);
    if (/^tcp6?$/.test(t[0]) && words[t[5]]) out[words[t[5]]] = (out[words[t[5]]] ?? 0) + 1;
  }
  return out;
}

describe("hostile inputs to tcpdoc analyze", () => {
  it("random bytes: a one-line error or a report, never a crash", () => {
    // Seeded, so a failure reproduces.
    let s = 12345;
    const bytes = new Uint8Array(1 << 20);
    for (let i = 0; i < bytes.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      bytes[i] = s >>> 24;
    }
    const file = path.join(tmp, "random.bin");
    fs.writeFileSync(file, bytes);
    for (const r of cli(["analyze", file, "--json"])) {
      if (r.status === 2) assert.match(r.stderr, /random\.bin/);
      else assert.equal(json(r).summary.sockets, 0);
    }
  });

  it("an empty file: exit 2, says it is empty", () => {
    const file = path.join(tmp, "empty.txt");
    fs.writeFileSync(file, "");
    for (const r of cli(["analyze", file])) {
      assert.equal(r.status, 2);
      assert.match(r.stderr, /empty\.txt: input is empty/);
    }
  });

  it("empty stdin: exit 2, says it is empty", () => {
    for (const r of cli(["analyze", "-"], "")) {
      assert.equal(r.status, 2);
      assert.match(r.stderr, /input is empty/);
    }
  });

  it("a 30 MB single line: bounded time and memory, a one-line error", () => {
    const file = path.join(tmp, "one-line.txt");
    fs.writeFileSync(file, "x".repeat(15 << 20) + " " + "9".repeat(15 << 20));
    for (const r of cli(["analyze", file, "--json"])) {
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /one-line\.txt:1: no socket table/);
      assert.ok(r.stderr.length < 400, "the error quotes only the start of the line");
    }
  });

  it("a 30 MB single line after a real table: the table is read, the line is reported", () => {
    const file = path.join(tmp, "table-then-line.txt");
    const table = fs.readFileSync(sample("netstat-nat.txt"), "utf8");
    fs.writeFileSync(file, table + "tcp ".repeat(30 << 18) + "\n");
    for (const r of cli(["analyze", file, "--json"])) {
      const j = json(r);
      assert.deepEqual(j.summary.states, netstatStates(table));
      assert.equal(j.inputs[0].unparsed, 1);
    }
  });

  it("a missing file: exit 2, names the file", () => {
    for (const r of cli(["analyze", path.join(tmp, "does-not-exist.txt")])) {
      assert.equal(r.status, 2);
      assert.match(r.stderr, /does-not-exist\.txt: no such file/);
    }
  });

  it("bad flags: exit 2, name the flag or the value", () => {
    for (const r of cli(["analyze", "--frobnicate"])) assert.match(r.stderr, /--frobnicate/);
    for (const r of cli(["analyze", "--format", "yaml", sample("ss-tan.txt")])) assert.match(r.stderr, /yaml/);
    for (const r of cli(["analyze", "--format"])) assert.match(r.stderr, /--format/);
    for (const r of cli(["--json=1"])) assert.equal(r.status, 2);
    for (const r of cli(["rules", "frobnicate"])) assert.equal(r.status, 2);
  });

  it("a truncated dump (cut inside a row): the complete rows are counted, the cut one is accounted for", () => {
    const text = fs.readFileSync(sample("netstat-nat.txt"), "utf8");
    const cut = text.slice(0, Math.floor(text.length * 0.6));
    const complete = cut.slice(0, cut.lastIndexOf("\n") + 1);
    const file = path.join(tmp, "truncated.txt");
    fs.writeFileSync(file, cut);
    for (const r of cli(["analyze", file, "--json"])) {
      const j = json(r);
      assert.equal(j.inputs[0].lines, cut.split("\n").length);
      const want = netstatStates(complete);
      const total = Object.values(want).reduce((a, b) => a + b, 0);
      // The cut row is either still a valid row (cut after its state) or reported as not understood.
      assert.ok(j.summary.sockets === total || j.summary.sockets === total + 1, `${j.summary.sockets} vs ${total}`);
      assert.ok(j.summary.sockets === total + 1 || j.inputs[0].unparsed === 1 || cut.endsWith("\n"));
    }
  });

  it("a truncated UTF-8 sequence at the end: decoded, no crash", () => {
    const file = path.join(tmp, "cut-utf8.txt");
    const text = fs.readFileSync(sample("ss-tan.txt"));
    fs.writeFileSync(file, Buffer.concat([text, Buffer.from("ESTAB 0 0 10.0.0.1:22 10.0.0.2:5555 \xe4\xb8")]));
    for (const r of cli(["analyze", file, "--json"])) assert.ok(json(r).summary.sockets > 0);
  });

  for (const [label, iconvTo, bom] of [["UTF-16LE with a BOM", "UTF-16", true], ["UTF-16LE without a BOM", "UTF-16LE", false], ["UTF-16BE with a BOM", "UTF-16BE", false]] as const) {
    it(`UTF-16 input (${label}, made from a real sample with iconv): the same counts as the UTF-8 original`, (t) => {
      const src = sample("netstat-nat.txt");
      const out = path.join(tmp, `utf16-${iconvTo}.txt`);
      const conv = spawnSync("iconv", ["-f", "UTF-8", "-t", iconvTo, src]);
      if (conv.status !== 0 || conv.error) {
        t.skip("iconv is not installed");
        return;
      }
      let bytes: Uint8Array = conv.stdout;
      // iconv's UTF-16BE writes no BOM: add one, as Windows does.
      if (iconvTo === "UTF-16BE") bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), conv.stdout]);
      if (bom) assert.ok(bytes[0] === 0xff && bytes[1] === 0xfe, "iconv wrote a little-endian BOM");
      fs.writeFileSync(out, bytes);
      const want = netstatStates(fs.readFileSync(src, "utf8"));
      for (const r of cli(["analyze", out, "--json"])) {
        const j = json(r);
        assert.deepEqual(j.summary.states, want);
        assert.match(j.inputs[0].encoding, /utf-16/);
        assert.equal(j.inputs[0].unparsed, 0);
      }
    });
  }

  it("a directory: exit 2, says to give the files inside it", () => {
    for (const r of cli(["analyze", tmp])) {
      assert.equal(r.status, 2);
      assert.match(r.stderr, /is a directory/);
    }
  });

  it("a directory with thousands of files, given as files: all read, in bounded time, one table's copies counted once", () => {
    const dir = path.join(tmp, "many");
    fs.mkdirSync(dir);
    const table = fs.readFileSync(sample("ss-tan.txt"), "utf8").split("\n").slice(0, 6).join("\n") + "\n";
    const files: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const f = path.join(dir, `ss-${String(i).padStart(4, "0")}.txt`);
      fs.writeFileSync(f, table);
      files.push(f);
    }
    const per = table.split("\n").filter((l) => /^(ESTAB|LISTEN|TIME-WAIT|CLOSE-WAIT|SYN-|FIN-|LAST-ACK|CLOSING)/.test(l)).length;
    for (const r of cli(["analyze", "--json", ...files])) {
      const j = json(r);
      assert.equal(j.inputs.length, 3000);
      // Copies of one table, none saying when it was taken: the same sockets of one moment, counted once (issue 12).
      assert.equal(j.summary.sockets, per);
      assert.equal(j.summary.merged, 2999 * per);
    }
    for (const r of cli(["analyze", dir])) assert.match(r.stderr, /is a directory/);
  });

  it("binary junk on stdin: a one-line error or a report", () => {
    const junk = new Uint8Array(65536);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) & 255;
    cli(["analyze", "-", "--json"], junk);
  });
});

describe("hostile rule files", () => {
  it("a YAML alias bomb: rejected quickly with a positioned one-line problem", () => {
    const dir = path.join(tmp, "bomb");
    fs.mkdirSync(dir);
    const bomb = ["id: alias-bomb", "title: A billion laughs", "severity: info", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let k = 1; k < 10; k++) {
      const prev = String.fromCharCode(96 + k), cur = String.fromCharCode(97 + k);
      bomb.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    bomb.push("conditions:", "  all:", "    - { fact: states, path: $.CLOSE_WAIT, operator: greaterThan, value: 0 }");
    fs.writeFileSync(path.join(dir, "alias-bomb.yaml"), bomb.join("\n") + "\n");
    for (const r of cli(["rules", "validate", dir])) {
      assert.notEqual(r.status, 0);
      assert.match(r.stdout + r.stderr, /alias-bomb\.yaml:\d+:\d+: .*alias/i);
    }
    // --rules: the bad file is reported and left out; the analysis still runs.
    for (const r of cli(["analyze", sample("ss-tan.txt"), "--json", "--rules", dir])) {
      assert.ok(r.status === 0 || r.status === 1 || r.status === 2);
      assert.match(r.stderr, /alias-bomb\.yaml/);
    }
  });

  it("a rule asking for a regular expression that backtracks badly: refused, nothing is compiled or run", () => {
    const dir = path.join(tmp, "regex");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "redos.yaml"), [
      "id: redos",
      "title: Catastrophic backtracking",
      "severity: info",
      "conditions:",
      "  all:",
      '    - { fact: inputs, path: $[0].path, operator: matches, value: "^(a+)+$" }',
      `    - { fact: states, path: "$${".a".repeat(20000)}!", operator: equal, value: 1 }`,
      "",
    ].join("\n"));
    fs.writeFileSync(path.join(dir, `${"a-".repeat(30000)}!.yaml`.slice(0, 200)), `id: ${"a-".repeat(20000)}!\ntitle: x\nseverity: info\nconditions: { all: [] }\n`);
    for (const r of cli(["rules", "validate", dir])) {
      assert.notEqual(r.status, 0);
      assert.match(r.stdout + r.stderr, /redos\.yaml:6:\d+: .*operator/i);
      assert.ok(r.ms < 20_000, `${r.ms} ms`);
    }
  });

  it("a rule directory with thousands of files: loaded in bounded time", () => {
    const dir = path.join(tmp, "thousands");
    fs.mkdirSync(dir);
    for (let i = 0; i < 3000; i++) {
      fs.writeFileSync(path.join(dir, `r-${i}.yaml`), [
        `id: r-${i}`,
        `title: "Generated rule ${i}"`,
        "severity: info",
        "conditions:",
        "  all:",
        `    - { fact: states, path: $.TIME_WAIT, operator: greaterThan, value: ${i} }`,
        "message: many TIME_WAIT",
        "",
      ].join("\n"));
    }
    for (const r of cli(["rules", "validate", dir])) assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const r of cli(["analyze", sample("ss-tan.txt"), "--json", "--no-user-rules", "--rules", dir])) {
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      assert.ok(r.ms < 30_000, `${r.ms} ms`);
    }
  });
});
