// Every probe on the real kernel: a throw-away network namespace gives a
// clean socket table with CLOSE_WAIT, FIN_WAIT_2 and LISTEN sockets of a
// known process, its own counters and its own sysctls (see test/lab/). The
// probe runs in the namespace (through a small driver started with `ip
// netns exec`), reads /proc there and spawns nothing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { runArgv } from "../../src/sources/probes.ts";

const HERE = import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.join(HERE, "..", "..");
const DRIVER = path.join(HERE, "_probe_driver.ts");
const NS = `tcpdoc-probes-${process.pid}`;
const N = 12;

const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync("ip", ["-V"]).status === 0;
const hasPython = spawnSync("python3", ["-V"]).status === 0;
const SKIP = process.platform !== "linux"
  ? "probes read /proc: Linux only"
  : !isRoot ? "needs root for a network namespace (ip netns add)" : !hasIp ? "needs iproute2 (ip)" : !hasPython ? "needs python3 for the socket helper" : false;

// The helper: a listener on 127.0.0.1:8080 that never closes what it accepts;
// N clients connect and close (N CLOSE_WAIT here, N FIN_WAIT_2 there), then
// one more every 0.3 s, so counts and counters move while probes watch.
const HELPER = `
import socket, time, os, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 8080)); srv.listen(512)
keep = []
def one():
    c = socket.create_connection(("127.0.0.1", 8080)); a, _ = srv.accept(); keep.append(a); c.close()
for _ in range(${N}): one()
print(os.getpid(), flush=True)
end = time.time() + 90
while time.time() < end:
    time.sleep(0.3); one()
`;

let helper: ChildProcess | undefined;
let pid = 0;

function runtime(): string[] {
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  return deno ? [deno.execPath(), "run", "-A", DRIVER] : [process.execPath, "--import", "tsx", DRIVER];
}

interface Out {
  error?: string;
  action?: { kind: string; files?: string[] };
  status?: string;
  output: string;
}

function probe(p: unknown, figures: Record<string, unknown> = {}): Out {
  const r = spawnSync("ip", ["netns", "exec", NS, ...runtime(), JSON.stringify({ probe: p, figures })], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Out;
  assert.equal(out.error, undefined, out.error);
  assert.equal(out.action?.kind, "read", "a Linux probe reads /proc itself");
  assert.equal(out.status, "done", out.output);
  return out;
}

describe("probes on the real kernel", { skip: SKIP }, () => {
  before(async () => {
    spawnSync("ip", ["netns", "del", NS]);
    for (const args of [["netns", "add", NS], ["-n", NS, "link", "set", "lo", "up"]]) {
      const r = spawnSync("ip", args, { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
    }
    spawnSync("ip", ["netns", "exec", NS, "sysctl", "-qw", "net.ipv4.tcp_fin_timeout=17"]);
    helper = spawn("ip", ["netns", "exec", NS, "python3", "-c", HELPER], { stdio: ["ignore", "pipe", "inherit"] });
    pid = await new Promise<number>((resolve, reject) => {
      helper!.stdout!.once("data", (d: Buffer) => resolve(Number(String(d).trim())));
      helper!.once("exit", (c) => reject(new Error(`the helper exited with ${c}`)));
    });
  });

  after(() => {
    helper?.kill("SIGKILL");
    spawnSync("ip", ["netns", "del", NS]);
  });

  it("sockets: the CLOSE_WAIT sockets on the evidence's port, with their owner, as ss prints them", () => {
    const o = probe({ id: "sockets", params: { state: "close-wait", port: "PORT" } }, { top_port: 8080 });
    const rows = o.output.split("\n").filter((l) => l.startsWith("CLOSE-WAIT"));
    assert.ok(rows.length >= N, o.output);
    for (const r of rows) {
      assert.match(r, /127\.0\.0\.1:8080 /);
      assert.match(r, new RegExp(`users:\\(\\("python3",pid=${pid}\\)\\)`));
    }
    // The output is a socket table the ingest parsers read back (the session feeds it as facts).
    const snap = snapshotFromTexts([{ path: "probe", text: o.output }]);
    assert.equal(snap.sockets.length, rows.length);
  });

  it("sockets: by owning process (the PID placeholder from a process figure) and by peer", () => {
    const mine = probe({ id: "sockets", params: { pid: "PID" } }, { top_process: `python3 (pid ${pid})` });
    assert.ok(mine.output.split("\n").some((l) => /^LISTEN +0 +\d+ +127\.0\.0\.1:8080/.test(l)), mine.output);
    assert.ok(!/FIN-WAIT-2/.test(mine.output), "the clients' closed sockets belong to no process");
    const peer = probe({ id: "sockets", params: { state: "fin-wait-2", peer: "PEER" } }, { peer: "127.0.0.1" });
    assert.ok(peer.output.split("\n").filter((l) => l.startsWith("FIN-WAIT-2")).length >= N, peer.output);
  });

  it("watch-count: the pile grows while it watches", () => {
    const o = probe({ id: "watch-count", params: { state: "close-wait", seconds: 3 } });
    const m = /over 3 s: (\d+) -> (\d+)/.exec(o.output);
    assert.ok(m, o.output);
    assert.ok(Number(m[2]) > Number(m[1]), o.output);
  });

  it("fd-usage: the process's descriptors against its limit", () => {
    const o = probe({ id: "fd-usage", params: { pid: "PID" } }, { top_process: `python3 (pid ${pid})` });
    const m = new RegExp(`process ${pid} \\(python3\\): (\\d+) open file descriptors`).exec(o.output);
    assert.ok(m && Number(m[1]) > N, o.output);
    assert.match(o.output, /limit \(Max open files\): soft \d+, hard \d+/);
  });

  it("sysctls: the namespace's own value, as sysctl prints it", () => {
    const o = probe({ id: "sysctls", params: { keys: ["net.ipv4.tcp_fin_timeout", "net.core.somaxconn"] } });
    assert.match(o.output, /^net\.ipv4\.tcp_fin_timeout = 17$/m);
    const snap = snapshotFromTexts([{ path: "probe", text: o.output }]);
    assert.equal(snap.sysctls.get("net.ipv4.tcp_fin_timeout")?.value, "17");
  });

  it("counters and counter-delta: the namespace's counters, and how they move", () => {
    const o = probe({ id: "counters", params: { names: ["TcpActiveOpens", "TcpPassiveOpens"] } });
    const snap = snapshotFromTexts([{ path: "probe", text: o.output }]);
    assert.ok((snap.counters.get("TcpActiveOpens")?.value ?? 0) >= N, o.output);
    const d = probe({ id: "counter-delta", params: { names: ["TcpActiveOpens"], seconds: 2 } });
    const m = /TcpActiveOpens: (\d+) -> (\d+) \(\+(\d+) in 2 s\)/.exec(d.output);
    assert.ok(m && Number(m[3]) > 0, d.output);
  });

  it("sockstat: sockets in use, orphans and TIME_WAIT", () => {
    const o = probe({ id: "sockstat" });
    assert.match(o.output, /^TCP: inuse \d+ orphan \d+ tw \d+/m);
  });
});

describe("spawned probes", { skip: process.platform !== "linux" ? "reads /proc to see the grandchild: Linux only" : false }, () => {
  it("runArgv() kills the whole process group at the timeout, grandchildren included", async () => {
    const r = await runArgv(["/bin/sh", "-c", "sleep 30 & echo $!; wait"], { timeoutMs: 400, maxBytes: 4096 });
    assert.equal(r.status, "timeout");
    const grandchild = Number(r.output.trim());
    assert.ok(grandchild > 0, r.output);
    await new Promise((res) => setTimeout(res, 200));
    // Gone, or a zombie left for init to reap: either way it runs no more.
    let state = "gone";
    try {
      state = fs.readFileSync(`/proc/${grandchild}/stat`, "utf8").replace(/^.*\) /, "")[0];
    } catch {
      // no such process
    }
    assert.ok(state === "gone" || state === "Z", `the grandchild still runs (state ${state})`);
  });

  it("runArgv() caps the output and stops the program", async () => {
    const t = Date.now();
    const r = await runArgv(["/bin/sh", "-c", "while :; do echo yyyyyyyy; done"], { timeoutMs: 10_000, maxBytes: 1000 });
    assert.equal(r.truncated, true);
    assert.equal(r.output.length, 1000);
    assert.ok(Date.now() - t < 5000);
  });
});
