/** Live snapshots from this machine's /proc, and the snapshot file round trip. */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { after, before, describe, it } from "node:test";
import { main } from "../src/cli/main.ts";
import { captureLive, renderSnapshotFile, snapshotFromCapture, snapshotFromTexts } from "../src/ingest/mod.ts";
import type { Snapshot } from "../src/model/snapshot.ts";
import type { Socket } from "../src/model/socket_table.ts";
import { summarize } from "../src/report/analysis.ts";

const linux = process.platform === "linux" && fs.existsSync("/proc/net/tcp");

function sockets(snap: Snapshot): Omit<Socket, "input" | "line">[] {
  const out = [];
  for (let i = 0; i < snap.sockets.length; i++) {
    const { input: _i, line: _l, ...rest } = snap.sockets.get(i);
    out.push(rest);
  }
  return out;
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

  it("names its inputs live:/proc/... and reads every line", () => {
    const snap = snapshotFromCapture(captureLive());
    const paths = snap.inputs.map((r) => r.path);
    for (const p of ["live:/proc/net/tcp", "live:/proc/net/tcp6", "live:/proc/net/netstat", "live:/proc/net/snmp", "live:/proc/net/sockstat", "live:/proc/sys"]) {
      assert.ok(paths.includes(p), p);
    }
    for (const r of snap.inputs) assert.equal(r.unparsed, 0, `${r.path}: ${JSON.stringify(r.unparsedLines.slice(0, 2))}`);
    assert.ok(snap.counters.has("TcpExtListenOverflows"));
    assert.ok(snap.counters.has("sockstat.tcp.tw"));
    assert.ok(snap.counters.has("tcpdoc.owner_scan.unreadable"));
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
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("snapshot file parser", () => {
  it("gives /proc/net/tcp rows the owners listed before them", () => {
    const text = [
      "# tcpdoc snapshot v1 platform=linux host=h kernel=k time=2024-01-01T00:00:00.000Z",
      "# owner-scan processes=3 unreadable=1 unowned=0",
      '# socket-owner inode=4242 pid=77 comm="my app"',
      "# source /proc/net/tcp",
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0",
      "   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 100 0 0 10 0",
      "# end",
    ].join("\n");
    const snap = snapshotFromTexts([{ path: "s", text }]);
    assert.equal(snap.inputs[0].unparsed, 0);
    const a = snap.sockets.get(0), b = snap.sockets.get(1);
    assert.deepEqual([a.localPort, a.pid, a.program, a.recvQ], [8080, 77, "my app", 3]);
    assert.deepEqual([b.localPort, b.pid, b.program], [8081, undefined, undefined]);
    assert.equal(snap.counters.get("tcpdoc.owner_scan.unreadable")?.value, 1);
  });
});
