import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { redactCapture, renderSnapshotFile, snapshotFromTexts, type LiveCapture } from "../../src/ingest/mod.ts";
import { decodeProcAddress } from "../../src/ingest/formats/proc_net_tcp.ts";
import { Diagnoser } from "../../src/engine/mod.ts";
import type { Finding } from "../../src/model/finding.ts";
import { builtinRules, LAB, ROOT } from "../engine/_helpers.ts";

/** A seeded generator, so a failure can be seen again. */
function seeded(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const read = (...p: string[]) => fs.readFileSync(path.join(...p), "utf8");

/** A Linux capture as `tcpdoc snapshot` makes it, from a lab scenario's /proc files, each socket owned by a made-up process. */
function linuxCapture(scenario: string): LiveCapture {
  const dir = path.join(LAB, scenario);
  const sources = ["proc-net-tcp.txt", "proc-net-tcp6.txt"]
    .filter((f) => fs.existsSync(path.join(dir, f)))
    .map((f) => ({ path: f === "proc-net-tcp.txt" ? "/proc/net/tcp" : "/proc/net/tcp6", text: read(dir, f) }));
  if (fs.existsSync(path.join(dir, "sysctl.txt"))) sources.push({ path: "/proc/sys", text: read(dir, "sysctl.txt") });
  const owners = new Map<number, { pid: number; comm: string }>();
  for (const s of sources) {
    for (const line of s.text.split("\n")) {
      const f = line.trim().split(/\s+/);
      if (/^\d+:$/.test(f[0]) && Number(f[9]) > 0) owners.set(Number(f[9]), { pid: 4000 + (Number(f[9]) % 7), comm: `secret-app-${Number(f[9]) % 7}` });
    }
  }
  return { capture: { platform: "linux", host: "db-prod-7.example.com", kernel: "6.1.0", time: "2024-05-01T10:00:00.000Z" }, sources, owners };
}

/** The rows of /proc socket tables: local and remote (address, port), uid. */
function procRows(text: string): { local: [string, number]; remote: [string, number]; state: string; uid: string }[] {
  const out = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (!/^\d+:$/.test(f[0]) || f.length < 10) continue;
    const ep = (s: string): [string, number] => [decodeProcAddress(s.split(":")[0])!, parseInt(s.split(":")[1], 16)];
    out.push({ local: ep(f[1]), remote: ep(f[2]), state: f[3], uid: f[7] });
  }
  return out;
}

const kept = (a: string) => /^(0\.0\.0\.0|::|::1|127\.|::ffff:127\.|::ffff:0\.0\.0\.0)/.test(a);

/** What must not change: which rules fire, how sure they are, their figures that are counts and shares, and the summary. */
async function outcome(text: string) {
  const snap = snapshotFromTexts([{ path: "snap.tcpdoc", text }]);
  const findings: Finding[] = await new Diagnoser(snap, await builtinRules()).run();
  const figures = (f: Finding) =>
    Object.fromEntries(Object.entries(f.evidence?.figures ?? {}).filter(([, v]) => typeof v === "number"));
  return {
    sockets: snap.sockets.length,
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, confidence: f.confidence, partial: f.partial, figures: figures(f) })),
  };
}

const scenarios = fs.readdirSync(LAB).filter((d) => fs.existsSync(path.join(LAB, d, "proc-net-tcp.txt"))).sort();

test("a redacted Linux snapshot keeps no original address, port, uid, process or host name", () => {
  assert.ok(scenarios.length > 20);
  for (const scenario of scenarios) {
    const c = linuxCapture(scenario);
    const red = redactCapture(c, seeded(scenario.length));
    const text = renderSnapshotFile(red, "0.1.0");
    const before = c.sources.filter((s) => s.path.startsWith("/proc/net/tcp")).flatMap((s) => procRows(s.text));
    const after = red.sources.filter((s) => s.path.startsWith("/proc/net/tcp")).flatMap((s) => procRows(s.text));
    assert.equal(after.length, before.length, scenario);
    const originals = new Set(before.flatMap((r) => [r.local[0], r.remote[0]]).filter((a) => !kept(a)));
    const listening = new Set(before.filter((r) => r.state === "0A").map((r) => r.local[1]));
    const kepts = (p: number) => p < 1024 || listening.has(p);
    before.forEach((r, i) => {
      const a = after[i];
      for (const [o, n] of [[r.local, a.local], [r.remote, a.remote]]) {
        if (kept(o[0])) assert.equal(n[0], o[0], `${scenario}: ${o[0]} is kept`);
        else assert.ok(!originals.has(n[0]), `${scenario}: ${o[0]} became ${n[0]}, an original address`);
        if (kepts(o[1])) assert.equal(n[1], o[1]);
        else assert.notEqual(n[1], o[1], `${scenario}: port ${o[1]} kept`);
      }
      if (r.uid !== "0") assert.notEqual(a.uid, r.uid);
    });
    assert.ok(!text.includes("db-prod-7"), scenario);
    assert.ok(!text.includes("secret-app"), scenario);
  }
});

test("a redacted Linux snapshot gives the same findings and counts", async () => {
  let fired = 0;
  for (const scenario of scenarios) {
    const c = linuxCapture(scenario);
    const plain = await outcome(renderSnapshotFile(c, "0.1.0"));
    fired += plain.findings.length;
    const red = await outcome(renderSnapshotFile(redactCapture(c, seeded(7)), "0.1.0"));
    assert.deepEqual(red, plain, scenario);
  }
  assert.ok(fired > scenarios.length, `${fired} findings`);
});

test("pseudonyms are consistent: one original, one pseudonym, everywhere in the file", () => {
  const c = linuxCapture("close-wait-leak");
  const red = redactCapture(c, seeded(1));
  const pairs = new Map<string, string>();
  const before = c.sources.filter((s) => s.path.startsWith("/proc/net/tcp")).flatMap((s) => procRows(s.text));
  const after = red.sources.filter((s) => s.path.startsWith("/proc/net/tcp")).flatMap((s) => procRows(s.text));
  before.forEach((r, i) => {
    for (const [o, n] of [[r.local, after[i].local], [r.remote, after[i].remote]] as const) {
      const key = o.join(" ");
      assert.equal(pairs.get(key) ?? n.join(" "), n.join(" "));
      pairs.set(key, n.join(" "));
    }
  });
  const names = new Map<string, string>();
  for (const [inode, o] of c.owners) {
    const n = red.owners.get(inode)!;
    assert.equal(n.pid, o.pid);
    assert.equal(names.get(o.comm) ?? n.comm, n.comm);
    names.set(o.comm, n.comm);
  }
  assert.equal(new Set(names.values()).size, names.size);
});

/** netstat captures of the other systems: one sample each, read as the capture's one source. */
const NETSTAT: [string, string, string][] = [
  ["darwin", "samples/macos/redisinsight-netstat-anv.txt", "netstat -anv -p tcp"],
  ["freebsd", "samples/freebsd/jc-netstat-an.txt", "netstat -an -p tcp"],
  ["win32", "samples/windows/jc-netstat-aon.txt", "netstat -ano"],
];

test("a redacted netstat capture (macOS, FreeBSD, Windows) keeps no original address and gives the same findings", async () => {
  for (const [platform, file, shown] of NETSTAT) {
    const text = read(ROOT, file);
    const c: LiveCapture = { capture: { platform, host: "laptop-of-someone", kernel: "x", time: "2024-05-01T10:00:00.000Z" }, sources: [{ path: shown, text }], owners: new Map() };
    const red = redactCapture(c, seeded(3));
    const out = red.sources[0].text;
    const addresses = new Set(
      [...text.matchAll(/\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})\b/g)].map((m) => m[1]).filter((a) => !kept(a)),
    );
    assert.ok(addresses.size > 0, file);
    for (const a of addresses) assert.ok(!new RegExp(`(^|[^\\d.])${a.replaceAll(".", "\\.")}([^\\d]|$)`, "m").test(out), `${file}: ${a} survived`);
    assert.deepEqual(await outcome(renderSnapshotFile(red)), await outcome(renderSnapshotFile(c)), file);
  }
});

test("macOS process columns (name:pid) are replaced, pids kept", () => {
  const text = "tcp4  0  0  192.168.1.9.52044  31.13.66.35.443  ESTABLISHED 131072 131860 Slack:9811 0 0x0102\n";
  const c: LiveCapture = { capture: { platform: "darwin", host: "h", kernel: "", time: "" }, sources: [{ path: "netstat -anv -p tcp", text }], owners: new Map() };
  const out = redactCapture(c, seeded(2)).sources[0].text;
  assert.match(out, / process-1:9811 /);
  assert.ok(!out.includes("192.168.1.9") && !out.includes("31.13.66.35"), out);
  assert.match(out, /\.443 /); // a port below 1024 stays
});
