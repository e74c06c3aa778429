/** The netstat-solaris format (Solaris/illumos netstat -an; lines from a public paste, test/field/cases/web-vijay-solaris-netstat-an-swind). */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectCounts, one } from "../_read.ts";

const HEAD = ["TCP: IPv4", "Local Address        Remote Address    Swind Send-Q Rwind Recv-Q    State", "-------------------- -------------------- ----- ------ ----- ------ -----------"];

describe("netstat-solaris", () => {
  it("reads host.port endpoints and the queues after the windows", () => {
    const s = one([...HEAD, "10.128.27.50.62393   10.128.27.51.16001   49640      0 49640      0 CLOSE_WAIT"]);
    assert.deepEqual([s.state, s.localAddress, s.localPort, s.remotePort, s.recvQ, s.sendQ], ["CLOSE_WAIT", "10.128.27.50", 62393, 16001, 0, 0]);
  });
  it("counts an IDLE socket (not bound) without a TCP state", () => {
    const r = expectCounts([
      ...HEAD, "*.*                    *.*                  0       0   49152      0   IDLE",
      "10.128.27.50.16043   192.168.170.31.54871 49640      0 49640      0    ESTABLISHED",
    ], 2, { ESTABLISHED: 1 });
    assert.equal(r.summary.sockets, 2);
  });
});
