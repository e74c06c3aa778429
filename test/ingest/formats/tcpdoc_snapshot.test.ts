/** The tcpdoc-snapshot format: reading back what `tcpdoc snapshot` writes. */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFields } from "../../../src/ingest/formats/tcpdoc_snapshot.ts";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import { summarize } from "../../../src/report/analysis.ts";
import { readSample } from "../_read.ts";
import { STATES } from "../../../src/model/states.ts";

/** include/net/tcp_states.h, from TCP_ESTABLISHED = 1. */
const KERNEL_STATES = ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"];

describe("snapshot file parser", () => {
  it("counts a snapshot's own table, whatever its kernel gauges say (CurrEstab counts CLOSE_WAIT, sockstat's tw orphaned FIN_WAIT_2)", () => {
    // the lab fleet's web07: 30 CLOSE_WAIT beside 12 ESTABLISHED; CurrEstab is 42
    const text = readSample("fleet/web07/snapshot.txt");
    const rows = new Map<string, number>();
    // /proc/net/tcp rows: "N: local remote st ...", st in hex
    for (const m of text.matchAll(/^\s*\d+: [0-9A-F]+:[0-9A-F]{4} [0-9A-F]+:[0-9A-F]{4} ([0-9A-F]{2}) /gm)) {
      const name = KERNEL_STATES[parseInt(m[1], 16) - 1];
      rows.set(name, (rows.get(name) ?? 0) + 1);
    }
    assert.ok((rows.get("CLOSE_WAIT") ?? 0) > 0, "the sample has CLOSE_WAIT rows");
    const s = summarize(snapshotFromTexts([{ path: "snapshot.txt", text }]));
    assert.deepEqual(s.states, Object.fromEntries(STATES.filter((n) => rows.has(n)).map((n) => [n, rows.get(n)!])));
    assert.equal(s.sockets, [...rows.values()].reduce((a, b) => a + b, 0));
  });
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
    // The header lines are the snapshot's capture, not counters.
    assert.deepEqual(snap.capture, {
      platform: "linux", host: "h", kernel: "k", time: "2024-01-01T00:00:00.000Z", ownerScan: { processes: 3, unreadable: 1, unowned: 0 },
    });
    assert.equal(snap.counters.size, 0);
    assert.equal(snap.inputs[0].kinds.header, 5);
  });

  it("keeps control characters a process name decodes to visible, never live", () => {
    const text = [
      "# tcpdoc snapshot v1 platform=linux host=\"h\\u001b]0;x\\u0007\" kernel=k time=t",
      '# socket-owner inode=4242 pid=77 comm="evil\\u001b]52;c;eXk=\\u0007"',
      "# source /proc/net/tcp",
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0",
    ].join("\n");
    const snap = snapshotFromTexts([{ path: "s", text }]);
    const program = snap.sockets.get(0).program!;
    assert.equal(program, "evil\\x1b]52;c;eXk=\\x07");
    assert.ok(!/[\x00-\x1f\x7f]/.test(program));
    assert.equal(snap.capture?.host, "h\\x1b]0;x\\x07");
  });
});

describe("parseFields", () => {
  it("reads plain and JSON-quoted values, and what a broken quote leaves (its quote and last character cut)", () => {
    assert.deepEqual({ ...parseFields('a=1 b="two words" c="q\\"d" e="open f=2') }, { a: "1", b: "two words", c: 'q"d', e: "ope", f: "2" });
    assert.deepEqual({ ...parseFields("x==1 =2 __proto__=3") }, { x: "=1", ["__proto__"]: "3" });
  });
});
