/** The proc-net-tcp format, and its fast row reader against its parser. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeProcAddress } from "../../../src/ingest/formats/proc_net_tcp.ts";
import { assertSameAsCareful, mutatedLine, RUNS, sampleFiles, sampleLines } from "../_read.ts";

describe("decodeProcAddress()", () => {
  it("decodes little-endian words", () => {
    assert.equal(decodeProcAddress("0100007F"), "127.0.0.1");
    assert.equal(decodeProcAddress("00000000000000000000000001000000"), "::1");
    assert.equal(decodeProcAddress("0000000000000000FFFF00000100007F"), "::ffff:127.0.0.1");
    assert.equal(decodeProcAddress("zz"), undefined);
  });
});

// ---- the fast row reader against the parser ---------------------------------

const PROC_ROWS = sampleLines().filter((l) => /^\s*\d+: [0-9A-F]{8,32}:[0-9A-F]{4} /.test(l));

describe("proc-net-tcp: the fast row reader reads exactly what the parser reads", () => {
  it("on every real /proc sample", () => {
    for (const s of sampleFiles()) if (s.path.includes("proc-net-tcp") || s.text.includes("local_address rem_address")) assertSameAsCareful(s.text);
  });

  it("on mutated /proc/net/tcp and tcp6 rows after a real header", () => {
    const head = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
    fc.assert(
      fc.property(fc.array(mutatedLine(PROC_ROWS), { minLength: 1, maxLength: 10 }), (rows) => {
        assertSameAsCareful(head + "\n" + PROC_ROWS[0] + "\n" + rows.map((r) => r.replace(/[\r\n]/g, "")).join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on generated /proc rows with odd hex fields", () => {
    const hex = (n: number) => fc.oneof(fc.nat().map((v) => v.toString(16).toUpperCase().padStart(n, "0").slice(-n)), fc.constantFrom("", "G", "0x1", "ffffffffff"));
    const v6 = fc.oneof(
      hex(8).map((w) => `0000000000000000FFFF0000${w}`),
      fc.constantFrom("00000000000000000000000000000000", "00000000000000000000000001000000", "0000000000000000ffff00000100007F", "0000000000000000FFFF0001000000"),
    );
    const addr = fc.oneof(hex(8), v6);
    const row = fc.tuple(fc.nat({ max: 999 }), addr, hex(4), addr, hex(4), hex(2), hex(8), hex(8), hex(2), hex(8), fc.constantFrom("0", "1000", "65534", "x"), fc.oneof(fc.nat().map(String), fc.constantFrom("", "12a", "1234567890123456789")))
      .map(([sl, la, lp, ra, rp, st, tx, rx, tr, when, uid, ino]) =>
        `${String(sl).padStart(4)}: ${la}:${lp} ${ra}:${rp} ${st} ${tx}:${rx} ${tr}:${when} 00000000 ${uid.padStart(5)}        0 ${ino} 1 0000000000000000 20 4 30 10 -1`);
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        assertSameAsCareful(PROC_ROWS[0] + "\n" + rows.join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
