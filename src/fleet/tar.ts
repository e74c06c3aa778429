/**
 * A small reader of tar archives (ustar, GNU long names, pax paths), for
 * the archives people collect hosts' files in (Ansible fetch, sos collect,
 * kubectl cp). Only regular files come out; links, devices and entries
 * whose path is absolute or climbs out with `..` are skipped and counted,
 * never followed. Bounded in entries and in bytes.
 */

export interface TarFile {
  /** The path inside the archive, `/`-separated, without a leading `./`. */
  path: string;
  data: Uint8Array;
}

export interface TarContents {
  files: TarFile[];
  /** Entries left out, with why: "link", "unsafe path", "special". */
  skipped: { path: string; why: string }[];
}

export class TarError extends Error {
  readonly code = "tar";
  constructor(message: string) {
    super(message);
    this.name = "TarError";
  }
}

export interface TarLimits {
  maxEntries: number;
  maxBytes: number;
}

const ascii = new TextDecoder("utf-8");

function str(b: Uint8Array, at: number, len: number): string {
  const end = b.subarray(at, at + len).indexOf(0);
  return ascii.decode(b.subarray(at, end === -1 ? at + len : at + end));
}

function octal(b: Uint8Array, at: number, len: number): number {
  if (b[at] & 0x80) throw new TarError("a tar entry is bigger than this reader takes (base-256 size)");
  const t = str(b, at, len).trim();
  if (t === "") return 0;
  if (!/^[0-7]+$/.test(t)) throw new TarError(`not a tar archive (size field "${t.slice(0, 12)}")`);
  return parseInt(t, 8);
}

/** The path with `./` and empty steps removed, or undefined when it is absolute or climbs out. */
export function safePath(p: string): string | undefined {
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p) || p.includes("\\") || p.includes("\0")) return undefined;
  const steps = p.split("/").filter((s) => s !== "" && s !== ".");
  if (steps.some((s) => s === "..") || steps.length === 0) return undefined;
  return steps.join("/");
}

/** The pax records of an extended header: key -> value. */
function pax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = ascii.decode(data);
  let i = 0;
  while (i < text.length) {
    const sp = text.indexOf(" ", i);
    const len = Number(text.slice(i, sp));
    if (sp === -1 || !Number.isInteger(len) || len <= 0) break;
    const rec = text.slice(sp + 1, i + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Reads the regular files of a tar archive. Throws TarError on a malformed or too big archive. */
export function readTar(b: Uint8Array, limits: TarLimits): TarContents {
  const files: TarFile[] = [];
  const skipped: TarContents["skipped"] = [];
  let bytes = 0;
  let entries = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  for (let at = 0; at + 512 <= b.length;) {
    const h = b.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    // the header's checksum: the sum of its bytes with the checksum field as spaces
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    if (sum !== octal(h, 148, 8)) throw new TarError(`not a tar archive (bad header checksum at byte ${at})`);
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 48);
    const data = at + 512 + size <= b.length ? b.subarray(at + 512, at + 512 + size) : undefined;
    if (!data) throw new TarError("the tar archive is cut short");
    at += 512 + Math.ceil(size / 512) * 512;
    if (++entries > limits.maxEntries) throw new TarError(`the archive has more than ${limits.maxEntries} entries`);
    if (type === "L") {
      longName = str(data, 0, data.length);
      continue;
    }
    if (type === "x") {
      paxPath = pax(data).path;
      continue;
    }
    if (type === "g") continue;
    const prefix = str(h, 257, 6).startsWith("ustar") ? str(h, 345, 155) : "";
    const raw = longName ?? paxPath ?? (prefix ? `${prefix}/${str(h, 0, 100)}` : str(h, 0, 100));
    longName = paxPath = undefined;
    if (type === "5") continue;
    if (type !== "0" && type !== "7") {
      skipped.push({ path: raw, why: type === "1" || type === "2" ? "link" : "special" });
      continue;
    }
    const path = safePath(raw);
    if (!path) {
      skipped.push({ path: raw, why: "unsafe path" });
      continue;
    }
    bytes += size;
    if (bytes > limits.maxBytes) throw new TarError(`the archive holds more than ${limits.maxBytes} bytes of files`);
    files.push({ path, data });
  }
  return { files, skipped };
}
