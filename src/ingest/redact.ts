/**
 * `tcpdoc snapshot --redact`: a snapshot that can be shared in a public
 * issue. Host names, addresses, ports, uids and process names are replaced
 * by pseudonyms, consistently (one original, one pseudonym, everywhere in
 * the file), so every grouping the rules make (per peer, per port, per
 * process, per source and destination) comes out the same. What is kept,
 * and why, is in docs/safety.md:
 *
 * - wildcard and loopback addresses (they say nothing about the host, and
 *   whether a service listens on all addresses or on loopback only matters);
 * - ports below 1024 and ports this machine listens on: they name the
 *   service (the findings name it), not the host or its users; every other
 *   port is moved, within its part of the port space (below, inside or
 *   above the ephemeral range), by a random rotation, so ephemeral-port
 *   figures stay the same;
 * - uid 0 (root), pids, inodes, queues, timers, states, counters, sysctls,
 *   the kernel version and the capture time.
 *
 * On Linux the /proc socket tables are rewritten field by field; the other
 * systems' netstat output is rewritten token by token (addresses and ports
 * in the BSD `a.b.c.d.port` and Windows `a.b.c.d:port` forms, and
 * `name:pid` process columns).
 */

import type { CapturedSource, LiveCapture, SocketOwner } from "./formats/tcpdoc_snapshot.ts";

/** The Linux default ephemeral range, and the IANA one (macOS, FreeBSD, Windows). */
const EPHEMERAL_DEFAULT: Readonly<Record<string, [number, number]>> = { linux: [32768, 60999] };
const EPHEMERAL_IANA: [number, number] = [49152, 65535];

/** An address as its bytes in network order (4 or 16). */
type Bytes = number[];

const isZero = (b: Bytes, from = 0, to = b.length) => b.slice(from, to).every((x) => x === 0);
const isMapped = (b: Bytes) => b.length === 16 && isZero(b, 0, 10) && b[10] === 255 && b[11] === 255;

/** Kept as is: wildcard and loopback (IPv4, IPv6, IPv4-mapped). */
function keptAddress(b: Bytes): boolean {
  if (b.length === 4) return b[0] === 127 || isZero(b);
  if (isMapped(b)) return keptAddress(b.slice(12));
  return isZero(b) || (isZero(b, 0, 15) && b[15] === 1);
}

const keyOf = (b: Bytes) => b.join(".");

/** Consistent pseudonyms for one snapshot. `random` gives the port rotations (Math.random by default). */
export class Pseudonyms {
  readonly #v4 = new Map<string, Bytes>();
  readonly #v6 = new Map<string, Bytes>();
  readonly #names = new Map<string, string>();
  readonly #uids = new Map<string, string>();
  /** Originals seen, so no pseudonym equals one (a real 10.0.0.1 is not another host's pseudonym). */
  readonly #seen = new Set<string>();
  readonly #kept = new Set<number>();
  readonly #segments: { low: number; high: number; free?: number[]; index?: Map<number, number>; shift: number }[];
  #nextV4 = 0;
  #nextV6 = 0;

  constructor(
    /** Ports that stay: those this machine listens on (ports below 1024 always stay). */
    listening: Iterable<number>,
    ephemeral: [number, number],
    /** Every original address in the snapshot, as bytes. */
    addresses: Iterable<Bytes>,
    random: () => number = Math.random,
  ) {
    for (const p of listening) this.#kept.add(p);
    for (const a of addresses) this.#seen.add(keyOf(a));
    const [lo, hi] = ephemeral;
    this.#segments = [[1024, lo - 1], [lo, hi], [hi + 1, 65535]]
      .filter(([a, b]) => a <= b)
      .map(([low, high]) => ({ low, high, shift: random() }));
  }

  /** The pseudonym of a port: the same port when kept. */
  port(p: number): number {
    if (p < 1024 || p > 65535 || this.#kept.has(p)) return p;
    const seg = this.#segments.find((s) => p >= s.low && p <= s.high);
    if (!seg) return p;
    if (!seg.free) {
      seg.free = [];
      seg.index = new Map();
      for (let q = seg.low; q <= seg.high; q++) {
        if (!this.#kept.has(q)) {
          seg.index.set(q, seg.free.length);
          seg.free.push(q);
        }
      }
      // A rotation by 1..n-1 places: every port moves, gaps between ports stay.
      seg.shift = 1 + Math.floor(seg.shift * Math.max(seg.free.length - 1, 1));
    }
    const n = seg.free.length;
    return seg.free[(seg.index!.get(p)! + seg.shift) % n];
  }

  /** The pseudonym of an address given as bytes (4 or 16). */
  address(b: Bytes): Bytes {
    if (keptAddress(b)) return b;
    if (isMapped(b)) return [...b.slice(0, 12), ...this.address(b.slice(12))];
    const map = b.length === 4 ? this.#v4 : this.#v6;
    const key = keyOf(b);
    let out = map.get(key);
    while (!out) {
      // IPv4: 10.0.0.1, 10.0.0.2, ...; IPv6: fd00::1, fd00::2, ... (private ranges: never a real host of someone else)
      const n = b.length === 4 ? ++this.#nextV4 : ++this.#nextV6;
      const candidate = b.length === 4 ? [10, (n >>> 16) & 255, (n >>> 8) & 255, n & 255] : [0xfd, 0, ...Array(10).fill(0), (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
      if (!this.#seen.has(keyOf(candidate))) out = candidate;
    }
    map.set(key, out);
    return out;
  }

  /** A process name's pseudonym: process-1, process-2, ... */
  name(comm: string): string {
    let out = this.#names.get(comm);
    if (out === undefined) this.#names.set(comm, (out = `process-${this.#names.size + 1}`));
    return out;
  }

  /** A uid's pseudonym: 0 stays (root); others become 100001, 100002, ... */
  uid(uid: string): string {
    if (uid === "0") return uid;
    let out = this.#uids.get(uid);
    if (out === undefined) this.#uids.set(uid, (out = String(100001 + this.#uids.size)));
    return out;
  }
}

// ---- /proc/net/tcp{,6} ------------------------------------------------------------

/** A /proc hex address (8 or 32 digits, each 32-bit word in host order: little-endian) as bytes in network order. */
function procBytes(hex: string): Bytes | undefined {
  if ((hex.length !== 8 && hex.length !== 32) || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const out: Bytes = [];
  for (let w = 0; w < hex.length; w += 8) {
    for (let i = 6; i >= 0; i -= 2) out.push(parseInt(hex.slice(w + i, w + i + 2), 16));
  }
  return out;
}

function procHex(b: Bytes): string {
  let out = "";
  for (let w = 0; w < b.length; w += 4) {
    for (let i = 3; i >= 0; i--) out += b[w + i].toString(16).padStart(2, "0").toUpperCase();
  }
  return out;
}

/** A /proc row's fields, split keeping the white space between them (so the row keeps its layout). */
function procRow(line: string): string[] | undefined {
  const parts = line.split(/(\s+)/);
  const first = parts[0] === "" ? 2 : 0; // leading blanks
  const fields = parts.slice(first).filter((_, i) => i % 2 === 0);
  if (fields.length < 10 || !/^\d+:$/.test(fields[0])) return undefined;
  return parts;
}

/** Calls `f(fieldIndex, text)` for each field of a /proc row; what it returns replaces the field. */
function mapProcRow(line: string, f: (i: number, text: string) => string): string {
  const parts = procRow(line);
  if (!parts) return line;
  let k = 0;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === "" || /^\s+$/.test(parts[i])) continue;
    parts[i] = f(k++, parts[i]);
  }
  return parts.join("");
}

function procEndpoint(text: string, p: Pseudonyms): string {
  const colon = text.indexOf(":");
  const bytes = procBytes(text.slice(0, colon));
  const port = text.slice(colon + 1);
  if (colon === -1 || !bytes || !/^[0-9A-Fa-f]{4}$/.test(port)) return text;
  return `${procHex(p.address(bytes))}:${p.port(parseInt(port, 16)).toString(16).padStart(4, "0").toUpperCase()}`;
}

function redactProc(text: string, p: Pseudonyms): string {
  return text.split("\n").map((line) =>
    mapProcRow(line, (i, f) => (i === 1 || i === 2 ? procEndpoint(f, p) : i === 7 ? p.uid(f) : f))
  ).join("\n");
}

// ---- netstat output (macOS, FreeBSD, Windows) -----------------------------------------

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function v4Bytes(s: string): Bytes | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  const b = m.slice(1).map(Number);
  return b.every((x) => x <= 255) ? b : undefined;
}

/** IPv6 text (without a zone) as 16 bytes, or undefined. */
function v6Bytes(s: string): Bytes | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(":")) return undefined;
  let tail: Bytes = [];
  if (s.includes(".")) {
    // an embedded IPv4 address: ::ffff:1.2.3.4, 64:ff9b::1.2.3.4
    const last = s.lastIndexOf(":");
    const v4 = v4Bytes(s.slice(last + 1));
    if (!v4) return undefined;
    tail = v4;
    s = s.slice(0, last);
    if (s.endsWith(":")) s += ":";
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]), rest = halves.length === 2 ? groups(halves[1]) : [];
  if (![...head, ...rest].every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  const want = (16 - tail.length) / 2;
  const fill = halves.length === 2 ? want - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== want)) return undefined;
  const all = [...head, ...Array(fill).fill("0"), ...rest].map((g) => parseInt(g, 16));
  return [...all.flatMap((g) => [g >> 8, g & 255]), ...tail];
}

function v6Text(b: Bytes): string {
  if (isMapped(b)) return `::ffff:${b.slice(12).join(".")}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
  // the longest run of zero groups becomes "::"
  let best = -1, len = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > len && j - i >= 2) [best, len] = [i, j - i];
  }
  return best === -1 ? groups.join(":") : `${groups.slice(0, best).join(":")}::${groups.slice(best + len).join(":")}`;
}

function addressBytes(s: string): Bytes | undefined {
  return v4Bytes(s) ?? v6Bytes(s.replace(/%[^%]*$/, ""));
}

/** An address token's pieces: `host`, its zone (`%en0`), the port separator and the port. */
const ENDPOINT = /^(\[?)([0-9A-Fa-f:.]+?)(%[\w.-]+)?(\]?)(?:([.:])(\d{1,5}|\*))?$/;

/** A token's address and port: as `host SEP port` when that reads, else the whole token as an address. */
function endpointOf(tok: string): { open: string; bytes: Bytes; zone: string; close: string; sep?: string; port?: string } | undefined {
  // 64 characters hold any address, zone and port; the lazy match below must not see longer tokens.
  const m = tok.length <= 64 ? ENDPOINT.exec(tok) : null;
  if (!m) return undefined;
  const [, open, host, zone = "", close, sep, port] = m;
  const bytes = addressBytes(host);
  if (bytes) return { open, bytes, zone, close, sep, port };
  // a bare address whose last part read as a port (10.0.0.1, 2001:db8::1)
  const whole = !open && sep ? addressBytes(host + sep + port) : undefined;
  return whole && !zone ? { open, bytes: whole, zone, close } : undefined;
}

/** One whitespace-free token of netstat output, its address and port replaced. */
function redactToken(tok: string, p: Pseudonyms): string {
  if (/^\*[.:]\d{1,5}$/.test(tok)) return `${tok.slice(0, 2)}${p.port(Number(tok.slice(2)))}`;
  const e = endpointOf(tok);
  if (e) {
    const mapped = p.address(e.bytes);
    const text = mapped.length === 4 ? mapped.join(".") : v6Text(mapped);
    const port = e.port === undefined ? "" : `${e.sep}${e.port === "*" ? "*" : p.port(Number(e.port))}`;
    return `${e.open}${text}${e.zone}${e.close}${port}`;
  }
  // macOS netstat -v: a process column `name:pid`
  const proc = /^([^:\s]*[^\d:\s][^:\s]*):(\d+)$/.exec(tok);
  if (proc) return `${p.name(proc[1])}:${proc[2]}`;
  return tok;
}

function redactNetstat(text: string, p: Pseudonyms): string {
  return text.split("\n").map((line) => line.replace(/\S+/g, (tok) => redactToken(tok, p))).join("\n");
}

// ---- the whole capture ---------------------------------------------------------------

const isProcTable = (s: CapturedSource) => /^\/proc\/net\/tcp6?$/.test(s.path);
const isCommand = (s: CapturedSource) => !s.path.startsWith("/proc/");

/** What the pseudonyms need before any is given: listening ports, the ephemeral range, every address. */
function survey(c: LiveCapture): { listening: Set<number>; ephemeral: [number, number]; addresses: Bytes[] } {
  const listening = new Set<number>(), addresses: Bytes[] = [];
  for (const s of c.sources) {
    for (const line of s.text.split("\n")) {
      if (isProcTable(s)) {
        mapProcRow(line, (i, f) => {
          if (i === 1 || i === 2) {
            const b = procBytes(f.split(":")[0]);
            if (b) addresses.push(b.length === 16 && isMapped(b) ? b.slice(12) : b);
          }
          if (i === 3 && f === "0A") {
            const local = line.trim().split(/\s+/)[1];
            listening.add(parseInt(local.split(":")[1], 16));
          }
          return f;
        });
      } else if (isCommand(s)) {
        let local = true; // the first endpoint of a row is its local one
        for (const tok of line.split(/\s+/)) {
          const e = /^\*[.:]\d{1,5}$/.test(tok) ? { bytes: undefined, port: tok.slice(2) } : endpointOf(tok);
          if (!e) continue;
          if (e.bytes) addresses.push(isMapped(e.bytes) ? e.bytes.slice(12) : e.bytes);
          if (local && e.port !== undefined && /\bLISTEN(ING)?\b/.test(line)) listening.add(Number(e.port));
          local = false;
        }
      }
    }
  }
  const sysctl = c.sources.find((s) => s.path === "/proc/sys")?.text;
  const range = sysctl && /^net\.ipv4\.ip_local_port_range\s*=\s*(\d+)\s+(\d+)/m.exec(sysctl);
  const ephemeral: [number, number] = range
    ? [Number(range[1]), Number(range[2])]
    : EPHEMERAL_DEFAULT[c.capture.platform] ?? EPHEMERAL_IANA;
  return { listening, ephemeral, addresses };
}

/** The capture with host name, addresses, ports, uids and process names replaced (see the module's comment). */
export function redactCapture(c: LiveCapture, random: () => number = Math.random): LiveCapture {
  const { listening, ephemeral, addresses } = survey(c);
  const p = new Pseudonyms(listening, ephemeral, addresses, random);
  const owners = new Map<number, SocketOwner>();
  for (const [inode, o] of c.owners) owners.set(inode, { pid: o.pid, comm: o.comm ? p.name(o.comm) : "" });
  const sources = c.sources.map((s) => ({
    path: s.path,
    text: isProcTable(s) ? redactProc(s.text, p) : isCommand(s) ? redactNetstat(s.text, p) : s.text,
  }));
  return { capture: { ...c.capture, host: c.capture.host ? "redacted-host" : c.capture.host }, sources, owners };
}
