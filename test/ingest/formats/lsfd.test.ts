/** The lsfd format (util-linux lsfd TCP rows; lines from util-linux PR 1827). */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectCounts, one } from "../_read.ts";

const HEADER = "COMMAND     PID USER ASSOC MODE TYPE SOURCE MNTID    INODE NAME                                                       SOCKLISTENING   SOCKSTATE";

describe("lsfd", () => {
  it("reads a TCP descriptor's state and endpoints from NAME, with its owner", () => {
    const s = one([HEADER, "nc      2081373  jet     3  rw-  TCP sockfs     9 35890879 state=established laddr=127.0.0.1:45480 raddr=127.0.0.1:22             0 established"]);
    assert.deepEqual([s.state, s.localPort, s.remotePort, s.pid, s.program], ["ESTABLISHED", 45480, 22, 2081373, "nc"]);
  });
  it("reads a listener without raddr", () => {
    expectCounts([
      HEADER,
      "sshd    1274501 root     3  rw-  TCP sockfs     9 28474525 state=listen laddr=0.0.0.0:22                                          1      listen",
      "sshd    2081374 root     4  rw-  TCP sockfs     9 36110804 state=established laddr=127.0.0.1:22 raddr=127.0.0.1:45480             0 established",
    ], 2, { LISTEN: 1, ESTABLISHED: 1 });
  });
});
