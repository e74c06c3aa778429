/** The sysctl format: captured files and single lines. */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import type { Snapshot } from "../../../src/model/snapshot.ts";
import { ROOT } from "../_read.ts";

const FIXTURES = path.join(ROOT, "test", "fixtures");

function read(file: string): Snapshot {
  return snapshotFromTexts([{ path: file, text: fs.readFileSync(file, "utf8") }]);
}

function parse(text: string): Snapshot {
  return snapshotFromTexts([{ path: "inline", text }]);
}

describe("captured fixtures (test/fixtures/README.md)", () => {
  it("ulimit -a: open files is ulimit.nofile", () => {
    const text = fs.readFileSync(path.join(FIXTURES, "ulimit-a.txt"), "utf8");
    const snap = read(path.join(FIXTURES, "ulimit-a.txt"));
    assert.equal(snap.sysctls.get("ulimit.nofile")?.value, /open files\s+\(-n\) (\S+)/.exec(text)![1]);
  });
  it("grep -r /proc/sys: keys from paths", () => {
    const snap = read(path.join(FIXTURES, "grep-proc-sys.txt"));
    assert.equal(snap.sysctls.get("net.ipv4.tcp_tw_reuse")?.value, fs.readFileSync("/proc/sys/net/ipv4/tcp_tw_reuse", "utf8").trim());
    assert.match(snap.sysctls.get("net.ipv4.ip_local_port_range")!.value, /^\d+ \d+$/);
  });
});

describe("sysctl parser: single lines", () => {
  it("a capitalised first letter is the same key; BSD 'old -> new' is the new value", () => {
    const snap = parse("Net.ipv4.tcp_tw_recycle = 1\nNet.ipv4.tcp_fin_timeout=30\nnet.inet.tcp.msl: 15000 -> 1000\nFoo.bar = 1\n");
    assert.equal(snap.sysctls.get("net.ipv4.tcp_tw_recycle")?.value, "1");
    assert.equal(snap.sysctls.get("net.ipv4.tcp_fin_timeout")?.value, "30");
    assert.equal(snap.sysctls.get("net.inet.tcp.msl")?.value, "1000");
    // Not a sysctl tree: not a key.
    assert.equal(snap.sysctls.get("foo.bar"), undefined);
  });
  it("a sysctl command that writes a setting sets it, with or without -w and a prompt", () => {
    const snap = parse("sysctl net.inet.tcp.msl=7500\n$ sudo sysctl -w net.ipv4.tcp_tw_recycle=1 net.ipv4.tcp_fin_timeout=5\n");
    assert.equal(snap.sysctls.get("net.inet.tcp.msl")?.value, "7500");
    assert.equal(snap.sysctls.get("net.ipv4.tcp_tw_recycle")?.value, "1");
    assert.equal(snap.sysctls.get("net.ipv4.tcp_fin_timeout")?.value, "5");
    assert.equal(snap.inputs[0].kinds.sysctl, 2);
    // Reading a setting sets nothing.
    assert.equal(parse("$ sysctl net.ipv4.tcp_tw_reuse\n").sysctls.size, 0);
  });
  it("reads key = value, key=value, BSD key: value, /proc/sys paths", () => {
    const snap = parse("net.ipv4.ip_local_port_range = 32768\t60999\nnet.ipv4.tcp_tw_reuse=1\nkern.ipc.somaxconn: 128\n/proc/sys/net/core/somaxconn:4096\n");
    assert.equal(snap.sysctls.get("net.ipv4.ip_local_port_range")?.value, "32768 60999");
    assert.equal(snap.sysctls.get("net.ipv4.tcp_tw_reuse")?.value, "1");
    assert.equal(snap.sysctls.get("kern.ipc.somaxconn")?.value, "128");
    assert.equal(snap.sysctls.get("net.core.somaxconn")?.value, "4096");
  });
  it("reads netsh dynamic port range", () => {
    const snap = parse("Protocol tcp Dynamic Port Range\n---------------------------------\nStart Port      : 49152\nNumber of Ports : 16384\n");
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(snap.sysctls.get("windows.dynamicport.start")?.value, "49152");
    assert.equal(snap.sysctls.get("windows.dynamicport.count")?.value, "16384");
  });
  it("leaves bare values unparsed", () => {
    const snap = parse("32768\t60999\n");
    assert.equal(snap.sysctls.size, 0);
  });
});
