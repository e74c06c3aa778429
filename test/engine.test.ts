// The rule engine: facts on real captures (exact numbers against the lab's
// awk oracle in expected.json), unknown-is-not-zero, three-valued evaluation,
// templates, exceptions, ranking, the generated docs, and analyze's JSON.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readInputs } from "../src/sources/mod.ts";
import {
  Diagnoser,
  engineDocs,
  FactContext,
  fillTemplate,
  loadRuleSet,
  rankFindings,
  type Rule,
  type RuleSet,
} from "../src/engine/mod.ts";
import type { Finding } from "../src/model/finding.ts";

/** Node, also when the tests run under Deno. */
const NODE = "Deno" in globalThis ? "node" : process.execPath;
const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const LAB = path.join(ROOT, "samples", "linux");
const lab = (scenario: string, ...files: string[]) => files.map((f) => path.join(LAB, scenario, f));
const expected = (scenario: string, file: string) =>
  JSON.parse(fs.readFileSync(path.join(LAB, scenario, "expected.json"), "utf8"))[file] as { sockets: number; states: Record<string, number> };

function facts(files: string[]): FactContext {
  return new FactContext(readInputs(files));
}
function get(c: FactContext, fact: string, params: Record<string, unknown> = {}) {
  return c.get(fact, params, undefined, {});
}

/** A rule built in the test, validated like any file. */
function rule(id: string, conditions: Record<string, unknown>, more: Partial<Rule> = {}): Rule {
  return { id, title: id, severity: "warning", conditions, source: "(test)", origin: "rules-dir", ...more };
}
function set(...rules: Rule[]): RuleSet {
  const base = loadRuleSet({ userRules: false });
  return { rules, conditions: base.conditions, errors: [], replaced: new Map() };
}
async function run(files: string[], rules: Rule[], answers: Record<string, unknown> = {}): Promise<Finding[]> {
  return await new Diagnoser(readInputs(files), set(...rules)).run(answers);
}

describe("facts on real captures", () => {
  for (const scenario of ["healthy", "close-wait-leak", "time-wait-port-exhaustion", "syn-flood", "last-ack-after-load-test"]) {
    it(`states matches the awk oracle for ${scenario}/ss-tan.txt`, () => {
      const want = expected(scenario, "ss-tan.txt");
      const st = get(facts(lab(scenario, "ss-tan.txt")), "states").value as Record<string, number>;
      assert.equal(st.TOTAL, want.sockets);
      for (const [s, n] of Object.entries(want.states)) assert.equal(st[s], n, s);
    });
  }
  it("group by local port finds the leaking server port", () => {
    const want = expected("close-wait-leak", "ss-tanp.txt").states.CLOSE_WAIT;
    const v = get(facts(lab("close-wait-leak", "ss-tanp.txt")), "group", { state: "CLOSE_WAIT", by: "local-port" }).value as {
      total: number; distinct: number; top: { key: string; count: number; share: number; listening: boolean };
    };
    assert.deepEqual([v.total, v.distinct, v.top.key, v.top.count, v.top.share, v.top.listening], [want, 1, "8080", want, 1, true]);
  });
  it("group by process reads ss -p owners", () => {
    const v = get(facts(lab("close-wait-leak", "ss-tanp.txt")), "group", { state: "CLOSE_WAIT", by: "process" }).value as { distinct: number; top: { key: string } };
    assert.equal(v.distinct, 1);
    assert.match(v.top.key, /^node \(pid \d+\)$/);
  });
  it("group by remote subnet gathers the load generator's addresses", () => {
    const c = facts(lab("last-ack-after-load-test", "ss-tan.txt"));
    const subnet = get(c, "group", { state: "LAST_ACK", by: "remote-subnet" }).value as { distinct: number; top: { key: string; count: number } };
    const hosts = get(c, "group", { state: "LAST_ACK", by: "remote-host" }).value as { distinct: number };
    assert.deepEqual([subnet.distinct, subnet.top.key, subnet.top.count, hosts.distinct], [1, "127.0.2.0/24", 300, 8]);
  });
  it("listeners reads the accept queue and backlog of ss LISTEN rows", () => {
    const file = lab("accept-queue-overflow", "ss-tan.txt")[0];
    const row = fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("LISTEN"))!.split(/\s+/);
    const v = get(facts([file]), "listeners").value as { count: number; full: number; maxRecvQ: number; top: { recvQ: number; backlog: number } };
    assert.deepEqual([v.count, v.top.recvQ, v.top.backlog, v.maxRecvQ], [1, Number(row[1]), Number(row[2]), Number(row[1])]);
    assert.equal(v.full, Number(row[1]) >= Number(row[2]) ? 1 : 0);
  });
  it("ephemeral uses the sysctl range and counts the TIME_WAIT toward one destination", () => {
    const tw = expected("time-wait-port-exhaustion", "ss-tan.txt").states.TIME_WAIT;
    const v = get(facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "sysctl.txt")), "ephemeral").value as {
      range: { low: number; high: number; size: number; source: string }; top: { key: string; count: number; timeWait: number; share: number };
    };
    assert.deepEqual(v.range, { low: 40000, high: 40999, size: 1000, source: "sysctl" });
    assert.deepEqual([v.top.key, v.top.count, v.top.timeWait, v.top.share], ["127.0.0.1 -> 127.0.0.1:8080", tw, tw, tw / 1000]);
  });
  it("ephemeral falls back to the Linux default range and says so", () => {
    const v = get(facts(lab("time-wait-port-exhaustion", "ss-tan.txt")), "ephemeral").value as { range: { size: number; source: string } };
    assert.deepEqual(v.range, { low: 32768, high: 60999, size: 28232, source: "default" });
  });
  it("counters, sysctls and symptoms come from nstat, sysctl and the app log", () => {
    const c = facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "nstat.txt", "sysctl.txt", "app.log"));
    const counters = get(c, "counters").value as Record<string, number>;
    assert.equal(typeof counters.TcpExtListenOverflows, "number");
    assert.equal((get(c, "sysctls").value as Record<string, unknown>)["net.ipv4.ip_local_port_range"], "40000 40999");
    assert.ok(((get(c, "symptoms").value as Record<string, number>).EADDRNOTAVAIL) > 0);
  });
  it("computes each fact once per params and shares it across rules", async () => {
    const d = new Diagnoser(readInputs(lab("close-wait-leak", "ss-tan.txt")), loadRuleSet({ userRules: false }));
    await d.run({});
    const first = d.facts.computed;
    await d.run({ "server-restarted": "yes" });
    assert.equal(d.facts.computed, first, "a second evaluation reuses every fact");
    const c = facts(lab("close-wait-leak", "ss-tan.txt"));
    get(c, "group", { state: "CLOSE_WAIT", by: "local-port" });
    get(c, "group", { by: "local-port", state: "CLOSE_WAIT" });
    assert.equal(c.computed, 1);
  });
});

describe("unknown is not zero", () => {
  it("group by process is unknown when the dump names no process", () => {
    const m = get(facts(lab("close-wait-leak", "ss-tan.txt")), "group", { state: "CLOSE_WAIT", by: "process" });
    assert.equal(m.value, null);
    assert.match(m.why!, /names no process/);
  });
  it("a live snapshot says whether the owner scan was skipped or found nobody", () => {
    const snap = readInputs(lab("close-wait-leak", "ss-tan.txt"));
    snap.live = true;
    const skipped = get(new FactContext(snap), "group", { state: "CLOSE_WAIT", by: "process" });
    assert.match(skipped.why!, /--no-owners/);
    snap.capture = { platform: "linux", host: "h", kernel: "k", time: "t", ownerScan: { processes: 3, unreadable: 0, unowned: 1 } };
    assert.match(get(new FactContext(snap), "group", { state: "CLOSE_WAIT", by: "process" }).why!, /as root/);
  });
  it("the listen backlog is unknown in netstat and /proc/net/tcp", () => {
    for (const f of ["netstat-nat.txt", "proc-net-tcp.txt"]) {
      const v = get(facts(lab("accept-queue-overflow", f)), "listeners").value as { full: unknown; maxFill: unknown; maxRecvQ: unknown };
      assert.equal(v.full, null, f);
      assert.equal(v.maxFill, null, f);
    }
  });
  it("counters and symptoms are unknown without nstat or a log, zero with them", () => {
    const bare = facts(lab("healthy", "ss-tan.txt"));
    assert.equal((get(bare, "counters").value as Record<string, number>).TcpExtListenOverflows, undefined);
    assert.equal((get(bare, "symptoms").value as Record<string, number>).EADDRINUSE, undefined);
    const full = facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "nstat.txt", "app.log"));
    assert.equal((get(full, "symptoms").value as Record<string, number>).EADDRINUSE, 0);
    assert.equal(typeof (get(full, "counters").value as Record<string, number>).TcpExtTCPReqQFullDrop, "number");
  });
  it("a state histogram has counts but no groups, queues or owners", () => {
    const c = facts([path.join(ROOT, "samples/other/engineio237-netstat-awk-state-histogram.txt")]);
    assert.equal((get(c, "states").value as Record<string, number>).CLOSE_WAIT, 710);
    assert.equal(get(c, "group", { state: "CLOSE_WAIT", by: "local-port" }).value, null);
    assert.equal((get(c, "queues").value as Record<string, unknown>).CLOSE_WAIT, null);
    assert.equal((get(c, "orphans").value as Record<string, unknown>).CLOSE_WAIT, null);
  });
  it("a state nobody is in counts zero even when queues are unknown elsewhere", () => {
    const q = get(facts(lab("healthy", "ss-tan.txt")), "queues").value as Record<string, { recvQ: number } | null>;
    assert.equal(q.CLOSE_WAIT!.recvQ, 0);
  });
});

describe("three-valued evaluation", () => {
  const cw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 1 };
  const noCounter = { fact: "counters", path: "$.TcpExtListenOverflows", operator: "greaterThan", value: 0 };
  const noCw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThan", value: 100000 };
  const files = lab("close-wait-leak", "ss-tan.txt");
  it("all(true, unknown) is a partial finding, one severity lower, listing what is missing", async () => {
    const [f] = await run(files, [rule("t-partial", { all: [cw, noCounter] }, { severity: "critical" })]);
    assert.equal(f.partial, true);
    assert.equal(f.severity, "warning");
    assert.equal(f.confidence, 0.4);
    assert.match(f.missing[0], /TcpExtListenOverflows.*nstat/);
    assert.ok(f.conditions.some((c) => c.unknown && c.fact === "counters"));
  });
  it("when_unknown keep and silent", async () => {
    const [k] = await run(files, [rule("t-keep", { all: [cw, noCounter] }, { when_unknown: "keep" })]);
    assert.equal(k.severity, "warning");
    assert.deepEqual(await run(files, [rule("t-silent", { all: [cw, noCounter] }, { when_unknown: "silent" })]), []);
  });
  it("all(false, unknown) is false", async () => {
    assert.deepEqual(await run(files, [rule("t-false", { all: [noCw, noCounter] })]), []);
  });
  it("not(unknown) stays unknown and raises nothing without support", async () => {
    assert.deepEqual(await run(files, [rule("t-not", { not: noCounter })]), []);
    assert.deepEqual(await run(files, [rule("t-any", { any: [noCounter, noCw] })]), []);
  });
  it("any(true, unknown) fires in full, and lists the unknown as missing", async () => {
    const [f] = await run(files, [rule("t-any-true", { any: [cw, noCounter] })]);
    assert.equal(f.partial, undefined);
    assert.equal(f.severity, "warning");
    assert.equal(f.missing.length, 1);
  });
  it("an answer becomes a fact; an unanswered question is not missing evidence", async () => {
    const ask = { fact: "answers", path: "$.restarted", operator: "equal", value: true };
    const r = rule("t-answer", { all: [cw, ask] }, { questions: [{ id: "restarted", text: "Restarted?", kind: "yes-no" }] });
    assert.deepEqual(await run(files, [r]), []);
    const [f] = await run(files, [r], { restarted: "yes" });
    assert.equal(f.questions[0].answer, true);
    assert.deepEqual(f.missing, []);
  });
  it("named conditions are expanded and their results reported", async () => {
    const [f] = await run(lab("syn-flood", "ss-tan.txt", "nstat.txt"), [
      rule("t-named", { all: [{ condition: "syn-queue-pressure" }] }),
    ]);
    assert.ok(f.conditions.some((c) => c.fact === "counters" && c.result === true));
  });
});

describe("exceptions", () => {
  const cw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 1 };
  it("a port exception hides the sockets from the rule's facts", async () => {
    const files = lab("close-wait-leak", "ss-tan.txt");
    assert.equal((await run(files, [rule("t-ex", { all: [cw] })])).length, 1);
    assert.deepEqual(await run(files, [rule("t-ex", { all: [cw] }, { exceptions: [{ local_ports: [8080] }] })]), []);
  });
  it("an address exception takes IPv4 CIDR, and all fields of one entry must match", async () => {
    const files = lab("close-wait-leak", "ss-tan.txt");
    assert.deepEqual(await run(files, [rule("t-cidr", { all: [cw] }, { exceptions: [{ remote_addresses: ["127.0.0.0/8"] }] })]), []);
    const both = { exceptions: [{ remote_addresses: ["127.0.0.0/8"], local_ports: [9999] }] };
    assert.equal((await run(files, [rule("t-and", { all: [cw] }, both)])).length, 1);
  });
});

describe("findings", () => {
  it("fillTemplate substitutes names and sections and evaluates nothing", () => {
    assert.equal(fillTemplate("{{a}} and {{b}}", { a: "1" }), "1 and {{b}}");
    assert.equal(fillTemplate("x{{#p}} port {{p}}{{/p}}.", { p: "80" }), "x port 80.");
    assert.equal(fillTemplate("x{{#p}} port {{p}}{{/p}}.", { p: "unknown" }, new Set(["p"])), "x.");
    assert.equal(fillTemplate("{{constructor}} {{__proto__}} ${1+1} {{a.b}}", {}), "{{constructor}} {{__proto__}} ${1+1} {{a.b}}");
  });
  it("ranks by severity, then confidence, then the size of the evidence", () => {
    const f = (rule: string, severity: Finding["severity"], confidence: number, n: number): Finding => ({
      rule, severity, confidence, title: rule, message: "", evidence: { figures: { n }, groups: [], sockets: [] },
      conditions: [], missing: [], questions: [], checks: [], fixes: [], references: [], tags: [], source: "",
    });
    const order = rankFindings([f("a", "info", 0.9, 1), f("b", "critical", 0.4, 1), f("c", "warning", 0.8, 5), f("d", "warning", 0.8, 50), f("e", "warning", 0.9, 1)]);
    assert.deepEqual(order.map((x) => x.rule), ["b", "e", "d", "c", "a"]);
  });
  it("example sockets carry their input file and line", async () => {
    const file = lab("close-wait-leak", "ss-tan.txt")[0];
    const [f] = (await new Diagnoser(readInputs([file]), loadRuleSet({ userRules: false })).run({})).filter((x) => x.rule === "close-wait-leak");
    const s = f.evidence.sockets[0];
    assert.equal(s.input, file);
    assert.match(fs.readFileSync(file, "utf8").split("\n")[s.line - 1], /CLOSE-WAIT/);
  });
  it("the healthy busy server raises nothing at warning or above in any format", async () => {
    const rules = loadRuleSet({ userRules: false });
    for (const f of ["ss-tan.txt", "ss-tanp.txt", "netstat-nat.txt", "proc-net-tcp.txt"]) {
      const files = lab("healthy", f, "nstat.txt", "sysctl.txt");
      const found = await new Diagnoser(readInputs(files), rules).run({});
      assert.deepEqual(found.filter((x) => x.severity !== "info").map((x) => x.rule), [], f);
    }
  });
});

describe("generated documentation", () => {
  for (const [rel, text] of Object.entries(engineDocs())) {
    it(`${rel} is up to date (node --import tsx scripts/gen-engine-docs.ts)`, () => {
      assert.equal(fs.readFileSync(path.join(ROOT, rel), "utf8"), text);
    });
  }
});

describe("tcpdoc analyze --json carries the findings", () => {
  it("from the sources", () => {
    const r = spawnSync(NODE, ["--import", "tsx", path.join(ROOT, "src/cli/entry.ts"), "analyze", "--json", "--no-user-rules",
      ...lab("accept-queue-overflow", "ss-tan.txt", "nstat.txt")], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: Finding[] };
    const f = out.findings.find((x) => x.rule === "accept-queue-overflow")!;
    assert.equal(f.severity, "critical");
    assert.equal(typeof f.title, "string");
    assert.ok(f.message.includes("127.0.0.1:8080"));
    assert.ok(f.checks.length && f.fixes.length && f.references.length);
  });
});
