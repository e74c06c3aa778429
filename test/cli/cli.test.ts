// The command line as users run it: the installed command (bin/tcpdoc.js over
// the dist/ bundle, built by `npm test` first) and Deno on the sources.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FLAG_NAMES, flagName } from "../../src/cli/options.ts";
import { VERSION } from "../../src/cli/version.ts";
import { env, NODE, ROOT, SAMPLE, tcpdoc, userError } from "./_run.ts";
import { tempDir } from "../_temp.ts";

const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const USER_RULES = path.join(ROOT, "test", "fixtures", "rules-user");
const INVALID_RULES = path.join(ROOT, "test", "fixtures", "rules-invalid");

function deno(args: string[]) {
  return spawnSync(DENO, ["run", "-A", path.join(ROOT, "src", "cli", "entry.ts"), ...args], { cwd: ROOT, encoding: "utf8", env: env({ NO_COLOR: "1" }) });
}

describe("tcpdoc --help and --version", () => {
  it("--help lists every option of the option table", () => {
    const r = tcpdoc(["--help"]);
    assert.equal(r.status, 0);
    for (const k of FLAG_NAMES) assert.match(r.stdout, new RegExp(`--${flagName(k)}\\b`));
  });
  it("each command has its own help: analyze --help, rules --help, help analyze", () => {
    const a = tcpdoc(["analyze", "--help"]);
    assert.equal(a.status, 0);
    assert.match(a.stdout, /^Usage: tcpdoc analyze \[FILE\.\.\.\|-\]/);
    assert.equal(tcpdoc(["help", "analyze"]).stdout, a.stdout);
    const g = tcpdoc(["rules", "--help"]);
    assert.equal(g.status, 0, g.stderr);
    assert.match(g.stdout, /tcpdoc rules validate/);
    for (const line of a.stdout.split("\n")) assert.ok(line.length <= 80, line);
  });
  it("--version matches package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.equal(VERSION, pkg.version);
    assert.equal(tcpdoc(["--version"]).stdout.trim(), `tcpdoc ${pkg.version}`);
  });
});

describe("tcpdoc errors", () => {
  it("rejects an unknown option with exit 2 and one line", () => {
    userError(tcpdoc(["analyze", "--frobnicate"]), /--frobnicate/);
  });
  it("names a missing file", () => {
    userError(tcpdoc(["analyze", "does-not-exist.txt"]), /does-not-exist\.txt: no such file/);
  });
  it("names the file and line of input it cannot read at all", () => {
    userError(tcpdoc(["analyze", "-"], { input: "hello\nworld\n" }), /^tcpdoc: stdin:1: no socket table/);
  });
  it("rejects a bad --format value", () => {
    userError(tcpdoc(["analyze", "--format", "xml", "x"]), /--format" takes one of text, json, markdown/);
  });
  it("says which command, option, rule id or question id was meant", () => {
    userError(tcpdoc(["analyse", SAMPLE]), /did you mean 'tcpdoc analyze samples/);
    userError(tcpdoc(["rule", "list"]), /did you mean 'tcpdoc rules list'/);
    userError(tcpdoc(["version"]), /did you mean 'tcpdoc --version'/);
    userError(tcpdoc(["analyze", SAMPLE, "--disable", "close-wait-lek"]), /--disable: no rule has the id "close-wait-lek": did you mean "close-wait-leak"\?/);
    userError(tcpdoc(["analyze", SAMPLE, "--answer", "restartfailed=yes"]), /no rule asks the question "restartfailed": did you mean "restart-failed"\?/);
    userError(tcpdoc(["analyze", SAMPLE, "--answer", "restart-failed=maybe"]), /takes yes or no, not "maybe"/);
    userError(tcpdoc(["explain", "close-wait-lek"]), /did you mean the rule "close-wait-leak"\?/);
  });
  it("refuses --json with --format markdown, and --json for snapshot, with the reason", () => {
    userError(tcpdoc(["analyze", SAMPLE, "--json", "--format", "markdown"]), /--json and --format markdown ask for two formats/);
    userError(tcpdoc(["snapshot", "--json"]), /a snapshot is written in tcpdoc's own text format/);
  });
  it("--max-input SIZE stops an input past SIZE with one line saying how to raise it, and refuses a bad size", () => {
    userError(tcpdoc(["analyze", SAMPLE, "--max-input", "10KB"]), /holds more than 9\.8 KiB, the most tcpdoc reads of one input.*--max-input/);
    assert.equal(tcpdoc(["analyze", SAMPLE, "--max-input", "1MiB", "--json"]).status, 1);
    userError(tcpdoc(["analyze", SAMPLE, "--max-input", "lots"]), /--max-input takes a size such as 500MB or 4GiB, not "lots"/);
  });
  it("refuses a binary file with one line", () => {
    const bin = fs.existsSync("/bin/ls") ? "/bin/ls" : process.execPath;
    userError(tcpdoc(["analyze", bin]), /is a binary file \(a NUL byte at offset \d+\)/);
  });
  it("echoes a file name inertly", () => {
    const r = tcpdoc(["analyze", "no\x1b]52;c;eA==\x07such.txt"]);
    userError(r, /no\\x1b\]52;c;eA==\\x07such\.txt: no such file/);
    assert.doesNotMatch(r.stderr, /\x1b|\x07/);
  });
});

describe("rules and analyze", () => {
  it("--rules FILE loads that rule file", () => {
    const file = path.join(USER_RULES, "close-wait-leak.yaml");
    const r = tcpdoc(["analyze", SAMPLE, "--json", "--rules", file]);
    assert.equal(r.status, 1, r.stderr);
    const f = JSON.parse(r.stdout).findings.find((x: { rule: string }) => x.rule === "close-wait-leak");
    assert.equal(f.source, file);
  });
  it("a rule that does not validate stops analyze with exit 2 and its position", () => {
    const r = tcpdoc(["analyze", SAMPLE, "--rules", path.join(INVALID_RULES, "unknown-fact.yaml")]);
    userError(r, /unknown-fact\.yaml:6:13: Unknown fact "state"/);
    assert.equal(r.stdout, "");
    // a directory of several: the first, and how many more
    userError(tcpdoc(["analyze", SAMPLE, "--rules", INVALID_RULES]), /and \d+ more problems: 'tcpdoc rules validate' lists them/);
  });
  it("rules test DIR fails a rule without a test file, and says so", () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(USER_RULES, "ignore-health-checks.yaml"), path.join(dir, "ignore-health-checks.yaml"));
    const r = tcpdoc(["rules", "test", dir]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /no test file: write ignore-health-checks\.test\.yaml beside the rule/);
    assert.match(r.stdout, /^rules test: 0 passed, 1 failed$/m);
  });
  it("--min-severity says how many findings it hid, and the exit code follows what is shown", () => {
    const r = tcpdoc(["analyze", SAMPLE, "--min-severity", "critical"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /No findings at critical or worse; 2 findings below critical not shown/);
    assert.doesNotMatch(r.stdout, /nothing in this snapshot matches/);
    const j = JSON.parse(tcpdoc(["analyze", SAMPLE, "--min-severity", "critical", "--json"]).stdout);
    assert.deepEqual(j.hidden, { below: "critical", count: 2 });
    assert.equal(j.findings.length, 0);
    assert.equal(tcpdoc(["analyze", SAMPLE, "--min-severity", "warning"]).status, 1);
  });
});

describe("--json everywhere it makes sense", () => {
  it("formats, explain STATE, explain RULE-ID, rules list, validate and test print JSON", () => {
    const formats = JSON.parse(tcpdoc(["formats", "--json"]).stdout);
    assert.ok(formats.some((f: { format: string }) => f.format === "ss"));
    assert.equal(JSON.parse(tcpdoc(["explain", "close-wait", "--json"]).stdout).name, "CLOSE_WAIT");
    assert.equal(JSON.parse(tcpdoc(["explain", "close-wait-leak", "--json"]).stdout).id, "close-wait-leak");
    assert.ok(JSON.parse(tcpdoc(["rules", "list", "--json"]).stdout).length >= 18);
    const v = tcpdoc(["rules", "validate", "--json", path.join(INVALID_RULES, "unknown-fact.yaml")]);
    assert.equal(v.status, 2);
    const errors = JSON.parse(v.stdout).errors;
    assert.deepEqual({ ...errors[0], message: undefined, hint: undefined, file: path.basename(errors[0].file) }, {
      file: "unknown-fact.yaml", line: 6, column: 13, code: errors[0].code, message: undefined, hint: undefined,
    });
    assert.match(errors[0].message, /Unknown fact "state"/);
    const t = tcpdoc(["rules", "test", "--json", path.join(ROOT, "rules", "close-wait-leak.yaml")]);
    assert.equal(t.status, 0, t.stdout);
    const tr = JSON.parse(t.stdout);
    assert.ok(tr.passed > 0 && tr.failed === 0 && tr.cases.every((c: { ok: boolean }) => c.ok));
  });
});

describe("reports", () => {
  it("say where they came from: the tcpdoc version and the command line", () => {
    const text = tcpdoc(["analyze", SAMPLE]).stdout;
    assert.match(text, new RegExp(`^  run: tcpdoc analyze ${SAMPLE} \\(tcpdoc ${VERSION.replace(/\./g, "\\.")}\\)$`, "m"));
    const json = JSON.parse(tcpdoc(["analyze", SAMPLE, "--json"]).stdout);
    assert.deepEqual(json.provenance, { tool: { name: "tcpdoc", version: VERSION }, command: ["tcpdoc", "analyze", SAMPLE, "--json"] });
    const md = tcpdoc(["analyze", SAMPLE, "--format", "markdown"]).stdout;
    assert.ok(md.includes(`- Report by tcpdoc ${VERSION}: \`tcpdoc analyze ${SAMPLE} --format markdown\``), md.slice(0, 300));
  });
  it("show a snapshot file's header, and take host and time from it", () => {
    const dir = tempDir();
    const file = path.join(dir, "web1.tcpdoc");
    const rows = fs.readFileSync(path.join(ROOT, "samples/linux/close-wait-leak/proc-net-tcp.txt"), "utf8");
    fs.writeFileSync(file, `# tcpdoc snapshot v1 platform=linux host=web1 kernel=6.1.0 time=2024-05-01T10:00:00.000Z tcpdoc=0.1.0\n# source /proc/net/tcp\n${rows}# end\n`);
    const text = tcpdoc(["analyze", file]).stdout.replace(/\n +/g, " ");
    assert.match(text, /tcpdoc snapshot taken on web1 \(linux 6\.1\.0\) at 2024-05-01T10:00:00\.000Z by tcpdoc 0\.1\.0/);
    const json = JSON.parse(tcpdoc(["analyze", file, "--json"]).stdout);
    assert.equal(json.provenance.host, "web1");
    assert.equal(json.provenance.capturedAt, "2024-05-01T10:00:00.000Z");
    assert.deepEqual(json.inputs[0].capture, { platform: "linux", host: "web1", kernel: "6.1.0", time: "2024-05-01T10:00:00.000Z", tcpdoc: "0.1.0" });
  });
  it("call stdin 'stdin' in text, and keep '-' as its JSON path", () => {
    const input = fs.readFileSync(path.join(ROOT, SAMPLE), "utf8");
    const text = tcpdoc(["analyze", "-"], { input }).stdout;
    assert.match(text, /^tcpdoc: analysis of stdin$/m);
    assert.match(text, /^  stdin \(ss\): 602 lines/m);
    assert.equal(JSON.parse(tcpdoc(["analyze", "-", "--json"], { input }).stdout).inputs[0].path, "-");
  });
  it("make bidi and C1 control characters from the inputs visible in the text report", () => {
    // (C0 escape sequences never get this far: ingest drops them from every line)
    const r = tcpdoc(["analyze", "-"], { input: fs.readFileSync(path.join(ROOT, SAMPLE), "utf8") + "evil \u202e enil \u009b2J x\n" });
    assert.match(r.stdout, /stdin:603: evil \\u202e enil \\u009b2J x/);
    assert.doesNotMatch(r.stdout, /[\u202e\u009b]/);
  });
  it("--live FILE reads this machine and the log into one report", { skip: process.platform === "linux" ? false : "live /proc is Linux only" }, () => {
    const log = "samples/linux/connection-refused-no-listener/app.log";
    const r = tcpdoc(["analyze", "--live", "--no-owners", log, "--json"]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.live, true);
    assert.ok(j.inputs.some((i: { path: string }) => i.path === "live:/proc/net/tcp"));
    assert.ok(j.inputs.some((i: { path: string }) => i.path === log));
    assert.ok(Object.keys(j.summary.symptoms).length > 0);
    assert.ok(j.provenance.host && j.provenance.capturedAt, JSON.stringify(j.provenance));
    assert.match(tcpdoc(["analyze", "--live", "--no-owners", log]).stdout.replace(/\n(?=samples)/, " "), /^tcpdoc: live snapshot of this machine, with samples\/linux\/connection-refused-no-listener\/app\.log$/m);
  });
});

describe("snapshot --redact", () => {
  it("writes a snapshot with pseudonyms that analyze reads back", { skip: process.platform === "linux" ? false : "live /proc is Linux only" }, () => {
    const r = tcpdoc(["snapshot", "--redact"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# tcpdoc snapshot v1 platform=linux host=redacted-host /);
    const j = JSON.parse(tcpdoc(["analyze", "-", "--json"], { input: r.stdout }).stdout);
    assert.equal(j.provenance.host, "redacted-host");
    assert.ok(j.summary.sockets > 0);
    assert.equal(j.inputs[0].unparsed, 0);
  });
});

describe("colour", () => {
  const esc = /\x1b\[/;
  it("follows --color, FORCE_COLOR and NO_COLOR (NO_COLOR wins over FORCE_COLOR; the flag over both)", () => {
    assert.doesNotMatch(tcpdoc(["analyze", SAMPLE]).stdout, esc, "not a terminal");
    assert.match(tcpdoc(["analyze", SAMPLE], { env: { FORCE_COLOR: "1" } }).stdout, esc);
    assert.doesNotMatch(tcpdoc(["analyze", SAMPLE], { env: { FORCE_COLOR: "0" } }).stdout, esc);
    assert.doesNotMatch(tcpdoc(["analyze", SAMPLE], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }).stdout, esc);
    assert.match(tcpdoc(["analyze", SAMPLE, "--color=always"], { env: { NO_COLOR: "1" } }).stdout, esc);
    assert.doesNotMatch(tcpdoc(["analyze", SAMPLE, "--color", "never"], { env: { FORCE_COLOR: "1" } }).stdout, esc);
    assert.doesNotMatch(tcpdoc(["analyze", SAMPLE, "--no-color"], { env: { FORCE_COLOR: "1" } }).stdout, esc);
  });
});

describe("a reader that goes away", () => {
  it("leaves the exit code of the findings (EPIPE)", () => {
    // more JSON than a pipe holds (300 KB), with warnings: exit 1 even though head stops reading
    const files = fs.readdirSync(path.join(ROOT, "samples/linux"))
      .flatMap((d) => fs.readdirSync(path.join(ROOT, "samples/linux", d)).filter((f) => f.endsWith(".txt")).map((f) => `samples/linux/${d}/${f}`));
    const args = ["analyze", "--json", ...files].map((a) => `'${a}'`).join(" ");
    const r = spawnSync("bash", ["-c", `"${NODE}" bin/tcpdoc.js ${args} | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: "utf8", env: env() });
    assert.equal(r.stdout.trim(), "1", r.stderr);
    assert.equal(r.stderr, "");
  });
});

describe("Node and Deno", () => {
  it("print the same JSON and text reports for the same samples", () => {
    const samples = ["linux", "other", "windows", "macos", "freebsd"]
      .map((d) => path.join("samples", d))
      .filter((d) => fs.existsSync(path.join(ROOT, d)))
      .flatMap((d) => fs.readdirSync(path.join(ROOT, d), { recursive: true }).map((f) => path.join(d, String(f))))
      .filter((f) => /\.(txt|log)$/.test(f) && fs.statSync(path.join(ROOT, f)).isFile())
      .sort()
      .slice(0, 60);
    assert.ok(samples.length > 0);
    for (const format of ["json", "text", "markdown"]) {
      const a = tcpdoc(["analyze", "--format", format, ...samples], { env: { NO_COLOR: "1" } });
      const b = deno(["analyze", "--format", format, ...samples]);
      assert.equal(b.stderr, a.stderr);
      assert.equal(b.status, a.status);
      assert.equal(b.stdout, a.stdout);
    }
  });
});

describe("text report", () => {
  it("fits 80 columns when stdout is not a terminal, for every sample scenario", () => {
    const dirs = fs.readdirSync(path.join(ROOT, "samples", "linux")).map((d) => path.join("samples", "linux", d));
    for (const d of dirs) {
      const files = fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith(".txt") || f.endsWith(".log")).map((f) => path.join(d, f));
      const r = tcpdoc(["analyze", ...files]);
      assert.ok(r.status === 0 || r.status === 1, `${d}: ${r.stderr}`);
      for (const line of r.stdout.split("\n")) assert.ok([...line].length <= 80, `${d}: ${line.length} columns: ${line}`);
    }
  });
});
