/**
 * Where reports and snapshots go: stdout, or a file written safely. A file
 * is written whole to a temporary file beside it and then put in place, so
 * a reader never sees half a report and a full disk leaves the old file as
 * it was; an existing file or symbolic link is replaced only with --force
 * (the link itself, never the file it points to); a failure is one line.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { inert } from "../text/inert.ts";
import { denoPermission, ioError, UserError } from "./errors.ts";

export interface WriteOptions {
  /** Replace an existing file or symbolic link. */
  force: boolean;
  /** Mode of a new file (snapshots: 0o600); the umask applies. */
  mode?: number;
  /**
   * The exit code the run ends with once this is written: when the reader
   * of stdout goes away (`tcpdoc analyze big.txt | head`), tcpdoc stops
   * quietly with this code instead.
   */
  exitCode: number;
}

let closedExitCode = 0;

/** The exit code to end with when stdout's reader goes away (EPIPE). */
export function exitCodeOnClosedStdout(): number {
  return closedExitCode;
}

/** Writes `text` to stdout (no file, or "-") or to `file`. Throws UserError. */
export function writeOutput(text: string, file: string | undefined, o: WriteOptions): void {
  if (file === undefined || file === "-") {
    closedExitCode = o.exitCode;
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSafely(file, text, o);
  } catch (e) {
    // The file is written beside itself first: Deno must let tcpdoc read and write the directory.
    if (!denoPermission(e) && !(e instanceof UserError && e.code === "permission")) throw e;
    const dir = path.dirname(file);
    throw new UserError("permission", file, `Deno gave no permission to write here: run again with --allow-read=${inert(dir)} --allow-write=${inert(dir)}`);
  }
}

/** The file's kind without following a link, undefined when nothing is there. */
function kindOf(file: string): "link" | "dir" | "file" | "other" | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw ioError(e, file, "write");
  }
  return st.isSymbolicLink() ? "link" : st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
}

/** A device or pipe (`-o /dev/null`, `-o /dev/stdout`) is written as it is: nothing to replace. */
function isDeviceOrPipe(file: string): boolean {
  try {
    const st = fs.statSync(file);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

function writeFileSafely(file: string, text: string, o: WriteOptions): void {
  const kind = kindOf(file);
  if (kind === "dir") throw new UserError("EISDIR", file, "cannot write: is a directory");
  if ((kind === "other" || kind === "link") && isDeviceOrPipe(file)) {
    try {
      fs.writeFileSync(file, text);
    } catch (e) {
      throw ioError(e, file, "write");
    }
    return;
  }
  if (kind === "link" && !o.force) {
    throw new UserError("symlink", file, "is a symbolic link: tcpdoc does not write through links (--force replaces the link itself)");
  }
  if (kind !== undefined && !o.force) throw new UserError("EEXIST", file, "already exists: --force replaces it, or give another name");

  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tcpdoc-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  let created = false;
  try {
    const fd = fs.openSync(tmp, "wx", o.mode ?? 0o666);
    created = true;
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (o.force) fs.renameSync(tmp, file);
    else placeNew(tmp, file);
  } catch (e) {
    if (created) fs.rmSync(tmp, { force: true });
    if (e instanceof UserError) throw e;
    throw ioError(e, file, "write");
  }
}

/**
 * Puts `tmp` at `file` only if nothing is there: a hard link fails when a
 * file appeared since the check; where links are not supported, rename.
 */
function placeNew(tmp: string, file: string): void {
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EEXIST") throw new UserError("EEXIST", file, "already exists: --force replaces it, or give another name");
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV" && code !== "ENOSYS") throw e;
    if (fs.existsSync(file)) throw new UserError("EEXIST", file, "already exists: --force replaces it, or give another name");
    fs.renameSync(tmp, file);
    return;
  }
  fs.rmSync(tmp, { force: true });
}
