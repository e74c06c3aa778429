/** Running the system's programs: absolute paths only, and a timeout kills everything the program started. */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import process from "node:process";
import { describe, it } from "node:test";
import { CommandError, runCommand, runCommandSync, systemProgram } from "../../src/sources/mod.ts";

const posix = process.platform !== "win32" && fs.existsSync("/bin/sh");

/** True while a process with this pid runs (a zombie waiting for a parent that does not reap it counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** A shell that starts a grandchild (a sleep in the background), says its pid, then waits. */
const FORKS = ["/bin/sh", "-c", "sleep 30 & echo $!; sleep 30"];

describe("system programs", () => {
  it("are named by absolute path, never looked up in PATH or the current directory", () => {
    assert.equal(systemProgram("netstat", "darwin"), "/usr/sbin/netstat");
    assert.equal(systemProgram("netstat", "freebsd"), "/usr/bin/netstat");
    assert.match(systemProgram("netstat", "win32")!, /^[A-Za-z]:\\.*\\System32\\netstat\.exe$/i);
    assert.equal(systemProgram("lsof", "win32"), undefined);
  });

  it("refuses a program that is not an absolute path", async () => {
    for (const p of ["netstat", "./ss", "bin/ss", ""]) {
      assert.throws(() => runCommandSync([p]), (e: Error) => e instanceof CommandError && e.code === "NOT_ABSOLUTE", p);
      await assert.rejects(runCommand([p]), (e: Error) => e instanceof CommandError && e.code === "NOT_ABSOLUTE");
    }
  });
});

describe("running a command", { skip: posix ? false : "needs /bin/sh" }, () => {
  it("gives its output and exit status, without a shell", async () => {
    const r = runCommandSync(["/bin/sh", "-c", "printf 'a b'; exit 3"]);
    assert.equal(new TextDecoder().decode(r.stdout), "a b");
    assert.deepEqual([r.status, r.timedOut, r.truncated], [3, false, false]);
    const a = await runCommand(["/bin/echo", "$HOME", ";", "x"]);
    assert.equal(new TextDecoder().decode(a.stdout), "$HOME ; x\n");
  });

  it("kills the whole process group on timeout, grandchildren included (waiting)", () => {
    const r = runCommandSync(FORKS, { timeoutMs: 500 });
    assert.equal(r.timedOut, true);
    const grandchild = Number(new TextDecoder().decode(r.stdout).trim());
    assert.ok(grandchild > 0);
    for (let i = 0; i < 50 && alive(grandchild); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    assert.equal(alive(grandchild), false, "the background sleep survived");
  });

  it("kills the whole process group on timeout, grandchildren included (not waiting)", async () => {
    const r = await runCommand(FORKS, { timeoutMs: 500 });
    assert.equal(r.timedOut, true);
    const grandchild = Number(new TextDecoder().decode(r.stdout).trim());
    for (let i = 0; i < 50 && alive(grandchild); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(alive(grandchild), false, "the background sleep survived");
  });

  it("cuts output at the limit and stops the command", async () => {
    const r = await runCommand(["/bin/sh", "-c", "while :; do echo xxxxxxxxxxxxxxxx; done"], { maxOutput: 1 << 16, timeoutMs: 10_000 });
    assert.equal(r.truncated, true);
    assert.equal(r.timedOut, false);
    assert.equal(r.stdout.length, 1 << 16);
  });

  it("says a program cannot start", () => {
    assert.throws(() => runCommandSync(["/no/such/program"]), (e: Error) => e instanceof CommandError && e.code === "CANNOT_START");
  });
});
