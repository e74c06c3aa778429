/** The other-rows format: socket rows of tools no other format knows, with other stacks' state spellings. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { one } from "../_read.ts";

describe("other-rows", () => {
  it("reads two endpoints and an RFC 793 state spelling", () => {
    const s = one(["10.0.0.1:80 10.0.0.2:5000 SYN-RECEIVED"]);
    assert.deepEqual([s.state, s.localPort, s.remotePort], ["SYN_RECV", 80, 5000]);
  });
  it("reads BSD kernels' short forms in parentheses", () => {
    assert.equal(one(["10.0.0.1:80 10.0.0.2:5001 (FIN-WAIT1)"]).state, "FIN_WAIT_1");
  });
  it("reads a table with bars between its columns (exasock-stat, a Markdown table), queues included", () => {
    const s = one([" TCP   | 1048396  | 0        | 10.248.194.178:49765     | 10.248.194.179:12345     | FIN-WAIT-2"]);
    assert.deepEqual([s.state, s.recvQ, s.sendQ, s.localPort, s.remotePort], ["FIN_WAIT_2", 1048396, 0, 49765, 12345]);
  });
  it("without the bars read the same row the same way", () => {
    const s = one(["TCP 1048396 0 10.248.194.178:49765 10.248.194.179:12345 FIN-WAIT-2"]);
    assert.deepEqual([s.state, s.recvQ, s.sendQ], ["FIN_WAIT_2", 1048396, 0]);
  });
});
