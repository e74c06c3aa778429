// Writing reports and snapshots (src/cli/output.ts): -o writes a new file
// whole through a temporary file beside it, replaces an existing file or a
// symbolic link only with --force (the link, never its target), writes
// snapshots for their owner only, and turns every I/O error into one line.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { denoPermission, errorLine, ioError } from "../../src/cli/errors.ts";
import { BIN, env, ROOT, SAMPLE, tcpdoc, userError } from "./_run.ts";
import { tempDir } from "../_temp.ts";

const report = (file: string, ...more: string[]) => tcpdoc(["analyze", SAMPLE, "-o", file, ...more]);

describe("-o FILE", () => {
  it("writes a new file, and leaves no temporary file behind", () => {
    const dir = tempDir();
    const file = path.join(dir, "report.txt");
    assert.equal(report(file).status, 1);
    assert.match(fs.readFileSync(file, "utf8"), /^tcpdoc: analysis of/);
    assert.deepEqual(fs.readdirSync(dir), ["report.txt"]);
  });
  it("refuses to replace an existing file unless --force", () => {
    const dir = tempDir();
    const file = path.join(dir, "report.txt");
    fs.writeFileSync(file, "keep me\n");
    userError(report(file), /report\.txt: already exists: --force replaces it/);
    assert.equal(fs.readFileSync(file, "utf8"), "keep me\n");
    assert.equal(report(file, "--force").status, 1);
    assert.match(fs.readFileSync(file, "utf8"), /^tcpdoc: analysis of/);
  });
  it("puts a whole new file in place instead of rewriting the old one (another link to it keeps the old text)", () => {
    const dir = tempDir();
    const file = path.join(dir, "report.txt"), other = path.join(dir, "other-name.txt");
    fs.writeFileSync(file, "old\n");
    fs.linkSync(file, other);
    assert.equal(report(file, "--force").status, 1);
    assert.equal(fs.readFileSync(other, "utf8"), "old\n");
    assert.match(fs.readFileSync(file, "utf8"), /^tcpdoc: analysis of/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ["other-name.txt", "report.txt"]);
  });
  it("refuses to write through a symbolic link; --force replaces the link itself, never its target", () => {
    const dir = tempDir();
    const target = path.join(dir, "precious"), link = path.join(dir, "report.txt");
    fs.writeFileSync(target, "precious\n");
    fs.symlinkSync(target, link);
    userError(report(link), /report\.txt: is a symbolic link: tcpdoc does not write through links/);
    assert.equal(fs.readFileSync(target, "utf8"), "precious\n");
    assert.equal(report(link, "--force").status, 1);
    assert.equal(fs.readFileSync(target, "utf8"), "precious\n");
    assert.ok(!fs.lstatSync(link).isSymbolicLink());
    // a link to nowhere does not create its target either
    const dangling = path.join(dir, "dangling");
    fs.symlinkSync(path.join(dir, "created-through-link"), dangling);
    userError(report(dangling), /is a symbolic link/);
    assert.ok(!fs.existsSync(path.join(dir, "created-through-link")));
  });
  it("writes a device as it is (-o /dev/null)", { skip: fs.existsSync("/dev/null") ? false : "no /dev/null" }, () => {
    const r = report("/dev/null");
    assert.equal(r.status, 1, r.stderr);
  });
});

describe("snapshot -o FILE", { skip: process.platform === "linux" ? false : "live snapshots are read from /proc here" }, () => {
  it("is readable by its owner only (mode 0600), whatever the umask", () => {
    const file = path.join(tempDir(), "snap.tcpdoc");
    const r = tcpdoc(["snapshot", "--no-owners", "-o", file]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(file, "utf8"), /^# tcpdoc snapshot v1 /);
  });
});

describe("I/O errors are one line and exit 2, never an internal error", () => {
  it("a directory that does not exist (ENOENT)", () => {
    userError(report(path.join(tempDir(), "no-such-dir", "r.txt")), /no-such-dir\/r\.txt: cannot write: no such file or directory/);
  });
  it("a directory given as the file (EISDIR)", () => {
    userError(report(tempDir()), /cannot write: is a directory/);
  });
  it("a full device (ENOSPC)", { skip: fs.existsSync("/dev/full") ? false : "no /dev/full" }, () => {
    userError(report("/dev/full"), /\/dev\/full: cannot write: no space left on the device/);
  });
  it("a directory tcpdoc may not write in (EACCES)", () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const locked = path.join(dir, "locked");
    fs.mkdirSync(locked, { mode: 0o500 });
    const isRoot = process.getuid?.() === 0;
    const setpriv = spawnSync("sh", ["-c", "command -v setpriv"]).status === 0;
    if (isRoot && !setpriv) return;
    // root may write anywhere: run as nobody
    const cmd = isRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath] : [process.execPath];
    const r = spawnSync(cmd[0], [...cmd.slice(1), BIN, "analyze", path.join(ROOT, SAMPLE), "-o", path.join(locked, "r.txt")], {
      cwd: "/", encoding: "utf8", env: env({ XDG_CONFIG_HOME: dir, HOME: dir }),
    });
    userError(r, /r\.txt: cannot write: permission denied/);
  });
  it("ioError names each common error in words, with the path", () => {
    for (const [code, words] of [["ENOENT", "no such file"], ["EACCES", "permission denied"], ["ENOSPC", "no space left"], ["EISDIR", "is a directory"], ["EROFS", "read-only"]]) {
      const e = ioError(Object.assign(new Error(`${code}: raw`), { code }), "out.txt", "write");
      assert.match(errorLine(e), new RegExp(`^out\\.txt: cannot write: ${words}`));
    }
    assert.match(errorLine(new Error("something else")), /^internal error: something else \(please report it/);
  });
  it("a missing Deno permission names the flag to add", () => {
    const e = Object.assign(new Error('Requires read access to "/etc/x", run again with the --allow-read flag'), { name: "NotCapable" });
    assert.deepEqual(denoPermission(e), { flag: "--allow-read=/etc/x", what: "/etc/x" });
    assert.match(errorLine(e), /^Deno gave no permission for \/etc\/x: run again with --allow-read=\/etc\/x/);
    assert.deepEqual(denoPermission(new Error('Requires env access to "HOME", run again with the --allow-env flag')), { flag: "--allow-env=HOME", what: "HOME" });
  });
});
