/** Live snapshots from this machine's /proc, and the snapshot file round trip. */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/main.ts";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { emptySnapshot, type Snapshot } from "../../src/model/snapshot.ts";
import { NONE, plainRow, type Socket } from "../../src/model/socket_table.ts";
import { summarize } from "../../src/report/analysis.ts";
import { findOwners, OwnerCache, scanOwners } from "../../src/sources/live.ts";
import { captureLive, liveSnapshot, renderSnapshotFile, snapshotFromCapture } from "../../src/sources/mod.ts";
import { reserved } from "./_room.ts";

const linux = process.platform === "linux" && fs.existsSync("/proc/net/tcp");

function sockets(snap: Snapshot): Omit<Socket, "input" | "line">[] {
  const out = [];
  for (let i = 0; i < snap.sockets.length; i++) {
    const { input: _i, line: _l, ...rest } = snap.sockets.get(i);
    out.push(rest);
  }
  return out;
}

/** What two reads of the same machine should agree on: the sockets with their owners, each input's accounting, the names read. */
function comparable(snap: Snapshot) {
  return {
    live: snap.live,
    // A timer counts down between two reads: keep its kind ("timewait", "keepalive"), not what is left of it.
    sockets: sockets(snap).map((s) => ({ ...s, timer: s.timer?.replace(/\s*\(.*\)$/, "") })),
    inputs: snap.inputs.map(({ path, format, formats, encoding, lines, sockets, kinds, unparsed }) => ({ path, format, formats, encoding, lines, sockets, kinds, unparsed })),
    // Counter values move between two reads (segments, sockstat); their names do not.
    counters: [...snap.counters.keys()].sort(),
    sysctls: Object.fromEntries([...snap.sysctls].map(([k, v]) => [k, v.value])),
    // Where and when; the owner scan's figures move too (processes come and go).
    capture: snap.capture && { platform: snap.capture.platform, host: snap.capture.host, kernel: snap.capture.kernel, ownerScan: Boolean(snap.capture.ownerScan) },
  };
}

/**
 * Counts calls to fs.readdirSync and fs.readlinkSync (the owner scan's) while
 * `f` runs, through the CommonJS fs module and syncBuiltinESMExports; the
 * count stays 0 where that does not reach the ESM bindings (Deno).
 */
function countScanCalls<T>(f: () => T): { result: T; calls: number } {
  const cjs = createRequire(import.meta.url)("node:fs") as typeof fs;
  const { readdirSync, readlinkSync } = cjs;
  let calls = 0;
  cjs.readdirSync = ((...a: Parameters<typeof readdirSync>) => (calls++, readdirSync(...a))) as typeof readdirSync;
  cjs.readlinkSync = ((...a: Parameters<typeof readlinkSync>) => (calls++, readlinkSync(...a))) as typeof readlinkSync;
  syncBuiltinESMExports();
  try {
    return { result: f(), calls };
  } finally {
    cjs.readdirSync = readdirSync;
    cjs.readlinkSync = readlinkSync;
    syncBuiltinESMExports();
  }
}

/** TCP state counts from `ss -tan`, in tcpdoc's state names. */
function ssCounts(): Record<string, number> {
  const names: Record<string, string> = {
    ESTAB: "ESTABLISHED", LISTEN: "LISTEN", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT", "SYN-SENT": "SYN_SENT",
    "SYN-RECV": "SYN_RECV", "FIN-WAIT-1": "FIN_WAIT_1", "FIN-WAIT-2": "FIN_WAIT_2", "LAST-ACK": "LAST_ACK", CLOSING: "CLOSING",
    UNCONN: "CLOSED",
  };
  const out: Record<string, number> = {};
  for (const line of execFileSync("ss", ["-tan"], { encoding: "utf8" }).split("\n").slice(1)) {
    const st = line.trim().split(/\s+/)[0];
    if (!st) continue;
    const name = names[st] ?? st;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/**
 * A fake /proc for the owner scan: processes `pids` with a comm of "p<pid>"
 * and an fd directory each; `fd(pid, n, inode)` makes (or makes again) fd n
 * a socket link.
 */
function fakeProc(pids: number[]): { proc: string; fd: (pid: number, n: number, inode: number) => void } {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-fakeproc-"));
  for (const pid of pids) {
    fs.mkdirSync(path.join(proc, String(pid), "fd"), { recursive: true });
    fs.writeFileSync(path.join(proc, String(pid), "comm"), `p${pid}\n`);
  }
  const fd = (pid: number, n: number, inode: number) => {
    fs.rmSync(path.join(proc, String(pid), "fd", String(n)), { force: true });
    fs.symlinkSync(`socket:[${inode}]`, path.join(proc, String(pid), "fd", String(n)));
  };
  return { proc, fd };
}

describe("live snapshot", { skip: linux ? false : "needs Linux /proc" }, () => {
  const servers: net.Server[] = [];
  const clients: net.Socket[] = [];
  const ports: number[] = [];
  let comm = "";

  before(async () => {
    comm = fs.readFileSync("/proc/self/comm", "utf8").trim();
    for (const host of ["127.0.0.1", "127.0.0.1", "::1"]) {
      const s = net.createServer((c) => clients.push(c));
      await new Promise<void>((res, rej) => {
        s.once("error", rej);
        s.listen({ host, port: 0, backlog: 7 }, () => res());
      });
      servers.push(s);
      ports.push((s.address() as net.AddressInfo).port);
    }
    // One established pair to the first listener.
    const c = net.connect(ports[0], "127.0.0.1");
    await new Promise<void>((res) => c.once("connect", () => res()));
    clients.push(c);
    await new Promise((r) => setTimeout(r, 50));
  });

  after(() => {
    for (const c of clients) c.destroy();
    for (const s of servers) s.close();
  });

  it("finds the test's own listeners with its pid and program", () => {
    const snap = snapshotFromCapture(captureLive());
    assert.equal(snap.live, true);
    const all = sockets(snap);
    for (const port of ports) {
      const l = all.find((s) => s.state === "LISTEN" && s.localPort === port);
      assert.ok(l, `listener on ${port} missing`);
      assert.equal(l.pid, process.pid);
      assert.equal(l.program, comm);
    }
    const v6 = all.find((s) => s.localPort === ports[2])!;
    assert.equal(v6.family, 6);
    assert.equal(v6.localAddress, "::1");
    const estab = all.filter((s) => s.state === "ESTABLISHED" && (s.localPort === ports[0] || s.remotePort === ports[0]));
    assert.equal(estab.length, 2);
    for (const e of estab) assert.equal(e.pid, process.pid);
  });

  it("reads /proc straight into the same snapshot as a capture parsed afterwards", () => {
    // Sockets on this machine may come and go between the two reads: retry a few times.
    let streamed, captured;
    for (let attempt = 0; attempt < 5; attempt++) {
      streamed = comparable(liveSnapshot());
      captured = comparable(snapshotFromCapture(captureLive()));
      if (JSON.stringify(streamed) === JSON.stringify(captured)) break;
    }
    assert.deepEqual(streamed, captured);
    const mine = streamed!.sockets.filter((s) => ports.includes(s.localPort ?? -1) && s.state === "LISTEN");
    assert.equal(mine.length, 3);
    for (const s of mine) assert.deepEqual([s.pid, s.program], [process.pid, comm]);
    // The owner scan is capture metadata, not a kernel counter nor an input of its own.
    assert.equal(streamed!.capture?.ownerScan, true);
    assert.ok(!streamed!.counters.some((k) => k.startsWith("tcpdoc.")));
    assert.ok(!streamed!.inputs.some((r) => r.path === "live:/proc/*/fd"));
  });

  it("with owners: false, skips the owner scan and leaves pid and program unset", () => {
    const { result: snap, calls } = countScanCalls(() => liveSnapshot({ owners: false }));
    const all = sockets(snap);
    for (const port of ports) assert.ok(all.some((s) => s.state === "LISTEN" && s.localPort === port), `listener on ${port} missing`);
    for (const s of all) assert.deepEqual([s.pid, s.program], [undefined, undefined], JSON.stringify(s));
    assert.equal(snap.capture?.ownerScan, undefined);
    assert.equal(snap.capture?.platform, "linux");
    assert.ok(![...snap.counters.keys()].some((k) => k.startsWith("tcpdoc.")));
    // The same read with owners does scan (where the spy reaches the module's fs: Node).
    const withOwners = countScanCalls(() => liveSnapshot());
    if (withOwners.calls > 0) assert.equal(calls, 0, "the owner scan ran");
    assert.ok(sockets(withOwners.result).some((s) => s.pid === process.pid));
    const capture = captureLive({ owners: false });
    assert.equal(capture.capture.ownerScan, undefined);
    assert.equal(capture.owners.size, 0);
    assert.ok(!renderSnapshotFile(capture).includes("# owner-scan"));
  });

  it("sizes its table once, from /proc/net/sockstat's counts, before the socket tables' rows come", () => {
    const { result: snap, asked } = reserved(() => liveSnapshot({ owners: false }));
    const n = (name: string) => snap.counters.get(name)?.value ?? 0;
    const counted = n("sockstat.tcp.inuse") + n("sockstat.tcp6.inuse") + n("sockstat.tcp.tw");
    assert.ok(snap.counters.has("sockstat.tcp.inuse"));
    assert.ok(asked.length >= 1 && asked[0] >= counted, `asked for ${asked.join(", ")}; sockstat counts ${counted}`);
  });

  it("names its inputs live:/proc/... and reads every line", () => {
    const snap = snapshotFromCapture(captureLive());
    const paths = snap.inputs.map((r) => r.path);
    for (const p of ["live:/proc/net/tcp", "live:/proc/net/tcp6", "live:/proc/net/netstat", "live:/proc/net/snmp", "live:/proc/net/sockstat", "live:/proc/sys"]) {
      assert.ok(paths.includes(p), p);
    }
    for (const r of snap.inputs) assert.equal(r.unparsed, 0, `${r.path}: ${JSON.stringify(r.unparsedLines.slice(0, 2))}`);
    assert.ok(snap.counters.has("TcpExtListenOverflows"));
    assert.ok(snap.counters.has("sockstat.tcp.tw"));
    assert.equal(typeof snap.capture?.ownerScan?.unreadable, "number");
    assert.ok(snap.capture!.time.length > 0 && snap.capture!.kernel === os.release());
    assert.match(snap.sysctls.get("net.ipv4.ip_local_port_range")!.value, /^\d+ \d+$/);
    assert.ok(snap.sysctls.has("net.core.somaxconn"));
    assert.ok(snap.sysctls.has("fs.nr_open"));
  });

  it("counts the same states as ss -tan taken at the same time", { skip: fs.existsSync("/usr/bin/ss") || fs.existsSync("/bin/ss") ? false : "no ss" }, () => {
    const before = ssCounts();
    const states = summarize(snapshotFromCapture(captureLive())).states as Record<string, number>;
    const afterCounts = ssCounts();
    for (const name of new Set([...Object.keys(before), ...Object.keys(states)])) {
      const lo = Math.min(before[name] ?? 0, afterCounts[name] ?? 0), hi = Math.max(before[name] ?? 0, afterCounts[name] ?? 0);
      const got = states[name] ?? 0;
      // Sockets come and go between the three reads: allow a little churn.
      assert.ok(got >= lo - 2 && got <= hi + 2, `${name}: tcpdoc ${got}, ss ${lo}..${hi}`);
    }
    assert.ok((states.LISTEN ?? 0) >= 3);
  });

  it("round-trips through the snapshot file without loss", () => {
    const capture = captureLive();
    const live = snapshotFromCapture(capture);
    const file = renderSnapshotFile(capture, "test");
    assert.ok(file.startsWith("# tcpdoc snapshot v1 platform=linux "));
    const back = snapshotFromTexts([{ path: "snapshot.txt", text: file }]);
    assert.equal(back.inputs[0].unparsed, 0, JSON.stringify(back.inputs[0].unparsedLines.slice(0, 3)));
    assert.deepEqual(summarize(back), summarize(live));
    assert.deepEqual(sockets(back), sockets(live));
    const values = (m: Map<string, { value: unknown }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.value]));
    assert.deepEqual(values(back.counters), values(live.counters));
    assert.deepEqual(values(back.sysctls), values(live.sysctls));
    const mine = sockets(back).filter((s) => ports.includes(s.localPort ?? -1) && s.state === "LISTEN");
    assert.equal(mine.length, 3);
    for (const s of mine) assert.deepEqual([s.pid, s.program], [process.pid, comm]);
    // Where and when, read back from the file's header lines.
    assert.deepEqual(back.capture, { ...capture.capture, tcpdoc: "test" });
    assert.equal(back.live, false);
  });

  it("tcpdoc snapshot -o FILE, then tcpdoc analyze FILE --json", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-live-"));
    try {
      const snapFile = path.join(dir, "snap.txt"), json = path.join(dir, "a.json"), liveJson = path.join(dir, "live.json");
      assert.equal(await main(["snapshot", "-o", snapFile]), 0);
      const fromFile = snapshotFromTexts([{ path: snapFile, text: fs.readFileSync(snapFile, "utf8") }]);
      // 1 when this machine happens to have a finding at warning or worse.
      assert.ok([0, 1].includes(await main(["analyze", snapFile, "--json", "-o", json])));
      const report = JSON.parse(fs.readFileSync(json, "utf8"));
      assert.deepEqual(report.summary, summarize(fromFile));
      assert.equal(report.inputs[0].unparsed, 0);
      assert.ok(report.summary.states.LISTEN >= 3);
      assert.ok([0, 1].includes(await main(["analyze", "--json", "-o", liveJson])));
      const live = JSON.parse(fs.readFileSync(liveJson, "utf8"));
      assert.equal(live.live, true);
      assert.ok(live.inputs.some((i: { path: string }) => i.path === "live:/proc/net/tcp"));
      assert.equal(live.capture.platform, "linux");
      assert.equal(typeof live.capture.ownerScan.processes, "number");
      // the same file again: -o replaces a file only with --force
      assert.ok([0, 1].includes(await main(["analyze", "--json", "--no-owners", "--force", "-o", liveJson])));
      const quick = JSON.parse(fs.readFileSync(liveJson, "utf8"));
      assert.ok(quick.inputs.some((i: { path: string }) => i.path === "live:/proc/net/tcp"));
      assert.equal(quick.capture.ownerScan, undefined);
      // On a file it does nothing.
      assert.ok([0, 1].includes(await main(["analyze", snapFile, "--json", "--no-owners", "--force", "-o", json])));
      assert.deepEqual(JSON.parse(fs.readFileSync(json, "utf8")).summary, report.summary);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("owner scan", () => {
  it("keeps a process name inert: any local user can name a process with control characters", () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-fakeproc-"));
    try {
      fs.mkdirSync(path.join(proc, "4321", "fd"), { recursive: true });
      fs.symlinkSync("socket:[777]", path.join(proc, "4321", "fd", "3"));
      fs.writeFileSync(path.join(proc, "4321", "comm"), "evil\x1b]52;c;eXk=\x07\n");
      const scan = scanOwners(new Set([777]), proc);
      assert.deepEqual(scan.owners.get(777), { pid: 4321, comm: "evil\\x1b]52;c;eXk=\\x07" });
      assert.equal(scan.processes, 1);
    } finally {
      fs.rmSync(proc, { recursive: true, force: true });
    }
  });
  it("with a cache (watch): a cached fd is trusted while its socket is wanted, new ones are found, a reused fd is read again", () => {
    const { proc, fd } = fakeProc([10, 20]);
    try {
      fd(10, 3, 100);
      fd(20, 3, 200);
      const cache = new OwnerCache();
      const owner = (wanted: number[]) => {
        const o = scanOwners(new Set(wanted), proc, cache).owners;
        return wanted.map((i) => o.get(i)?.pid ?? null);
      };
      assert.deepEqual(owner([100, 200]), [10, 20]);
      // The same table: not scanned (a process that took over the fd meanwhile is not seen until the full scan).
      fd(10, 3, 999);
      assert.deepEqual(owner([100, 200]), [10, 20]);
      // A socket the last scan did not look for: scanned; fd 3 of pid 10 held 100, gone from the table, so it is read again.
      assert.deepEqual(owner([200, 999]), [20, 10]);
      fd(20, 4, 201);
      assert.deepEqual(owner([200, 201, 999]), [20, 20, 10]);
      // A process that owned sockets exited: it starts over (pid 20 holds 999 now).
      fd(20, 3, 999);
      fs.rmSync(path.join(proc, "10"), { recursive: true });
      assert.deepEqual(owner([999, 201]), [20, 20]);
    } finally {
      fs.rmSync(proc, { recursive: true, force: true });
    }
  });
  it("with a cache (watch), a table of sockets the last scan saw is not scanned: its owners applied in one pass, in any order", () => {
    const { proc, fd } = fakeProc([10, 20]);
    const table = (inodes: number[]) => {
      const snap = emptySnapshot(true), row = plainRow();
      for (const inode of inodes) {
        row.inode = inode;
        snap.sockets.addPlain(row, 0, 0);
      }
      return snap;
    };
    const owners = (snap: Snapshot) =>
      Array.from({ length: snap.sockets.length }, (_, i) => {
        const t = snap.sockets;
        return t.pidOf(i) === NONE ? null : `${t.pidOf(i)} ${t.strings.str(t.program[i])}`;
      });
    try {
      fd(10, 3, 100);
      fd(10, 4, 101);
      fd(20, 3, 200);
      const cache = new OwnerCache();
      let snap = table([100, 200, 300, 101]);
      let found = findOwners(snap, proc, cache);
      assert.deepEqual(owners(snap), ["10 p10", "20 p20", null, "10 p10"]);
      assert.equal(found.unowned, 1);
      // /proc changes, but the table holds the same sockets (in another order): not scanned.
      fs.rmSync(path.join(proc, "20", "fd", "3"));
      snap = table([101, 300, 200, 100]);
      found = findOwners(snap, proc, cache);
      assert.deepEqual(owners(snap), ["10 p10", null, "20 p20", "10 p10"]);
      assert.deepEqual([...found.owners.keys()].sort(), [100, 101, 200]);
      // Sockets closed: the owners are those still there.
      snap = table([300, 200]);
      found = findOwners(snap, proc, cache);
      assert.deepEqual(owners(snap), [null, "20 p20"]);
      assert.deepEqual([...found.owners.keys()], [200]);
      // A socket it did not see: scanned, and what the pass had applied before it is taken back (200 has no process now).
      fd(20, 5, 400);
      snap = table([200, 400, 100]);
      found = findOwners(snap, proc, cache);
      assert.deepEqual(owners(snap), [null, "20 p20", "10 p10"]);
      assert.equal(found.unowned, 1);
      // Past FULL_SCAN_MS it starts over: a socket passed on to a process that still runs is seen there.
      fs.mkdirSync(path.join(proc, "5", "fd"), { recursive: true });
      fs.writeFileSync(path.join(proc, "5", "comm"), "p5\n");
      fs.rmSync(path.join(proc, "20", "fd", "5"));
      fd(5, 7, 400);
      findOwners(snap = table([200, 400, 100]), proc, cache);
      assert.deepEqual(owners(snap), [null, "20 p20", "10 p10"], "within FULL_SCAN_MS the owner found stays");
      cache.since -= OwnerCache.FULL_SCAN_MS + 1;
      findOwners(snap = table([200, 400, 100]), proc, cache);
      assert.deepEqual(owners(snap), [null, "5 p5", "10 p10"]);
      // So does it when a process that owned sockets exits (pid 10 held 100).
      fs.rmSync(path.join(proc, "10"), { recursive: true });
      findOwners(snap = table([400, 100]), proc, cache);
      assert.deepEqual(owners(snap), ["5 p5", null]);
    } finally {
      fs.rmSync(proc, { recursive: true, force: true });
    }
  });
});
