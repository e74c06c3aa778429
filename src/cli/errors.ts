/**
 * The command line's errors and how each reaches the user: one line on
 * stderr, exit code 2, never a stack trace. Anything not foreseen here is
 * an internal error, the only kind that asks to be reported.
 */

import { inert } from "../text/inert.ts";
import { suggest } from "../text/wrap.ts";

/** Exit codes, named. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** What each exit code means, for help, the man page and the README. */
export const EXIT_MEANINGS: readonly (readonly [number, string])[] = [
  [EXIT.ok, "no finding shown at warning or worse"],
  [EXIT.findings, "a warning or critical finding shown (for rules test: a case failed)"],
  [EXIT.error, "a usage error, a rule that does not validate, or an input or output that cannot be read or written"],
];

/** A mistake in the command line (or the config file): the message says what to type instead. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly code: string;
  constructor(message: string, code = "usage") {
    super(message);
    this.code = code;
  }
}

/**
 * A file or stream that cannot be read or written, or a permission the
 * runtime lacks. `path` is echoed inertly.
 */
export class UserError extends Error {
  override name = "UserError";
  readonly code: string;
  readonly path: string | undefined;
  constructor(code: string, path: string | undefined, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}

/** A `did you mean` clause for `word` among `options`, or "". */
export function didYouMean(word: string, options: Iterable<string>, quote = (s: string) => `"${s}"`): string {
  const s = suggest(word, options);
  return s === undefined ? "" : `: did you mean ${quote(s)}?`;
}

const IO_WORDS: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EEXIST: "already exists",
  EMFILE: "too many open files",
  ENAMETOOLONG: "file name too long",
  ELOOP: "too many symbolic links",
  EFBIG: "file too large",
  EIO: "input/output error",
  EBUSY: "device or resource busy",
  ENXIO: "no such device",
};

/**
 * Deno's refusal of a permission ("Requires read access to "x", run again
 * with the --allow-read flag"), as the flag to add; undefined for anything
 * else. Node never throws these.
 */
export function denoPermission(e: unknown): { flag: string; what: string } | undefined {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /Requires (\w+) access to "?([^",]*)"?/.exec(msg);
  if (!m) return undefined;
  const flag = { read: "read", write: "write", env: "env", run: "run", sys: "sys", net: "net", ffi: "ffi", all: "all" }[m[1]] ?? m[1];
  // Deno grants /proc, /sys and /dev only with --allow-all (docs/deno-permissions.md).
  if (flag === "all" || /^\/(proc|sys|dev)\//.test(m[2])) return { flag: "--allow-all", what: m[2] };
  return { flag: `--allow-${flag}=${m[2]}`, what: m[2] };
}

/** The one-line message for an I/O error on `path` (a Deno permission refusal included). */
export function ioError(e: unknown, path: string | undefined, doing: string): UserError {
  const perm = denoPermission(e);
  if (perm) return permissionError(perm);
  const code = (e as { code?: unknown })?.code;
  const words = typeof code === "string" && IO_WORDS[code] ? IO_WORDS[code] : firstLine(e);
  return new UserError(typeof code === "string" ? code : "io", path, `cannot ${doing}: ${words}`);
}

function permissionError(p: { flag: string; what: string }): UserError {
  return new UserError(
    "permission",
    undefined,
    `Deno gave no permission for ${inert(p.what)}: run again with ${inert(p.flag)} (docs/deno-permissions.md lists what each command needs)`,
  );
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** Duck-typed errors of other modules that already carry a user-facing message. */
interface PositionedError {
  name: string;
  message: string;
  path?: string;
  line?: number;
  format?: () => string;
}

/** The one line printed for an error (without the "tcpdoc: " prefix). */
export function errorLine(e: unknown): string {
  const perm = denoPermission(e);
  if (perm) return permissionError(perm).message;
  if (e instanceof UsageError) return e.message;
  if (e instanceof UserError) return e.path === undefined ? e.message : `${inert(e.path)}: ${e.message}`;
  const p = e as PositionedError;
  // ingest's InputError: the path as given, the line when there is one
  if (p?.name === "InputError" && typeof p.path === "string") {
    const name = p.path === "-" ? "stdin" : p.path;
    return `${inert(name)}${p.line ? `:${p.line}` : ""}: ${inert(p.message)}`;
  }
  // the engine's RuleFileError: file:line:column: message (hint: ...)
  if (p?.name === "RuleFileError" && typeof p.format === "function") return inert(p.format());
  return `internal error: ${inert(firstLine(e))} (please report it with the command and the input that caused it)`;
}

/** Prints the error's one line on stderr and returns exit code 2. */
export function reportError(e: unknown, write: (s: string) => void): number {
  write(`tcpdoc: ${errorLine(e)}\n`);
  return EXIT.error;
}
