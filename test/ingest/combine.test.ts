// Merging the rows several inputs of one moment list (src/ingest/combine.ts): the numeric
// pre-pass that leaves alone the tuples only one input lists must merge exactly what the
// string keys merge.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readInputs } from "../../src/sources/mod.ts";

function withFiles(files: Record<string, string>, f: (paths: string[]) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-combine-"));
  try {
    f(Object.entries(files).map(([name, text]) => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, text);
      return p;
    }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A /proc/net/tcp row as the kernel prints it (tcp_ipv4.c get_tcp4_sock), and the file's header. */
const procRow = (local: string, remote: string, st: string, inode: number) =>
  `   0: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
const PROC_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

describe("merging inputs of one moment", () => {
  it("merges one socket spelled ::ffff:, bracketed or plain by ss and netstat, and only those", () => {
    withFiles({
      "ss.txt": [
        "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
        "ESTAB 0 0 [::ffff:10.0.0.1]:443 [::ffff:10.1.2.3]:50000",
        "ESTAB 0 0 10.0.0.1:443 10.1.2.4:50001",
        "ESTAB 0 0 [2001:db8::1]:443 [2001:db8::2]:50002",
        "ESTAB 0 0 10.0.0.1:443 10.9.9.9:50009",
        "",
      ].join("\n"),
      "netstat.txt": [
        "Active Internet connections (servers and established)",
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State",
        "tcp6       0      0 10.0.0.1:443            10.1.2.3:50000          ESTABLISHED",
        "tcp        0      0 10.0.0.1:443            10.1.2.4:50001          ESTABLISHED",
        "tcp6       0      0 2001:DB8::1:443         2001:db8:0::2:50002     ESTABLISHED",
        "tcp        0      0 10.0.0.1:443            10.8.8.8:50008          ESTABLISHED",
        "",
      ].join("\n"),
    }, (paths) => {
      const snap = readInputs(paths);
      assert.equal(snap.merged, 3);
      assert.equal(snap.sockets.length, 5);
    });
  });
  it("merges a listener whose peer ss prints as *:* and /proc as port 0, the biggest input's row included", () => {
    // ss lists more rows: its rows are the ones looked up in the others' (sharedTuples).
    withFiles({
      "ss.txt": [
        "State Recv-Q Send-Q Local Address:Port Peer Address:Port",
        "LISTEN 0 128 0.0.0.0:22 *:*",
        "ESTAB 0 0 10.0.0.1:22 10.1.2.3:50000",
        "ESTAB 0 0 10.0.0.1:22 10.1.2.4:50001",
        "ESTAB 0 0 10.0.0.1:22 10.1.2.5:50002",
        "",
      ].join("\n"),
      "tcp": [
        PROC_HEADER,
        // 0.0.0.0:22 listening; 10.0.0.1:22 from 10.1.2.5:50002 and from 10.1.2.9:50002
        procRow("00000000:0016", "00000000:0000", "0A", 1001),
        procRow("0100000A:0016", "0502010A:C352", "01", 1002),
        procRow("0100000A:0016", "0902010A:C352", "01", 1003),
        "",
      ].join("\n"),
    }, (paths) => {
      const snap = readInputs(paths);
      assert.equal(snap.merged, 2);
      assert.equal(snap.sockets.length, 5);
    });
  });
  it("never merges /proc/net/tcp with tcp6: the kernel lists each socket in one of them", () => {
    // The same 4-tuple in both, TIME-WAIT with no inode: as ss and netstat rows these would be one socket.
    const tcp6 = (local: string, remote: string) => procRow(`0000000000000000FFFF0000${local}`, `0000000000000000FFFF0000${remote}`, "06", 0);
    const files = {
      "tcp": [PROC_HEADER, procRow("0100000A:01BB", "0302010A:C350", "06", 0), ""].join("\n"),
      "tcp6": [PROC_HEADER, tcp6("0100000A:01BB", "0302010A:C350"), ""].join("\n"),
    };
    withFiles(files, (paths) => {
      const snap = readInputs(paths);
      assert.equal(snap.sockets.length, 2);
      assert.equal(snap.merged, 0);
    });
    // The same two rows as ss prints them are merged (one socket, two spellings).
    withFiles({
      "tcp": files.tcp,
      "ss.txt": ["State Recv-Q Send-Q Local Address:Port Peer Address:Port", "TIME-WAIT 0 0 [::ffff:10.0.0.1]:443 [::ffff:10.1.2.3]:50000", ""].join("\n"),
    }, (paths) => {
      const snap = readInputs(paths);
      assert.equal(snap.merged, 1);
      assert.equal(snap.sockets.length, 1);
    });
  });
  it("keeps /proc/net/tcp's and tcp6's wildcard listeners on one port apart: two inodes, two sockets", () => {
    const row = (addr: string, inode: number) => procRow(`${addr}:0016`, `${addr}:0000`, "0A", inode);
    withFiles({
      "tcp": [PROC_HEADER, row("00000000", 1001), ""].join("\n"),
      "tcp6": [
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
        row("0".repeat(32), 1002),
        "",
      ].join("\n"),
    }, (paths) => {
      const snap = readInputs(paths);
      assert.equal(snap.merged, 0);
      assert.equal(snap.sockets.length, 2);
    });
  });
});
