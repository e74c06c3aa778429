/** The sockstat format (FreeBSD sockstat -4 / -6). */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { one, parse } from "../_read.ts";

describe("sockstat", () => {
  it("reads FreeBSD sockstat rows with their owner", () => {
    const s = one([
      "USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS      ",
      "root     sshd       1570  4  tcp4   *:22                  *:*",
    ]);
    assert.deepEqual([s.user, s.program, s.pid, s.localPort, s.state], ["root", "sshd", 1570, 22, undefined]);
  });
});
