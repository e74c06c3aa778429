// tcpdoc on a real terminal (a pseudo-terminal from Python's pty module):
// `tcpdoc analyze -` says how to end the paste instead of waiting silently.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { BIN, env, ROOT } from "./_run.ts";

const PY = `
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def read(until, seconds):
    global out
    end = time.time() + seconds
    while until not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
read(b"Ctrl-D", 20)
os.write(fd, b"State Recv-Q Send-Q Local Address:Port Peer Address:Port\\nESTAB 0 0 10.0.0.1:80 10.0.0.2:5000\\n")
time.sleep(0.2)
os.write(fd, b"\\x04")
read(b"run: tcpdoc", 20)
read(b"\\x00", 1)
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
`;

// python execs a path: node's, also when the tests run under Deno
const NODE_PATH = "Deno" in globalThis ? spawnSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).stdout.trim() : process.execPath;
const python = spawnSync("sh", ["-c", "command -v python3"]).status === 0;

describe("stdin on a terminal", { skip: python && process.platform !== "win32" ? false : "needs python3's pty module" }, () => {
  it("tcpdoc analyze - says to paste the dump and press Ctrl-D, then reads it", () => {
    const r = spawnSync("python3", ["-c", PY, NODE_PATH, BIN, "analyze", "-"], { cwd: ROOT, encoding: "utf8", env: env({ NO_COLOR: "1" }), timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tcpdoc: reading stdin: paste the dump, then press Ctrl-D/);
    assert.match(r.stdout, /tcpdoc: analysis of stdin/);
    assert.match(r.stdout, /stdin \(ss\): 2 lines, 1 sockets/);
  });
});
