/** The powershell format: Get-NetTCPConnection tables, lists and Group-Object counts. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { summarize } from "../../../src/report/analysis.ts";
import { one, parse, readSample } from "../_read.ts";

describe("powershell", () => {
  it("reads the default Get-NetTCPConnection table, empty AppliedSetting included", () => {
    const { sockets, report } = parse([
      "LocalAddress                        LocalPort RemoteAddress                       RemotePort State       AppliedSetting OwningProcess",
      "------------                        --------- -------------                       ---------- -----       -------------- -------------",
      "::                                  30040     ::                                  0          Listen                     18732",
      "127.0.0.1                           53343     127.0.0.1                           5432       Established Internet       18732",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.deepEqual(sockets.map((s) => [s.family, s.localPort, s.state, s.pid, s.remotePort]), [
      [6, 30040, "LISTEN", 18732, undefined],
      [4, 53343, "ESTABLISHED", 18732, 5432],
    ]);
  });

  it("reads a column subset in any order", () => {
    const { sockets } = parse([
      "State       OwningProcess LocalPort LocalAddress",
      "-----       ------------- --------- ------------",
      "TimeWait                0     50123 10.0.0.5",
      "CloseWait            4242      8080 ::1",
    ].join("\n"));
    assert.deepEqual(sockets.map((s) => [s.state, s.pid, s.localPort, s.localAddress]), [
      ["TIME_WAIT", 0, 50123, "10.0.0.5"],
      ["CLOSE_WAIT", 4242, 8080, "::1"],
    ]);
  });

  it("reads Format-List records", () => {
    const { sockets, report } = parse([
      "LocalAddress   : ::",
      "LocalPort      : 49676",
      "RemoteAddress  : ::",
      "RemotePort     : 0",
      "State          : Listen",
      "AppliedSetting :",
      "OwningProcess  : 728",
      "CreationTime   : 3/9/2024 10:02:11 AM",
      "OffloadState   : InHost",
      "",
      "LocalAddress   : 10.0.0.5",
      "LocalPort      : 50123",
      "RemoteAddress  : 10.0.0.9",
      "RemotePort     : 443",
      "State          : Established",
      "AppliedSetting : Internet",
      "OwningProcess  : 9000",
      "CreationTime   : 3/9/2024 10:05:00 AM",
      "OffloadState   : InHost",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.deepEqual(sockets.map((s) => [s.state, s.localPort, s.pid]), [["LISTEN", 49676, 728], ["ESTABLISHED", 50123, 9000]]);
  });

  it("reads Group-Object State counts, with and without -NoElement", () => {
    const { snap, report } = parse([
      "Count Name                      Group",
      "----- ----                      -----",
      '   21 Listen                    {MSFT_NetTCPConnection (InstanceID = "::++49676++::++0"), MSFT_NetTCPCo...',
      '    3 Established               {MSFT_NetTCPConnection (InstanceID = "127.0.0.1++53343++127.0.0.1++5...',
      "",
      "Count Name",
      "----- ----",
      "   40 TimeWait",
    ].join("\n"));
    assert.equal(report.unparsed, 0);
    assert.deepEqual(summarize(snap).states, { LISTEN: 21, ESTABLISHED: 3, TIME_WAIT: 40 });
  });
});
