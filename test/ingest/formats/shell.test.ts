/** The shell format: prompts, command lines, watch headers and elisions around a pasted dump. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectCounts, read } from "../_read.ts";

describe("pastes around a dump", () => {
  it("takes the state filter of a command shown in watch's header", () => {
    expectCounts([
      "Every 2.0s: ss -tan state time-wait                    web1: Mon Mar  4 10:00:01 2024",
      "",
      "Recv-Q Send-Q Local Address:Port  Peer Address:Port",
      "0      0      10.0.0.1:80         10.0.0.2:5555",
    ], 1, { TIME_WAIT: 1 });
  });
  it("takes elision lines for noise", () => {
    const r = expectCounts([
      "tcp        0      0 10.0.0.1:80        10.0.0.2:5555      ESTABLISHED",
      "...",
      "[...]",
      "<snip>",
      "…",
      "(... 300 more lines ...)",
      "^C",
      "tcp        0      0 10.0.0.1:80        10.0.0.2:5556      ESTABLISHED",
    ], 2, { ESTABLISHED: 2 });
    assert.equal(r.kinds.noise, 6);
  });
  it("recognises cPanel, macOS and pfSense prompts", () => {
    const r = expectCounts([
      "root@server [~]# netstat -natp | awk '{print $6}' | sort | uniq -c",
      "     10 CLOSING",
      "Kevins-MBP:k3vl4r k3vl4r$ netstat -v -n -p tcp",
      "[2.4.4-RELEASE][root@xxx]/root: lsof -i",
    ], 10, { CLOSING: 10 });
    assert.equal(r.kinds.noise, 3);
  });
});
