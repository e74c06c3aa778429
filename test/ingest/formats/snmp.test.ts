/** The snmp format (snmpwalk of TCP-MIB tcpConnState and tcpConnectionState). */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expectCounts, one, readSample } from "../_read.ts";

describe("snmp", () => {
  it("reads a tcpConnState row: endpoints from the index, state from its number", () => {
    const s = one(["iso.3.6.1.2.1.6.13.1.1.127.0.0.1.8080.127.0.0.1.43544 = INTEGER: 5"]);
    assert.deepEqual([s.state, s.localAddress, s.localPort, s.remoteAddress, s.remotePort], ["ESTABLISHED", "127.0.0.1", 8080, "127.0.0.1", 43544]);
  });
  it("reads RFC1213-MIB names with the state's name and number", () => {
    const s = one(["RFC1213-MIB::tcpConnState.127.0.0.1.8080.0.0.0.0.0 = INTEGER: listen(2)"]);
    assert.deepEqual([s.state, s.localPort], ["LISTEN", 8080]);
  });
  it("is not read as sysctl settings, and counts the lab's walks as the oracle does", () => {
    const states = { LISTEN: 3, SYN_SENT: 6, ESTABLISHED: 16, FIN_WAIT_2: 5, CLOSE_WAIT: 5, TIME_WAIT: 10 };
    for (const f of ["snmpwalk-tcpConnState.txt", "snmpwalk-On-tcpConnState.txt", "snmpwalk-rfc1213-tcpConnState.txt"]) {
      const r = expectCounts(readSample(`linux/formats-extra/${f}`).trimEnd().split("\n"), 45, states);
      assert.equal(r.kinds.sysctl, 0, f);
    }
    expectCounts(readSample("linux/formats-extra/snmpwalk-tcpConnectionState.txt").trimEnd().split("\n"), 48, {
      SYN_SENT: 6, ESTABLISHED: 22, FIN_WAIT_2: 5, CLOSE_WAIT: 5, TIME_WAIT: 10,
    });
  });
});
