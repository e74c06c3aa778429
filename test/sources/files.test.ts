/** Files and stdin: limits, pipes and devices, and a slow producer on stdin. */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { describe, it } from "node:test";
import { summarizeMoment } from "../../src/engine/mod.ts";
import { DEFAULT_MAX_INPUT, InputError, readInputs, readSeries } from "../../src/sources/mod.ts";
import { tempDir } from "../_temp.ts";
import { reserved } from "./_room.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const TMP = tempDir("tcpdoc-files-");

const ROW = "tcp        0      0 127.0.0.1:8080          127.0.0.1:5000          ESTABLISHED\n";
const posix = process.platform !== "win32";
const haveMkfifo = posix && spawnSync("mkfifo", ["--version"]).error === undefined;

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e;
  }
  assert.fail("no InputError");
}

describe("the input limit", () => {
  it("is 1 GiB unless told otherwise", () => {
    assert.equal(DEFAULT_MAX_INPUT, 1 << 30);
  });

  it("refuses a file over the limit before reading it, naming the file and how to raise the limit", () => {
    const f = path.join(TMP, "big.txt");
    fs.writeFileSync(f, ROW.repeat(100));
    const e = inputError(() => readInputs([f], undefined, { maxInputBytes: 1000 }));
    assert.equal(e.code, "INPUT_TOO_LARGE");
    assert.equal(e.path, f);
    assert.match(e.message, /more than 1000 bytes.*--max-input/);
    assert.equal(readInputs([f], undefined, { maxInputBytes: ROW.length * 100 }).sockets.length, 100);
  });

  it("refuses an endless device (/dev/zero) at its first bytes: they are not text", { skip: fs.existsSync("/dev/zero") ? false : "no /dev/zero" }, () => {
    const e = inputError(() => readInputs(["/dev/zero"], undefined, { maxInputBytes: 4 << 20 }));
    assert.equal(e.code, "INPUT_BINARY");
    assert.match(e.message, /binary file \(a NUL byte at offset 0\)/);
  });

  it("stops an endless stream on stdin at the limit, in bounded memory", { skip: posix ? false : "needs a POSIX shell" }, () => {
    // `yes ROW | tcpdoc analyze -`, a stream of valid rows that never ends, read by this runtime.
    const script = path.join(TMP, "endless.ts");
    fs.writeFileSync(script, `import process from "node:process";
      import { readInputs } from ${JSON.stringify(path.join(ROOT, "src/sources/mod.ts"))};
      try { readInputs(["-"], undefined, { maxInputBytes: 8 << 20 }); console.log("no error"); }
      catch (e) { console.log(e.code, e.path, process.memoryUsage().rss < 400 << 20); }`);
    const run = "Deno" in globalThis ? `run -A --no-check ${script}` : `--import tsx ${script}`;
    const r = spawnSync("sh", ["-c", `yes '${ROW.trim()}' | ${JSON.stringify(process.execPath)} ${run}`], {
      cwd: ROOT, encoding: "utf8", timeout: 60_000,
    });
    assert.equal(r.stdout.trim(), "INPUT_TOO_LARGE stdin true", r.stderr);
  });
});

describe("pipes", () => {
  it("reads a named pipe (tcpdoc analyze <(ss -tan)) from where it is, not by offset", { skip: haveMkfifo ? false : "no mkfifo" }, () => {
    const fifo = path.join(TMP, "fifo");
    spawnSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", `printf '%s' "$0" > "$1"`, ROW.repeat(3), fifo]);
    const snap = readInputs([fifo]);
    writer.kill();
    assert.equal(snap.sockets.length, 3);
  });
});

describe("the socket table's room", () => {
  // Two files of one capture, each over the MiB after which the first is sized
  // for what is left: 40,000 rows (the second file's ports differ, so none merge).
  const rows = (port: number) => Array.from({ length: 20_000 }, (_, i) => ROW.replace("5000", String(port + i % 30_000)).replace("8080", String(port))).join("");
  const a = path.join(TMP, "room-a.txt"), b = path.join(TMP, "room-b.txt");
  fs.writeFileSync(a, rows(10_000));
  fs.writeFileSync(b, rows(40_000));

  for (const [name, read] of [["readInputs", () => readInputs([a, b])], ["readSeries (the CLI's)", () => readSeries([a, b], summarizeMoment)]] as const) {
    it(`is made once for every file to come (${name}), not grown again when the second file comes`, () => {
      const { asked } = reserved(read);
      assert.ok(asked.length >= 1 && asked[0] >= 40_000, `asked for ${asked.join(", ")}`);
    });
  }
});

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe("stdin from a slow producer", () => {
  it(
    "is waited for without spinning: (sleep 3; cat dump) | tcpdoc analyze - uses almost no CPU while it waits",
    { skip: fs.existsSync("/proc/self/stat") && fs.existsSync(path.join(ROOT, "bin", "tcpdoc.js")) ? false : "needs /proc and the built command" },
    async () => {
      const dump = path.join(TMP, "dump.txt");
      fs.writeFileSync(dump, ROW.repeat(10));
      // Node reads such a pipe non-blocking: an idle read returns EAGAIN, which main retried at once, for 100% CPU.
      const tcpdoc = "Deno" in globalThis ? "run -A src/cli/entry.ts" : "bin/tcpdoc.js";
      const child = spawn("sh", ["-c", `(sleep 3; cat "$0") | ${JSON.stringify(process.execPath)} ${tcpdoc} analyze - --json`, dump], {
        cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (b) => out += b);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await sleep(1500);
      // The tcpdoc process: the shell's child that analyzes (not the subshell that sleeps).
      const pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0").includes("analyze") &&
            fs.readFileSync(`/proc/${p}/stat`, "utf8").includes(` ${child.pid} `);
        } catch {
          return false;
        }
      });
      assert.equal(pids.length, 1, "the tcpdoc process");
      // CPU used over one second of waiting, start-up over: main, spinning on EAGAIN, used most of it.
      const before = cpuSeconds(Number(pids[0]));
      await sleep(1000);
      const cpu = cpuSeconds(Number(pids[0])) - before;
      await new Promise((r) => child.on("close", r));
      assert.ok(cpu < 0.3, `tcpdoc used ${cpu.toFixed(2)} s of CPU in a second of waiting for stdin`);
      assert.equal(JSON.parse(out).summary.sockets, 10);
    },
  );
});
