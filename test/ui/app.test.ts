// The guided session (src/ui) rendered with ink-testing-library, under Node
// and Deno: overview, walkthrough, answers that re-run diagnose(), checks and
// their probes, help, export, 80x24 frames and NO_COLOR. Inputs are real
// dumps from samples/.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { createElement } from "react";
import { render } from "ink-testing-library";
import { readInputs } from "../../src/sources/mod.ts";
import type { Finding } from "../../src/model/finding.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { App, type AppProps } from "../../src/ui/app.tsx";
import { feedOutput } from "../../src/checks/feed.ts";
import type { ProbePlan } from "../../src/checks/mod.ts";
import * as fs from "node:fs";
import { itemSpans, moveCursor } from "../../src/ui/hooks/use-doc-cursor.ts";
import { line } from "../../src/ui/lines.ts";
import { diffFindings, findingKey } from "../../src/ui/session.ts";
import { sessionEngine } from "../../src/ui/engine.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const sample = (...p: string[]) => path.join(ROOT, "samples", ...p);

const KEY = { enter: "\r", esc: "\x1b", down: "\x1b[B", up: "\x1b[A", tab: "\t", end: "G" } as const;
const tick = (ms = 60) => new Promise((r) => setTimeout(r, ms));

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
function plain(frame: string | undefined): string {
  return (frame ?? "").replace(ANSI, "");
}
/** Columns a line takes: every code point counts one (the UI prints no wide characters of its own). */
function columns(l: string): number {
  return [...l.replace(ANSI, "")].length;
}

/**
 * Findings shaped like the engine's, computed from the real snapshot, that
 * react to answers: `fd-limit-hit = yes` confirms the leak and adds a finding,
 * `= no` weakens it; `expected-pile = yes` rules the info finding out.
 */
function scriptedDiagnose(calls: Record<string, string>[]) {
  return (snap: Snapshot, answers: Record<string, string>): Promise<Finding[]> => {
    calls.push({ ...answers });
    const t = snap.sockets;
    let closeWait = 0;
    let port = 0;
    for (let i = 0; i < t.length; i++) {
      if (t.get(i).state === "CLOSE_WAIT") {
        closeWait++;
        port = t.localPort[i];
      }
    }
    const base = {
      conditions: [{ fact: "stateCount", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 50, factResult: closeWait, result: true }],
      missing: [],
      references: ["https://man7.org/linux/man-pages/man7/tcp.7.html"],
      tags: [],
    };
    const leak: Finding = {
      ...base,
      rule: "close-wait-leak",
      severity: "critical",
      confidence: answers["fd-limit-hit"] === "yes" ? 0.95 : answers["fd-limit-hit"] === "no" ? 0.6 : 0.8,
      title: `CLOSE_WAIT piles up on port ${port}`,
      message: `${closeWait} sockets wait in CLOSE_WAIT on local port ${port}: the peer closed, the application never called close().`,
      evidence: { figures: { "sockets in CLOSE_WAIT": closeWait }, groups: [{ by: "local port", key: String(port), count: closeWait }], sockets: [] },
      questions: [{ id: "fd-limit-hit", text: "Does the application log \"Too many open files\"?", kind: "yes-no" }],
      checks: [
        { title: "Count CLOSE_WAIT per process", command: "ss -tanp state close-wait", lookFor: "One process holding most of them.", readOnly: true, platforms: ["linux"], probe: { id: "sockets", params: { state: "close-wait" } } },
        { title: "Compare open files with the limit", command: "ls /proc/PID/fd | wc -l", lookFor: "A count near ulimit -n.", readOnly: true, platforms: ["linux"] },
      ],
      fixes: [{ title: "Close the socket when the peer closes", steps: ["Find where the code reads EOF and add close()."], caveats: ["A restart only buys time."] }],
      source: "rules/close-wait-leak.yaml",
    };
    const out: Finding[] = [
      {
        ...base,
        rule: "close-wait-info",
        severity: "info",
        confidence: 0.5,
        title: "Some sockets are half-closed",
        message: "Half-closed sockets are normal in small numbers.",
        evidence: { figures: {}, groups: [], sockets: [] },
        questions: [{ id: "expected-pile", text: "Is this pile expected?", kind: "yes-no" }],
        checks: [],
        fixes: [],
        source: "rules/close-wait-info.yaml",
      },
      leak,
    ];
    if (answers["expected-pile"] === "yes") out.shift();
    if (answers["fd-limit-hit"] === "yes") {
      out.push({
        ...base,
        rule: "fd-exhaustion",
        severity: "warning",
        confidence: 0.9,
        title: "The process runs out of file descriptors",
        message: "Leaked sockets use up the descriptor limit.",
        evidence: { figures: {}, groups: [], sockets: [] },
        questions: [],
        checks: [],
        fixes: [],
        source: "rules/fd-exhaustion.yaml",
      });
    }
    return Promise.resolve(out);
  };
}

async function session(over: Partial<AppProps> = {}, rows = 24) {
  const snap = over.snap ?? readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
  const calls: Record<string, string>[] = [];
  const diagnose = over.diagnose ?? scriptedDiagnose(calls);
  const findings = over.findings ?? await diagnose(snap, {});
  let quit = 0;
  const r = render(createElement(App, {
    snap,
    findings,
    diagnose,
    color: false,
    size: { columns: 80, rows },
    onQuit: () => quit++,
    ...over,
  }));
  await tick();
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  const frame = () => plain(r.lastFrame());
  /** Waits (up to 3 s: ink throttles frames, and machines get busy) for a frame matching `re`. */
  const until = async (re: RegExp, what = String(re)): Promise<string> => {
    const end = Date.now() + 3000;
    while (!re.test(frame())) {
      if (Date.now() > end) assert.fail(`no frame matched ${what}; last frame:\n${frame()}`);
      await tick(20);
    }
    return frame();
  };
  return { ...r, calls, press, snap, quits: () => quit, frame, until };
}

function assertFits(frame: string, what: string) {
  const lines = frame.split("\n");
  assert.ok(lines.length <= 23, `${what}: ${lines.length} lines, more than 23`);
  for (const l of lines) assert.ok(columns(l) <= 80, `${what}: a line is ${columns(l)} columns: ${JSON.stringify(l)}`);
}

describe("App overview", () => {
  it("App shows the worst finding first, selected, on the first screen", async () => {
    const s = await session();
    const f = s.frame();
    const crit = f.indexOf("CRIT  CLOSE_WAIT piles up on port 8080");
    const info = f.indexOf("INFO  Some sockets are half-closed");
    assert.ok(crit > 0, f);
    assert.ok(info > crit, "critical finding listed before the info one");
    assert.match(f, /› ?CRIT/);
    assert.match(f, /TCP sockets: 601/);
    assert.match(f, /CLOSE_WAIT +300/);
    assert.match(f, /ss-tanp\.txt/);
    s.unmount();
  });

  it("App says so when nothing matches", async () => {
    const s = await session({ findings: [], diagnose: () => Promise.resolve([]) });
    assert.match(s.frame(), /No findings/);
    s.unmount();
  });
});

/** The real engine over the built-in rules, counting its runs. */
async function realEngine() {
  const engine = await sessionEngine(ruleLoadOptions({ userRules: false }));
  const calls: Record<string, string>[] = [];
  const diagnose = (snap: Snapshot, answers: Record<string, string>) => {
    calls.push({ ...answers });
    return engine.diagnose(snap, answers);
  };
  return { diagnose, calls, rules: engine.rules };
}

describe("App with the real engine and rules", () => {
  it("App puts the critical finding of a real dump first", async () => {
    const e = await realEngine();
    const snap = readInputs([sample("linux", "accept-queue-overflow", "ss-tan.txt")]);
    const s = await session({ snap, diagnose: e.diagnose, rules: e.rules });
    const f = s.frame();
    const rows = f.split("\n").filter((l) => /^.(CRIT|WARN|INFO) /.test(l));
    assert.ok(rows.length >= 1, f);
    assert.match(rows[0], /^›CRIT  /, "the worst finding is first and selected");
    assert.match(rows[0], /accept queue|Accept queue|backlog/i);
    s.unmount();
  });

  it("App walks a real finding: what, why, evidence, the rule's checks with commands, fixes with caveats", async () => {
    const e = await realEngine();
    const snap = readInputs([sample("linux", "time-wait-blocks-restart", "ss-tan.txt")]);
    const s = await session({ snap, diagnose: e.diagnose, rules: e.rules }, 120);
    await s.press(KEY.enter);
    const f = await s.until(/What is wrong/);
    for (const part of ["WARNING", "time-wait-blocks-restart", "Why we think so", "Evidence", "Questions", "Checks", "Fixes", "caveat:"]) {
      assert.ok(f.includes(part), `walkthrough shows ${part}:\n${f}`);
    }
    assert.match(f, /\$ ss -tan state time-wait/);
    assert.match(f, /SO_REUSEADDR/);
    assert.match(f, /Did the service fail to start again/);
    s.unmount();
  });

  it("App re-runs the real rules when a question is answered: the finding is confirmed", async () => {
    const e = await realEngine();
    const snap = readInputs([sample("linux", "time-wait-blocks-restart", "ss-tan.txt")]);
    const s = await session({ snap, diagnose: e.diagnose, rules: e.rules }, 60);
    assert.equal(e.calls.length, 1);
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    await s.until(/› +\? Did the service fail/); // the first item, selected from the start
    await s.press(KEY.enter);
    await s.until(/› yes/);
    await s.press("y");
    const f = await s.until(/CRITICAL/);
    assert.equal(e.calls.length, 2, "diagnose ran again");
    assert.deepEqual(e.calls[1], { "restart-failed": "yes" });
    assert.match(f, /confidence \d+% \(was 63%\)/);
    assert.match(f, /\[yes\]/);
    assert.match(f, /restart-failed = yes: time-wait-blocks-restart: warning 63% -> critical \d+%/);
    await s.press(KEY.esc);
    const o = await s.until(/CRIT /);
    assert.match(o, /▲/);
    s.unmount();
  });

  it("App lists the loaded rules with where they came from", async () => {
    const e = await realEngine();
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    const s = await session({ snap, diagnose: e.diagnose, rules: e.rules });
    await s.press(KEY.tab, KEY.tab);
    const f = await s.until(/\[Rules\]/);
    assert.match(f, /Rules \(\d+\)/);
    assert.match(f, /built-in/);
    assert.match(f, /\* close-wait-leak/);
    assertFits(f, "rules view");
    s.unmount();
  });
});

// Behaviour the built-in rules do not show on the samples yet (an answer that
// rules a finding out or adds one): driven by scripted findings.
describe("App walkthrough", () => {
  it("App opens the top finding's walkthrough with Enter: what, why, evidence, checks and fixes", async () => {
    const s = await session({}, 80);
    await s.press(KEY.enter);
    const f = await s.until(/What is wrong/);
    for (const part of ["CRITICAL", "What is wrong", "Why we think so", "Evidence", "Questions", "Checks", "Fixes"]) {
      assert.ok(f.includes(part), `walkthrough shows ${part}:\n${f}`);
    }
    assert.match(f, /\$ ss -tanp state close-wait/);
    assert.match(f, /caveat: A restart only buys time\./);
    assert.match(f, /300 sockets wait in CLOSE_WAIT on local port 8080/);
    // The tab bar marks the finding, not the Overview it came from.
    assert.match(f.split("\n")[0], /^ tcpdoc  Overview ›\[Finding \S+\]/);
    s.unmount();
  });

  it("App re-runs diagnose() when a question is answered and shows what changed", async () => {
    const s = await session({}, 80);
    assert.equal(s.calls.length, 1);
    await s.press(KEY.enter); // open the leak
    await s.until(/What is wrong/);
    await s.press(KEY.enter); // the question is the first item
    await s.until(/› yes/);
    await s.press("y");
    const f = await s.until(/new finding/);
    assert.equal(s.calls.length, 2, "diagnose ran again");
    assert.deepEqual(s.calls[1], { "fd-limit-hit": "yes" });
    assert.match(f, /confidence 95% \(was 80%\)/);
    assert.match(f, /\[yes\]/);
    assert.match(f, /new finding:\s+fd-exhaustion/);
    await s.press(KEY.esc);
    const o = await s.until(/WARN/);
    assert.match(o, /WARN  The process runs out of file descriptors/);
    assert.match(o, /95% ▲/);
    s.unmount();
  });

  it("App marks a finding ruled out when an answer removes it", async () => {
    const s = await session({}, 80);
    await s.press(KEY.down);
    await s.until(/› ?INFO/);
    await s.press(KEY.enter); // the info finding is second
    await s.until(/INFO  close-wait-info/);
    await s.press(KEY.enter);
    await s.until(/› yes/);
    await s.press("y");
    await s.until(/RULED OUT/);
    await s.press(KEY.esc);
    await s.until(/Some sockets are half-closed +ruled out/);
    s.unmount();
  });

  it("App takes a typed answer for a number question and re-runs diagnose() with it", async () => {
    const calls: Record<string, string>[] = [];
    const base = scriptedDiagnose(calls);
    const diagnose = async (sn: Snapshot, a: Record<string, string>) =>
      (await base(sn, a)).map((f) =>
        f.rule === "close-wait-leak" ? { ...f, questions: [{ id: "fd-limit", text: "What is the process's open-files limit (ulimit -n)?", kind: "number" as const }] } : f
      );
    const s = await session({ diagnose }, 60);
    await s.press(KEY.enter);
    await s.until(/› +\? What is the process's open-files limit/);
    await s.press(KEY.enter);
    await s.until(/> _/);
    await s.press("x");
    await s.until(/> x_/);
    await s.press(KEY.enter);
    await s.until(/type a number/);
    await s.press("\x7f", "1", "0", "2", "4");
    await s.until(/> 1024_/);
    await s.press(KEY.enter);
    await s.until(/\[1024\]/);
    assert.deepEqual(calls.at(-1), { "fd-limit": "1024" });
    s.unmount();
  });

  it("App marks steps done and moves through checks step by step", async () => {
    const s = await session({}, 80);
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    await s.press(KEY.down); // the first check
    await s.until(/› +\[ \] 1\. Count/);
    await s.press("x");
    await s.until(/\[x\] 1\. Count CLOSE_WAIT per process/);
    await s.press(KEY.enter);
    const f = await s.until(/Check 1 of 2/);
    assert.match(f, /Not run by tcpdoc: probes run in a live session only/);
    await s.press("n");
    await s.until(/Check 2 of 2/);
    assert.match(s.frame(), /ls \/proc\/PID\/fd \| wc -l/);
    await s.press(KEY.esc);
    await s.until(/What is wrong/);
    await s.press(KEY.esc);
    await s.until(/CRIT  CLOSE_WAIT/);
    s.unmount();
  });

  it("App runs a check's probe in a live session only after the confirmation, which shows exactly what it does", async () => {
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    snap.live = true;
    const plans: ProbePlan[] = [];
    const runCheck = (plan: ProbePlan) => {
      plans.push(plan);
      return Promise.resolve({ status: "done" as const, exitCode: null, output: "TCP: inuse 3 orphan 0 tw 0 alloc 3 mem 1\nnet.ipv4.tcp_fin_timeout = 17\n", truncated: false, ms: 3 });
    };
    const s = await session({ snap, runCheck, platform: "linux" }, 40);
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    await s.press(KEY.down);
    await s.until(/› +\[ \] 1\./);
    await s.press(KEY.enter);
    await s.until(/r: run the probe here/);
    assert.match(s.frame(), /Probe +sockets state=CLOSE_WAIT/);
    assert.match(s.frame(), /\/proc\/net\/tcp6/);
    await s.press("r");
    let f = await s.until(/Run this probe on this machine\?/);
    assert.match(f, /probe: sockets state=CLOSE_WAIT/);
    assert.match(f, /reads \(nothing is run\):/);
    assert.match(f, /y: run it/);
    await tick(150);
    await s.press("n");
    await s.until(/^(?![\s\S]*Run this probe)/);
    await s.press("r");
    await s.until(/Run this probe/);
    await tick(150);
    await s.press("y");
    f = await s.until(/Output of sockets/);
    assert.equal(plans.length, 1);
    assert.equal(plans[0].probe.id, "sockets");
    assert.deepEqual(plans[0].params, { state: "CLOSE_WAIT" });
    assert.match(f, /TCP: inuse 3/);
    assert.match(f, /\[x\] done/, "running a check marks it done");
    assert.match(f, /read back .*1 sysctls/);
    s.unmount();
  });

  it("App takes no y that arrived with the r that opened the confirmation (typed ahead, pasted or a terminal reply)", async () => {
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    snap.live = true;
    let runs = 0;
    const runCheck = () => (runs++, Promise.resolve({ status: "done" as const, exitCode: null, output: "x\n", truncated: false, ms: 1 }));
    const s = await session({ snap, runCheck, platform: "linux" }, 40);
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    await s.press(KEY.down);
    await s.until(/› +\[ \] 1\./);
    await s.press(KEY.enter);
    await s.until(/r: run the probe here/);
    s.stdin.write("ry");
    await s.until(/Run this probe/);
    s.stdin.write("y"); // at once: before anyone could read the box
    await tick(200);
    assert.equal(runs, 0, "nothing ran");
    assert.match(s.frame(), /Run this probe/);
    s.unmount();
  });

  it("App says how to run a check when r is pressed in the finding list", async () => {
    const s = await session();
    await s.press("r");
    await s.until(/r runs a check: open this finding with Enter/);
    s.unmount();
  });
});

describe("App keys and views", () => {
  it("App shows help on ? and closes it with Esc", async () => {
    const s = await session();
    await s.press("?");
    await s.until(/Keys/);
    assert.match(s.frame(), /Esc +Backspace +back/);
    await s.press(KEY.esc);
    await s.until(/CRIT  CLOSE_WAIT/);
    s.unmount();
  });

  it("App switches views with Tab: states with counts, rules, input lines, back to the overview", async () => {
    const s = await session();
    await s.press(KEY.tab);
    const f = await s.until(/\[States\]/);
    assert.match(f, /CLOSE_WAIT 300/);
    await s.press(KEY.enter);
    await s.until(/(CLOSE_WAIT|FIN_WAIT_2): 300 sockets here/);
    assert.match(s.frame(), /Who +The/);
    await s.press(KEY.esc);
    await s.until(/pick a state/);
    await s.press(KEY.tab);
    await s.until(/\[Rules\][\s\S]*close-wait-leak/);
    await s.press(KEY.tab);
    await s.until(/\[Input\][\s\S]*Lines not understood: 0/);
    await s.press(KEY.tab);
    await s.until(/\[Overview\]/);
    s.unmount();
  });

  it("App filters a list with /: as typed, Enter keeps it, Esc clears it", async () => {
    const s = await session();
    await s.press(KEY.tab);
    await s.press(KEY.tab);
    await s.until(/\[Rules\][\s\S]*close-wait-leak/);
    await s.press("/");
    for (const c of "info") await s.press(c);
    const f = await s.until(/\/info_[\s\S]*/);
    assert.match(f, /close-wait-info/);
    assert.doesNotMatch(f, /close-wait-leak/);
    await s.press(KEY.enter);
    await tick();
    assert.match(s.frame(), /close-wait-info/);
    assert.doesNotMatch(s.frame(), /close-wait-leak/);
    await s.press(KEY.esc);
    await s.until(/close-wait-leak/);
    s.unmount();
  });

  it("App quits on q", async () => {
    const s = await session();
    await s.press("q");
    for (let i = 0; i < 100 && s.quits() === 0; i++) await tick(20);
    assert.equal(s.quits(), 1);
    s.unmount();
  });

  it("App exports the session as Markdown with answers and steps", async () => {
    let written: { file: string; text: string } | undefined;
    const provenance = { tool: { name: "tcpdoc" as const, version: "9.9.9" }, command: ["tcpdoc", "analyze", "ss.txt"], host: "web1", capturedAt: "2024-05-01T10:00:00.000Z" };
    const s = await session({ writeExport: (file, text) => void (written = { file, text }), exportPath: "/home/u/tcpdoc-session.md", provenance }, 80);
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    await s.press(KEY.enter);
    await s.until(/› yes/);
    await s.press("y");
    await s.until(/\[yes\]/);
    await s.press(KEY.down);
    await s.until(/› +\[ \] 1\. Count/);
    await s.press("x");
    await s.until(/\[x\] 1\. Count/);
    await s.press("e");
    await s.until(/Export the session as Markdown/);
    await s.press(KEY.enter);
    await s.until(/saved the session to/);
    assert.ok(written, "the export was written");
    assert.equal(written.file, "/home/u/tcpdoc-session.md");
    assert.match(written.text, /^# tcpdoc session/);
    assert.match(written.text, /^- Captured on web1 at 2024-05-01T10:00:00\.000Z$/m);
    assert.match(written.text, /^- Report by tcpdoc 9\.9\.9: `tcpdoc analyze ss\.txt`$/m);
    assert.match(written.text, /### CRITICAL: CLOSE_WAIT piles up on port 8080/);
    assert.match(written.text, /\| Does the application log "Too many open files"\? \(`fd-limit-hit`\) \| yes \|/);
    assert.match(written.text, /- \[x\] Check: Count CLOSE\\_WAIT per process/);
    assert.match(written.text, /- \[ \] Fix: Close the socket when the peer closes/);
    s.unmount();
  });
});

describe("App in 80x24", () => {
  it("App keeps every frame within 80 columns and 23 lines", async () => {
    const s = await session();
    assertFits(s.frame(), "overview");
    await s.press(KEY.enter);
    assertFits(await s.until(/What is wrong/), "walkthrough");
    for (let i = 0; i < 12; i++) await s.press(KEY.down);
    assertFits(await s.until(/Fixes/), "walkthrough scrolled");
    await s.press("?");
    assertFits(await s.until(/Keys/), "help");
    await s.press(KEY.esc);
    await s.until(/Fixes/);
    await s.press(KEY.up);
    await s.until(/› +\[ \] 2\. Compare/);
    await s.press(KEY.enter);
    assertFits(await s.until(/Check 2 of 2/), "check");
    await s.press(KEY.esc);
    await s.until(/Fixes/);
    await s.press(KEY.tab);
    assertFits(await s.until(/\[States\]/), "states");
    await s.press(KEY.tab);
    assertFits(await s.until(/\[Rules\]/), "rules");
    s.unmount();
  });

  it("App scrolls long walkthroughs: the checks and fixes come into view", async () => {
    const s = await session();
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    assert.doesNotMatch(s.frame(), /Fixes/);
    assert.match(s.frame(), /▼/);
    for (let i = 0; i < 10; i++) await s.press(KEY.down);
    await s.until(/Fixes/);
    s.unmount();
  });

  it("App fits a real dump from another OS too (Windows netstat, localized)", async () => {
    const snap = readInputs([sample("windows", "zch-blog-netstat-ano-zh.txt")]);
    const s = await session({ snap, findings: [], diagnose: () => Promise.resolve([]) });
    assertFits(s.frame(), "overview of a Windows dump");
    s.unmount();
  });
});

describe("App shows outside text inert", () => {
  it("App shows a finding and check whose text holds escape sequences as visible escapes, never raw", async () => {
    const osc = "\x1b]52;c;?\x07";
    const base = scriptedDiagnose([]);
    const diagnose = async (sn: Snapshot, a: Record<string, string>) =>
      (await base(sn, a)).map((f) => ({ ...f, title: `${f.title} ${osc}`, checks: f.checks.map((c) => ({ ...c, title: `${c.title} ${osc}`, command: `${c.command} \u009b2J` })) }));
    const s = await session({ diagnose, color: true }, 40);
    const frames = [s.lastFrame() ?? ""];
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    frames.push(s.lastFrame() ?? "");
    await s.press(KEY.down);
    await s.until(/› +\[ \] 1\./);
    await s.press(KEY.enter);
    await s.until(/Check 1 of 2/);
    frames.push(s.lastFrame() ?? "");
    for (const f of frames) {
      assert.ok(!f.includes("\x1b]") && !f.includes("\x07") && !f.includes("\u009b"), "no raw OSC, BEL or C1 reaches the terminal");
    }
    assert.match(plain(frames[2]), /\\x1b\]52;c;\?\\x07/);
    s.unmount();
  });
});

describe("App colour", () => {
  it("App prints no escape codes when colour is off (NO_COLOR)", async () => {
    const s = await session({ color: false });
    const frames: string[] = [s.lastFrame() ?? ""];
    await s.press(KEY.enter);
    await s.until(/What is wrong/);
    frames.push(s.lastFrame() ?? "");
    await s.press(KEY.tab);
    await s.until(/\[States\]/);
    frames.push(s.lastFrame() ?? "");
    for (const f of frames) assert.ok(!f.includes("\x1b"), "no escape codes");
    s.unmount();
  });

  it("App colours when colour is on and the terminal supports it", async () => {
    const chalk = (await import("chalk")).default;
    const level = chalk.level;
    chalk.level = 1;
    try {
      const s = await session({ color: true });
      const f = s.lastFrame() ?? "";
      assert.ok(f.includes("\x1b["), "escape codes present");
      const row = f.split("\n").find((l) => l.includes("CLOSE_WAIT piles up"))!;
      assert.ok(row.includes("\x1b[7m"), "the selected finding is an inverse bar");
      s.unmount();
    } finally {
      chalk.level = level;
    }
  });
});

describe("check output read back", () => {
  it("feedOutput() adds the sysctls and counters a check printed to the snapshot", () => {
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    snap.live = true;
    const inputs = snap.inputs.length;
    const sysctl = fs.readFileSync(sample("linux", "close-wait-leak", "sysctl.txt"), "utf8");
    const fed = feedOutput(snap, "sysctl -a", sysctl);
    assert.ok(fed.added);
    assert.ok(fed.sysctls > 0);
    assert.equal(snap.inputs.length, inputs + 1);
    assert.equal(snap.inputs.at(-1)!.path, "check: sysctl -a");
    assert.ok(snap.sysctls.size >= fed.sysctls);
    const sockets = snap.sockets.length;
    const ss = fs.readFileSync(sample("linux", "close-wait-leak", "ss-tan.txt"), "utf8");
    const again = feedOutput(snap, "ss -tan", ss);
    assert.equal(again.added, false, "socket rows are already in the live table");
    assert.ok(again.sockets > 0);
    assert.equal(snap.sockets.length, sockets);
    assert.equal(snap.inputs.length, inputs + 1);
  });
});

describe("keys", () => {
  it("App moves once per j even when several arrive in one read (key repeat)", async () => {
    const e = await realEngine();
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    const s = await session({ snap, diagnose: e.diagnose, rules: e.rules });
    await s.until(/›WARN  CLOSE_WAIT/);
    s.stdin.write("jj");
    await s.until(/› ?WARN  FIN_WAIT_2/);
    s.unmount();
  });
});

describe("session model", () => {
  it("diffFindings() names new, ruled-out, confirmed and weakened findings", async () => {
    const snap = readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
    const d = scriptedDiagnose([]);
    const before = await d(snap, {});
    const after = await d(snap, { "fd-limit-hit": "yes", "expected-pile": "yes" });
    const kinds = diffFindings(before, after).map((c) => `${c.kind} ${c.rule}`).sort();
    assert.deepEqual(kinds, ["confirmed close-wait-leak", "new fd-exhaustion", "ruled-out close-wait-info"]);
    assert.equal(findingKey(before[1]), "close-wait-leak|8080");
  });

  it("moveCursor() scrolls a page before skipping unread text", () => {
    const lines = [line("q"), ...Array.from({ length: 30 }, () => line("text")), line("check")];
    lines[0].item = 0;
    lines[31].item = 1;
    const spans = itemSpans(lines);
    let c = { sel: 0, top: 0 };
    c = moveCursor(c, spans, lines.length, 10, "down");
    assert.deepEqual(c, { sel: 0, top: 9 });
    c = moveCursor(c, spans, lines.length, 10, "down");
    assert.deepEqual(c, { sel: 0, top: 18 });
    c = moveCursor(c, spans, lines.length, 10, "down");
    assert.deepEqual(c, { sel: 1, top: 22 }, "selects the item the page brought into view");
    c = moveCursor(c, spans, lines.length, 10, "up");
    assert.deepEqual(c, { sel: 1, top: 13 }, "scrolls back before selecting the item a page away");
  });
});
