/**
 * Rule files on disk: the engine's RuleFiles, and where rules live (the
 * package's rules/, the user's directory, --rules paths). Every read is
 * bounded: open without blocking (a FIFO must not hang), fstat the
 * descriptor, regular files only, at most the limit + 1 bytes.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { LoadOptions, RuleFiles, RuleSource } from "../engine/mod.ts";

const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const NOCTTY = fs.constants.O_NOCTTY ?? 0;

/** An errno in words, for one-line errors. */
export function ioReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case "ENOENT": return "no such file or directory";
    case "EACCES":
    case "EPERM": return "permission denied";
    case "ENOTDIR": return "not a directory";
    case "EISDIR": return "is a directory";
    case "ELOOP": return "too many symbolic links";
    case "EMFILE":
    case "ENFILE": return "too many open files";
    default: return code ?? String((e as Error).message ?? e).split("\n")[0];
  }
}

/**
 * Reads a regular file of at most `limit` bytes as UTF-8. Never blocks on
 * a FIFO and never reads past limit + 1 bytes, whatever the file claims.
 */
export function readBounded(file: string, limit: number): { text: string } | { error: string; code: "read" | "too-big" | "not-regular" } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK | NOCTTY);
  } catch (e) {
    return { error: `Cannot read the file: ${ioReason(e)}`, code: "read" };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      const what = st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : st.isSocket() ? "a socket" : "not a regular file";
      return { error: `Cannot read the file: it is ${what}, not a regular file`, code: "not-regular" };
    }
    const big = () => ({ error: `File is larger than ${Math.floor(limit / 1024)} KiB`, code: "too-big" as const });
    if (st.size > limit) return big();
    // room for what fstat says and one byte more, grown up to limit + 1 for a file that grows or reports size 0
    let buf = new Uint8Array(Math.min(limit + 1, Math.max(st.size + 1, 4096)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) return big();
        const grown = new Uint8Array(Math.min(limit + 1, n * 2));
        grown.set(buf);
        buf = grown;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > limit) return big();
    }
    return { text: new TextDecoder("utf-8").decode(buf.subarray(0, n)) };
  } catch (e) {
    return { error: `Cannot read the file: ${ioReason(e)}`, code: "read" };
  } finally {
    fs.closeSync(fd);
  }
}

/** Rule files on this machine's file system. */
export const ruleFiles: RuleFiles = {
  read: readBounded,
  list(dir) {
    try {
      return { names: fs.readdirSync(dir) };
    } catch (e) {
      return { error: ioReason(e) };
    }
  },
  kind(p) {
    try {
      const st = fs.statSync(p);
      return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
    } catch (e) {
      const code = (e as { code?: string }).code;
      // anything else (a directory above that cannot be searched) is reported by the read that follows
      return code === "ENOENT" || code === "ENOTDIR" ? "missing" : "file";
    }
  },
  join: (dir, name) => path.join(dir, name),
  readableUnasked(dir) {
    const deno = (globalThis as { Deno?: { permissions: { querySync(d: { name: "read"; path: string }): { state: string } } } }).Deno;
    return deno === undefined || deno.permissions.querySync({ name: "read", path: dir }).state === "granted";
  },
};

/** The package root: the nearest directory above this module holding tcpdoc's package.json. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const r = readBounded(path.join(dir, "package.json"), 1 << 20);
    if ("text" in r) {
      try {
        if (JSON.parse(r.text).name === "tcpdoc") return dir;
      } catch {
        // not ours
      }
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return process.cwd();
}

/** The built-in rules directory. */
export function builtinRulesDir(): string {
  return path.join(packageRoot(), "rules");
}

/** The package's samples directory (rule test inputs may name files there). */
export function samplesDir(): string {
  return path.join(packageRoot(), "samples");
}

/** The user's rules directory: $XDG_CONFIG_HOME/tcpdoc/rules, else ~/.config/tcpdoc/rules. */
export function userRulesDir(env: Record<string, string | undefined> = process.env): string | undefined {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? path.join(env.HOME, ".config") : undefined);
  return base ? path.join(base, "tcpdoc", "rules") : undefined;
}

/** Which rules to load, as the command line says it. */
export interface RuleFlags {
  /** --rules paths: directories or single rule files. */
  ruleDirs?: readonly string[];
  /** Read the user directory (default true; --no-user-rules). */
  userRules?: boolean;
  /** --disable ids. */
  disabled?: readonly string[];
  /** Environment for the user directory (tests). */
  env?: Record<string, string | undefined>;
  /** Load the built-in rules (default true). */
  builtin?: boolean;
}

/** The rule sources, in load order: built-in, the user directory when it exists, then each --rules path. */
export function ruleSources(o: RuleFlags): RuleSource[] {
  const out: RuleSource[] = [];
  if (o.builtin !== false) out.push({ path: builtinRulesDir(), origin: "built-in" });
  if (o.userRules !== false) {
    const u = userRulesDir(o.env ?? process.env);
    if (u && fs.existsSync(u)) out.push({ path: u, origin: "user" });
  }
  for (const d of o.ruleDirs ?? []) out.push({ path: path.resolve(d), origin: "rules-dir" });
  return out;
}

/** The engine's load options for these flags, reading this machine's files. */
export function ruleLoadOptions(o: RuleFlags): LoadOptions {
  return { sources: ruleSources(o), files: ruleFiles, disabled: [...(o.disabled ?? [])] };
}

/**
 * The fleet rule directories, in load order: the `fleet/` directory of
 * each rules directory ruleSources gives (the package's, the user's, each
 * --rules directory) that has one. A --rules path naming one rule file
 * has none.
 */
export function fleetRuleSources(o: RuleFlags): RuleSource[] {
  const out: RuleSource[] = [];
  for (const s of ruleSources(o)) {
    const dir = path.join(s.path, "fleet");
    if (ruleFiles.kind(s.path) === "dir" && ruleFiles.kind(dir) === "dir") out.push({ path: dir, origin: s.origin });
  }
  return out;
}
