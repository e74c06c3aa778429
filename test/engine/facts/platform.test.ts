// The platform fact: from the snapshot, the formats, the sysctls, the log lines; Linux's values when nothing says.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { FactContext } from "../../../src/engine/mod.ts";
import { facts, get, lab, ROOT, snapshotOf } from "../_helpers.ts";

const of = (c: FactContext) => get(c, "platform").value as Record<string, unknown>;

describe("platform", () => {
  it("reads Linux from ss and /proc/net/tcp", () => {
    for (const f of ["ss-tan.txt", "proc-net-tcp.txt", "netstat-nat.txt"]) {
      const v = of(facts(lab("healthy", f)));
      assert.deepEqual([v.name, v.known, v.timeWaitSeconds, v.backlogSetting], ["linux", true, 60, "net.core.somaxconn"], f);
    }
  });
  it("reads Windows from its netstat, with Windows' timings, range and options", () => {
    const v = of(facts([path.join(ROOT, "samples/windows/kilian-blog-netstat-an-de.txt")]));
    assert.deepEqual([v.name, v.timeWaitSeconds, v.rangeDefault, v.rangeCommand, v.exclusiveBind], ["windows", 120, "49152-65535", "netsh int ipv4 show dynamicport tcp", "SO_EXCLUSIVEADDRUSE"]);
  });
  it("takes the snapshot's word first", () => {
    const v = of(new FactContext(snapshotOf({ platform: "freebsd", rows: ["LISTEN 0.0.0.0:80 0.0.0.0:*"] })));
    assert.deepEqual([v.name, v.backlogSetting, v.overflowFactor, v.listenersCommand], ["freebsd", "kern.ipc.soacceptqueue", 1.5, "netstat -Lan"]);
  });
  it("a BSD netstat is macOS or FreeBSD", () => {
    const v = of(new FactContext(snapshotOf({ inputs: [{ format: "netstat-bsd" }], rows: ["ESTABLISHED 10.0.0.1:22 10.0.0.2:50000"] })));
    assert.deepEqual([v.name, v.family, v.bsd, v.linux], [null, "bsd", true, false]);
  });
  it("reads sysctl names when there is no table", () => {
    const v = of(new FactContext(snapshotOf({ inputs: [{ format: "sysctl" }], sysctls: { "kern.ipc.soacceptqueue": "128" } })));
    assert.equal(v.name, "freebsd");
  });
  it("is Linux's values, not known, when nothing says", () => {
    const v = of(new FactContext(snapshotOf({ inputs: [{ format: "histogram", sockets: 3 }], tallies: { TIME_WAIT: 3 } })));
    assert.deepEqual([v.name, v.known, v.linux, v.timeWaitSeconds], [null, false, true, 60]);
  });
});
