/**
 * Kernel settings: `sysctl -a` / `sysctl KEY` (`key = value`), sysctl.conf
 * (`key=value`), BSD/macOS sysctl (`kern.ipc.somaxconn: 128`),
 * `grep -r . /proc/sys/net/ipv4/` (`/proc/sys/net/ipv4/tcp_tw_reuse:2`),
 * `ulimit -a` ("open files (-n) 1024" -> ulimit.nofile) and Windows
 * `netsh int ipv4 show dynamicport tcp` (windows.dynamicport.start/count).
 * A bare value (`sysctl -n KEY`, `cat /proc/sys/net/...`) is read as its
 * key's when the command line is pasted above it; without it, it names no
 * key and is left unparsed.
 */

import type { LineKind } from "../../model/snapshot.ts";
import type { Format, ParseContext } from "../format.ts";

const FORMAT = "sysctl";

// A sysctl key: dotted lower-case words; interface names may carry '-', '@', ':'; VLANs print as "eth0/100".
const KEY = /^[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_\-@:/*+]+)+$/;
// Top-level BSD/macOS sysctl trees, printed as "key: value".
const BSD_ROOTS = new Set(["kern", "net", "vm", "hw", "machdep", "debug", "security", "user", "vfs", "compat", "dev", "fs"]);
const PROC_SYS = "/proc/sys/";

/**
 * A sysctl key as written, or undefined. Every sysctl tree is lower case;
 * a capital first letter ("Net.ipv4.tcp_tw_recycle = 1") is a blog
 * editor's or a phone's auto-capitalisation of the line, not another key.
 */
export function sysctlKey(word: string): string | undefined {
  if (KEY.test(word)) return word;
  const c = word.charCodeAt(0);
  if (c < 65 || c > 90) return undefined;
  const lowered = word[0].toLowerCase() + word.slice(1);
  const dot = lowered.indexOf(".");
  return dot > 0 && BSD_ROOTS.has(lowered.slice(0, dot)) && KEY.test(lowered) ? lowered : undefined;
}

/** BSD/macOS `sysctl -w` prints "key: old -> new": the value now is the new one. */
function settingValue(v: string): string {
  const arrow = v.lastIndexOf(" -> ");
  return normalize(arrow === -1 ? v : v.slice(arrow + 4));
}

// ulimit -a option letters (bash builtins/ulimit.def) and the names tcpdoc keys them by.
const ULIMIT = new Map<string, string>(Object.entries({
  b: "sbsize", c: "core", d: "data", e: "nice", f: "fsize", i: "sigpending", k: "kqueues", l: "memlock", m: "rss",
  n: "nofile", p: "pipe", q: "msgqueue", r: "rtprio", s: "stack", t: "cpu", u: "nproc", v: "as", x: "locks",
  P: "npts", T: "threads", R: "rttime",
}));
const WHITE = /\s/;
const LETTER = /^[A-Za-z]$/;

/** The last field of a line and what comes before it (trailing white space removed); undefined unless both exist. */
function lastField(text: string): [head: string, value: string] | undefined {
  let i = text.length;
  while (i > 0 && !WHITE.test(text[i - 1])) i--;
  if (i === text.length || i === 0) return undefined;
  return [text.slice(0, i).trimEnd(), text.slice(i)];
}

/**
 * bash's `ulimit -a`: "open files                      (-n) 1024",
 * "core file size          (blocks, -c) 0". Returns the option letter and
 * the value. Read field by field, never by one pattern over the line: a
 * pattern with several white-space runs in a row backtracks in quadratic time.
 */
function ulimitBash(text: string): [letter: string, value: string] | undefined {
  const f = lastField(text);
  if (!f) return undefined;
  const [head, value] = f, n = head.length;
  // "(-n)" or "(blocks, -c)" at the end of what precedes the value.
  if (n < 5 || head[n - 1] !== ")" || !LETTER.test(head[n - 2]) || head[n - 3] !== "-") return undefined;
  const open = head.lastIndexOf("(", n - 4);
  if (open === -1) return undefined;
  const unit = head.slice(open + 1, n - 3);
  if (unit !== "" && (!unit.endsWith(", ") || unit.indexOf(")") !== -1)) return undefined;
  // The name: words, then white space before the "(".
  const name = head.slice(0, open);
  const trimmed = name.trimEnd();
  if (trimmed.length === name.length || !/^[A-Za-z][\w -]*$/.test(trimmed)) return undefined;
  return [head[n - 2], value];
}

/** dash's and zsh's `ulimit -a`: "-n: file descriptors          1024". */
function ulimitShort(text: string): [letter: string, value: string] | undefined {
  if (text.length < 6 || text[0] !== "-" || !LETTER.test(text[1]) || text[2] !== ":" || text[3] !== " ") return undefined;
  const f = lastField(text);
  if (!f || !/^[a-z][a-z ()-]*$/.test(f[0].slice(4))) return undefined;
  return [text[1], f[1]];
}

/** Collapses runs of white space to one space: "32768\t60999" -> "32768 60999". */
function normalize(v: string): string {
  return v.trim().replace(/\s+/g, " ");
}

function netsh(text: string, ctx: ParseContext): LineKind | undefined {
  // "Protocol tcp Dynamic Port Range" then "Start Port      : 49152", "Number of Ports : 16384"
  const m = /^Protocol (tcp|udp) Dynamic Port Range$/.exec(text);
  if (m) {
    ctx.scratch[FORMAT] = m[1];
    return "header";
  }
  return undefined;
}

/** Kernel settings lines. */
export const sysctl: Format = {
  format: FORMAT,
  reads: "sysctl lines (key = value, key: value), grep -r /proc/sys output, ulimit -a, netsh dynamicport",
  commands: ["sysctl", "ulimit", "netsh"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    const t0 = t[0];
    const text = line.text.trim();

    // The first line under `cat /proc/sys/net/ipv4/tcp_fin_timeout` or `sysctl -n KEY`: that key's value.
    const c = ctx.command;
    if (c?.value !== undefined && line.number === c.firstOutput && KEY.test(c.value) && t.length <= 8 && !/[=:]/.test(text)) {
      sink.sysctl(c.value, normalize(text));
      return "sysctl";
    }

    // key = value
    const spaced = t[1] === "=" ? sysctlKey(t0) : undefined;
    if (spaced) {
      sink.sysctl(spaced, normalize(text.slice(text.indexOf("=") + 1)));
      return "sysctl";
    }
    const eq = t0.indexOf("=");
    const joined = eq > 0 ? sysctlKey(t0.slice(0, eq)) : undefined;
    if (joined) {
      sink.sysctl(joined, normalize(text.slice(eq + 1)));
      return "sysctl";
    }
    // /proc/sys/net/ipv4/tcp_tw_reuse:2
    if (t0.startsWith(PROC_SYS)) {
      const colon = text.indexOf(":");
      if (colon > PROC_SYS.length) {
        const key = text.slice(PROC_SYS.length, colon).replaceAll("/", ".");
        if (KEY.test(key)) {
          sink.sysctl(key, normalize(text.slice(colon + 1)));
          return "sysctl";
        }
      }
      return undefined;
    }
    // kern.ipc.somaxconn: 128
    if (t0.endsWith(":") && t.length >= 2) {
      const key = t0.slice(0, -1);
      if (KEY.test(key) && BSD_ROOTS.has(key.slice(0, key.indexOf(".")))) {
        sink.sysctl(key, settingValue(text.slice(t0.length)));
        return "sysctl";
      }
    }
    // ulimit -a
    if (text.indexOf("-") !== -1 && (text.indexOf(")") !== -1 || t0.charCodeAt(0) === 45 /* - */)) {
      const m = ulimitBash(text) ?? ulimitShort(text);
      const name = m && ULIMIT.get(m[0]);
      if (name) {
        sink.sysctl(`ulimit.${name}`, m[1]);
        return "sysctl";
      }
    }
    // netsh int ipv4 show dynamicport tcp
    if (t0 === "Protocol") return netsh(text, ctx);
    if (t0 === "Start" || t0 === "Number") {
      const m = /^(Start Port|Number of Ports)\s*:\s*(\d+)$/.exec(text);
      if (m) {
        const proto = ctx.scratch[FORMAT] === "udp" ? "udp." : "";
        sink.sysctl(`windows.dynamicport.${proto}${m[1] === "Start Port" ? "start" : "count"}`, m[2]);
        return "sysctl";
      }
    }
    return undefined;
  },
};
