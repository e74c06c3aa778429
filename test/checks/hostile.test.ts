// No rule text can make tcpdoc run a program. Rules that replace built-ins
// by id and rules in a --rules directory carry every destructive command the
// security review found (issue 11), as checks marked read_only, and probes
// that try to smuggle arguments. A live session opens every check, presses r
// and then y: nothing but catalogued probes may run, nothing is spawned on
// Linux, and no file or limit changes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import process from "node:process";
import { planCheck, PROBES } from "../../src/checks/mod.ts";
import { loadRuleSet } from "../../src/engine/mod.ts";
import { runProbe } from "../../src/sources/probes.ts";
import { realSession, sample, tick } from "../ui/_harness.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";
import { tempDir } from "../_temp.ts";

const TMP = tempDir("tcpdoc-hostile-");
const BIN = path.join(TMP, "bin");
const RULES = path.join(TMP, "rules");
const MARK = path.join(TMP, "ran.log");
const TARGET = path.join(TMP, "target.conf");
const TARGET_TEXT = "net.ipv4.tcp_syncookies = 0\n";

// Every program a hostile command names, as a stand-in that records being run.
const PROGRAMS = ["ss", "prlimit", "sysctl", "ip", "dmesg", "nstat", "cat", "sh", "watch", "ls", "grep", "lsof", "netstat", "ps", "nc", "ping", "tcpdump", "conntrack", "sleep", "wc", "awk", "sort", "head", "systemctl", "journalctl"];

const HOSTILE = [
  `prlimit sh -c 'echo pwned >> ${MARK}'`,
  `prlimit --pid ${process.pid} -n1:1`,
  "ss -K dst 127.0.0.1",
  `ss -D ${TARGET}`,
  "ss -N tcpdoc-hostile -tan",
  `sysctl --lo ${TARGET}`,
  `sysctl -ef ${TARGET}`,
  "sysctl --sys",
  `ip -batch ${TARGET}`,
  "dmesg --cl",
  "nstat -d 30",
  "cat /proc/../etc/shadow",
  "./ss -tan",
  `${BIN}/ss -tan`,
  `sh -c 'echo pwned >> ${MARK}'`,
];

function checksYaml(withProbe: boolean): string {
  return HOSTILE.map((c, i) => [
    `  - title: Hostile check ${i + 1}`,
    `    command: ${JSON.stringify(c)}`,
    "    look_for: nothing",
    "    read_only: true",
    "    platforms: [linux]",
    ...(withProbe && i % 3 === 0 ? ["    probe: { id: sockets, params: { state: close-wait } }"] : []),
  ].join("\n")).join("\n");
}

const CONDITIONS = `conditions:
  all:
    - fact: states
      path: $.CLOSE_WAIT
      operator: greaterThanInclusive
      value: 10`;

/** Spies on node:child_process (Node only: Deno's built-ins cannot be patched this way). */
function spyOnSpawn(): { calls: string[]; restore(): void } | undefined {
  if ("Deno" in globalThis) return undefined;
  const require = createRequire(import.meta.url);
  const cp = require("node:child_process");
  const mod = require("node:module");
  const calls: string[] = [];
  const names = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"];
  const saved = names.map((n) => cp[n]);
  for (const n of names) {
    const orig = cp[n];
    cp[n] = (...a: unknown[]) => {
      calls.push(`${n} ${JSON.stringify(a[0])}`);
      return orig(...a);
    };
  }
  mod.syncBuiltinESMExports();
  return {
    calls,
    restore() {
      names.forEach((n, i) => (cp[n] = saved[i]));
      mod.syncBuiltinESMExports();
    },
  };
}

let savedPath: string | undefined;
before(() => {
  fs.mkdirSync(BIN);
  fs.mkdirSync(RULES);
  for (const p of PROGRAMS) fs.writeFileSync(path.join(BIN, p), `#!/bin/sh\necho "$0 $*" >> ${MARK}\n`, { mode: 0o755 });
  fs.writeFileSync(TARGET, TARGET_TEXT);
  // A rule that replaces the built-in by id, one more in the same --rules directory.
  fs.writeFileSync(path.join(RULES, "close-wait-leak.yaml"), `id: close-wait-leak\ntitle: CLOSE_WAIT (hostile replacement)\nseverity: critical\n${CONDITIONS}\nchecks:\n${checksYaml(true)}\n`);
  fs.writeFileSync(path.join(RULES, "hostile-extra.yaml"), `id: hostile-extra\ntitle: Hostile extra rule\nseverity: warning\n${CONDITIONS}\nchecks:\n${checksYaml(false)}\n`);
  // Probes that try to smuggle arguments or programs: refused when the rules load.
  fs.writeFileSync(path.join(RULES, "hostile-probes.yaml"), `id: hostile-probes\ntitle: Hostile probes\nseverity: warning\n${CONDITIONS}\nchecks:
  - title: a
    look_for: b
    probe: { id: sockets, params: { peer: "127.0.0.1 -K" } }
  - title: c
    look_for: d
    probe: { id: "../../bin/sh", params: { argv: ["-c", "id"] } }
  - title: e
    look_for: f
    probe: { id: sysctls, params: { keys: ["kernel.core_pattern"] } }
  - title: g
    look_for: h
    probe: { id: fd-usage, params: { pid: "1; reboot" } }
`);
  savedPath = process.env.PATH;
  process.env.PATH = `${BIN}:${savedPath}`;
});

after(() => {
  process.env.PATH = savedPath;
});

function limits(): string {
  return fs.readFileSync(`/proc/${process.pid}/limits`, "utf8");
}

describe("hostile rules", () => {
  it("rules whose probes smuggle arguments or programs are refused when loaded", async () => {
    const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: [RULES], disabled: [], userRules: false }));
    assert.ok(!set.rules.some((r) => r.id === "hostile-probes"), "the rule with bad probes is not loaded");
    const msgs = set.errors.map((e) => e.message).join("\n");
    assert.match(msgs, /peer must be an IPv4 or IPv6/);
    assert.match(msgs, /unknown probe "\.\.\/\.\.\/bin\/sh"/);
    assert.match(msgs, /not in the list/);
    assert.match(msgs, /pid must be a process id/);
    assert.ok(set.rules.some((r) => r.id === "close-wait-leak" && r.title.includes("hostile")), "the replacement is loaded");
  });

  it("no hostile check plans anything but a catalogued probe that reads /proc", async () => {
    const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: [RULES], disabled: [], userRules: false }));
    const ids = new Set(PROBES.map((p) => p.id));
    let plans = 0;
    for (const r of set.rules.filter((r) => r.id === "close-wait-leak" || r.id === "hostile-extra")) {
      for (const c of r.checks ?? []) {
        const p = planCheck({ probe: c.probe, platforms: c.platforms ?? [] }, true, "linux", { top_port: 8080 });
        if (!p.ok) continue;
        plans++;
        assert.ok(ids.has(p.plan.probe.id));
        assert.equal(p.plan.action.kind, "read");
        assert.ok(!JSON.stringify(p.plan).includes(c.command ?? "\0"), "the command is not part of the plan");
      }
    }
    assert.equal(plans, 5, "only the checks that name a catalogued probe");
  });

  it("a live session runs every hostile check the user confirms: nothing is spawned and nothing changes", { timeout: 120_000 }, async () => {
    const spy = spyOnSpawn();
    const limitsBefore = limits();
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    snap.live = true;
    const probes: string[] = [];
    const s = await realSession({
      snap,
      ruleDirs: [RULES],
      platform: "linux",
      runCheck: (plan) => (probes.push(plan.probe.id), runProbe(plan, { timeoutMs: 10_000 })),
    }, { columns: 100, rows: 40 });
    try {
      for (const title of ["CLOSE_WAIT \\(hostile replacement\\)", "Hostile extra rule"]) {
        await s.until(new RegExp(title));
        // Open the finding: move to it in the list first.
        for (let i = 0; i < 10 && !new RegExp(`›\\S*\\s+${title}`).test(s.frame()); i++) await s.press("j");
        await s.press("\r");
        await s.until(/What is wrong/);
        await s.press("G", "g");
        await s.press("\r"); // the first check (the first item)
        for (let n = 0; n < HOSTILE.length; n++) {
          await s.until(new RegExp(`Check ${n + 1} of ${HOSTILE.length}`));
          await s.press("r");
          await tick(200);
          await s.press("y");
          await tick(150);
          const f = s.frame();
          if (/Run this probe/.test(f)) await s.press("n");
          for (let w = 0; w < 100 && /Running /.test(s.frame()); w++) await tick(50);
          await s.press("n"); // next check
        }
        await s.press("\x1b", "\x1b", "\x1b");
        await s.until(/Enter opens/);
        await s.press("g");
      }
    } finally {
      s.unmount();
      spy?.restore();
    }
    assert.ok(probes.length >= 5, `the probes ran: ${probes.join(", ")}`);
    assert.ok(probes.every((p) => p === "sockets"));
    assert.equal(fs.existsSync(MARK), false, fs.existsSync(MARK) ? fs.readFileSync(MARK, "utf8") : "");
    assert.equal(fs.readFileSync(TARGET, "utf8"), TARGET_TEXT);
    assert.deepEqual(fs.readdirSync(TMP).sort(), ["bin", "rules", "target.conf"]);
    assert.equal(limits(), limitsBefore, "no limit of this process changed");
    if (spy) assert.deepEqual(spy.calls, [], "nothing was spawned");
  });
});
