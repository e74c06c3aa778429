/**
 * A pasted command line read as a shell splits it, and what it says about
 * the output below it: which tool made the rows, which rows a filter kept
 * (`| grep 8080`, `ss ... state close-wait`, `lsof -sTCP:LISTEN`, `head`),
 * whether the output is a count of them (`| wc -l`, `grep -c`, `find /c`),
 * which sysctl a bare value is (`cat /proc/sys/...`, `sysctl -n KEY`), and
 * whether it ran on many hosts (ansible, pdsh). Pure; linear in the line.
 */

import type { SampleReason } from "../model/snapshot.ts";
import { stateId, STATES, UNKNOWN_STATE } from "../model/states.ts";

/** One stage of a pipeline: its words without quotes, and its text as pasted. */
export interface Stage {
  words: string[];
  text: string;
}

/** The state words a tool prints, each with its state id (from the format registry). */
export type ToolWords = (tool: string | undefined) => Iterable<readonly [string, number]>;

/** How the output of a command counts the rows its pipeline keeps. */
export interface CountStage {
  how: "wc-l" | "grep-c";
  /** Lines of the tool's own heading the count includes (`ss -tan state x | wc -l` counts ss's header). */
  header: number;
}

/** What a command line says about the output under it. */
export interface CommandReading {
  /** The command line as pasted (without its prompt), for reports. */
  text: string;
  /** The number of the first line of its output: the next line, or its own when the output is glued on (set by the shell format). */
  firstOutput: number;
  /** The socket tool whose rows the output pipeline prints ("ss", "netstat", "lsof", ...), when one does. */
  tool?: string;
  /** The state ids the rows are limited to (a state filter, a grep for a state word); undefined: any state. */
  states?: number[];
  /** The ports the rows are limited to. */
  ports?: number[];
  /** A bare-digits grep pattern taken for a port (it may be a pid: the rows below tell). */
  portGuess?: number;
  /** Why the rows are a part of the table, and the filters as pasted. */
  reasons: SampleReason[];
  filters: string[];
  /** The output is a count of the rows the pipeline keeps. */
  count?: CountStage;
  /** The rows are TCP sockets only (ss -t, netstat -t, -p tcp, lsof -iTCP, Get-NetTCPConnection, a state filter). */
  tcpOnly: boolean;
  /** The output is a histogram of states (`uniq -c`, `awk '{++S[$NF]}'`), not rows. */
  histogram: boolean;
  /** The sysctl whose bare value the output is (`cat /proc/sys/net/...`, `sysctl -n KEY`). */
  value?: string;
  /** The settings the command writes (`sysctl [-w] KEY=VALUE`), as [key, value] written. */
  sets?: [string, string][];
  /** Run on many hosts (ansible, pdsh, clush): each host's output is labelled with its name. */
  hosts: boolean;
  /** An ss state filter names exactly this one state (its rows have no State column), or 0. */
  ssState: number;
  /** An ss state filter is there but names no single state. */
  ssStateAmbiguous: boolean;
  /** The line ends with a pipe or a backslash: the command goes on on the next line. */
  continues: boolean;
}

// ---------------------------------------------------------------- lexing

/**
 * The longest command line read, in characters: a pasted command is a line
 * or two, and a longer "command" (a run-together paste) is cut here, so
 * reading one costs no more than reading this much.
 */
export const MAX_COMMAND = 4096;

const QUOTES: Record<string, string> = { "'": "'", '"': '"', "‘": "‘’", "’": "‘’", "“": "“”", "”": "“”" };

/** A word and where it ends in the text, or an operator (`|`, `;`, `&&`, `||`, `&`). */
interface Lexeme {
  word?: string;
  op?: string;
  start: number;
  end: number;
}

/** Splits a command line into words (quotes removed) and operators, in one pass. */
export function lex(line: string): Lexeme[] {
  const text = line.length > MAX_COMMAND ? line.slice(0, MAX_COMMAND) : line;
  const out: Lexeme[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "|" || c === ";" || c === "&") {
      const two = text.slice(i, i + 2);
      const op = two === "||" || two === "&&" ? two : c;
      out.push({ op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    const start = i;
    let word = "";
    let depth = 0;
    while (i < n) {
      const d = text[i];
      if (depth === 0 && (d === " " || d === "\t" || d === "|" || d === ";" || d === "&")) break;
      const close = QUOTES[d];
      if (close !== undefined) {
        let j = i + 1;
        while (j < n && close.indexOf(text[j]) === -1) j++;
        word += text.slice(i + 1, j);
        i = j < n ? j + 1 : n;
        continue;
      }
      if (d === "\\" && i + 1 < n) {
        word += text[i + 1];
        i += 2;
        continue;
      }
      if (d === "$" && text[i + 1] === "(") depth++;
      else if (d === ")" && depth > 0) depth--;
      word += d;
      i++;
    }
    out.push({ word, start, end: i });
  }
  return out;
}

/** The pipelines of a command line (split at `;`, `&&`, `||`, `&`), each a list of stages. */
export function pipelines(line: string): Stage[][] {
  const text = line.length > MAX_COMMAND ? line.slice(0, MAX_COMMAND) : line;
  const lexemes = lex(text);
  const out: Stage[][] = [];
  let pipe: Stage[] = [];
  let words: string[] = [];
  let from = -1, to = -1;
  const endStage = () => {
    if (words.length) pipe.push({ words, text: text.slice(from, to) });
    words = [];
    from = -1;
  };
  for (const l of lexemes) {
    if (l.op === undefined) {
      if (from < 0) from = l.start;
      to = l.end;
      words.push(l.word!);
      continue;
    }
    endStage();
    if (l.op !== "|") {
      if (pipe.length) out.push(pipe);
      pipe = [];
    }
  }
  endStage();
  if (pipe.length) out.push(pipe);
  return out;
}

// ---------------------------------------------------------------- wrappers

/** Words that run the rest of the line as the command: `sudo ss -tan`, `watch -n1 ss -s`. */
const PREFIXES = new Set(["sudo", "doas", "time", "nohup", "exec", "command", "builtin", "do", "then", "else", "{", "(", "!", "env", "stdbuf", "unbuffer", "nice", "timeout"]);
/** Wrappers whose command is one (often quoted) argument after their options. */
const WRAPPED = new Set(["watch", "sh", "bash", "zsh", "ssh", "su"]);
/** Fleet tools: the command runs on many hosts, each host's output labelled. */
const FLEET = new Set(["ansible", "pdsh", "clush", "salt", "pssh", "parallel-ssh"]);

/** The words of a stage without the wrappers in front of the command itself. */
function unwrap(words: string[]): { words: string[]; inner?: string; hosts: boolean } {
  let i = 0;
  for (;;) {
    const w = words[i];
    if (w === undefined) return { words: [], hosts: false };
    if (PREFIXES.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      i++;
      // Options of sudo, env, time and timeout ("sudo -u www", "timeout 5").
      while (i < words.length && words[i].startsWith("-")) i += words[i] === "-u" || words[i] === "-g" ? 2 : 1;
      if (w === "timeout" && /^\d/.test(words[i] ?? "")) i++;
      continue;
    }
    if (w === "ip" && words[i + 1] === "netns" && words[i + 2] === "exec") {
      i += 4;
      continue;
    }
    if (w === "nsenter") {
      i++;
      while (i < words.length && words[i].startsWith("-")) i += /^-[tSGuUw]$/.test(words[i]) ? 2 : 1;
      if (words[i] === "--") i++;
      continue;
    }
    if ((w === "docker" || w === "podman" || w === "kubectl") && words[i + 1] === "exec") {
      const dash = words.indexOf("--", i);
      if (dash !== -1) i = dash + 1;
      else {
        i += 2;
        while (i < words.length && words[i].startsWith("-")) i++;
        i++;
      }
      continue;
    }
    if (w === "adb" && words[i + 1] === "shell") {
      i += 2;
      continue;
    }
    if (w === "busybox" || w === "toybox") {
      i++;
      continue;
    }
    if (WRAPPED.has(w)) {
      // watch -n 1 -d 'CMD', bash -c 'CMD', ssh host 'CMD': the last word is the command when it holds a space.
      const last = words[words.length - 1];
      if (words.length > i + 1 && last.indexOf(" ") !== -1) return { words: [], inner: last, hosts: false };
      i++;
      while (i < words.length && words[i].startsWith("-")) i += /^-[nc]$/.test(words[i]) && w === "watch" ? 2 : 1;
      if (w === "ssh") i++;
      continue;
    }
    if (FLEET.has(w)) {
      // ansible HOSTS -a 'CMD' [-m shell], pdsh -w HOSTS CMD..., salt 'HOSTS' cmd.run 'CMD'
      const a = words.findIndex((x, k) => k > i && (x === "-a" || x === "--args"));
      if (a !== -1 && words[a + 1] !== undefined) return { words: [], inner: words[a + 1], hosts: true };
      const run = words.indexOf("cmd.run", i);
      if (run !== -1 && words[run + 1] !== undefined) return { words: [], inner: words[run + 1], hosts: true };
      let k = i + 1;
      while (k < words.length && words[k].startsWith("-")) k += /^-[wgxlR]$/.test(words[k]) ? 2 : 1;
      return { words: [], inner: words.slice(k).join(" "), hosts: true };
    }
    return { words: words.slice(i), hosts: false };
  }
}

// ---------------------------------------------------------------- filters

const GREPS = new Set(["grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "pcregrep", "ggrep"]);
const FINDSTR = new Set(["findstr", "findstr.exe", "FINDSTR"]);
const SELECT_STRING = new Set(["select-string", "sls"]);
const AWKS = new Set(["awk", "gawk", "mawk", "nawk"]);
const SELECTS = new Set(["select", "select-object"]);
const WHERES = new Set(["where", "where-object", "?"]);
const MEASURES = new Set(["measure", "measure-object"]);
// Protocol words a grep can select: the TCP rows of a table are the whole TCP table.
const PROTOCOL = /^(?:\^|\\<|\\b)?(?:tcp[46]?|TCP[46]?|tcp46)(?:\\>|\\b| )?$/;

/** The patterns of a grep stage, whether it inverts or ignores case, and whether it counts. */
function grepArgs(words: string[]): { patterns: string[]; invert: boolean; icase: boolean; count: boolean; files: number } {
  const out = { patterns: [] as string[], invert: false, icase: false, count: false, files: 0 };
  let explicit = false;
  const rest: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === "-e" || w === "--regexp") {
      if (words[i + 1] !== undefined) out.patterns.push(words[++i]);
      explicit = true;
    } else if (w.startsWith("--")) {
      if (w === "--count") out.count = true;
      else if (w === "--invert-match") out.invert = true;
      else if (w === "--ignore-case") out.icase = true;
    } else if (w.startsWith("-") && w.length > 1 && !/^-\d/.test(w)) {
      for (const f of w.slice(1)) {
        if (f === "c") out.count = true;
        else if (f === "v") out.invert = true;
        else if (f === "i") out.icase = true;
      }
      if (w.endsWith("e") && words[i + 1] !== undefined) {
        out.patterns.push(words[++i]);
        explicit = true;
      } else if (/[Am]$/.test(w) || /^-[ABCm]$/.test(w)) i++;
    } else rest.push(w);
  }
  if (!explicit && rest.length) out.patterns.push(rest.shift()!);
  out.files = rest.length;
  return out;
}

/** findstr "A B" matches either word; /c:"A B" the phrase; /i ignores case; /v inverts; /c counts (find). */
function findstrArgs(words: string[], find: boolean): { patterns: string[]; invert: boolean; icase: boolean; count: boolean } {
  const out = { patterns: [] as string[], invert: false, icase: false, count: false };
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    const lw = w.toLowerCase();
    if (lw.startsWith("/c:")) out.patterns.push(w.slice(3));
    else if (lw === "/i") out.icase = true;
    else if (lw === "/v") out.invert = true;
    else if (lw === "/c" && find) out.count = true;
    else if (lw.startsWith("/") && lw.length <= 3) continue;
    else out.patterns.push(...(find ? [w] : w.split(/\s+/).filter(Boolean)));
  }
  return out;
}

/** Basic regular expression (grep) to JavaScript: `\|` is alternation, `\(` grouping. */
function bre(p: string): string {
  return p.replace(/\\([|(){}+?])/g, "$1");
}

/** The alternatives of a pattern at the top level: "CLOSE_WAIT|TIME_WAIT" -> both. */
function alternatives(p: string, extended: boolean): string[] {
  const s = extended ? p : bre(p);
  const out: string[] = [];
  let depth = 0, from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\") i++;
    else if (c === "(" || c === "[") depth++;
    else if ((c === ")" || c === "]") && depth > 0) depth--;
    else if (c === "|" && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

/** A pattern that can only match a state word: letters, `_` and `-`, at least three, anchors allowed. */
const STATE_LIKE = /^(?:\^|\\<|\\b)?[A-Za-z][A-Za-z0-9_-]{2,}(?:\$|\\>|\\b)?$/;
/** A port in a pattern: ":8080", ":8080 ", ".8080", "8080", "127.0.0.1:9000", "\.80\b". */
const PORT_PAT = /^(?:(?:\d{1,3}\\?\.){3}\d{1,3}|\[[0-9a-fA-F:.]*\]|[*])?(?:\\?[:.])?(\d{1,5})(?:\\b|\\>|\$| )?$/;

/** What a set of alternatives selects: states (ids), ports, or neither. */
function patternTargets(alts: string[], icase: boolean, words: Iterable<readonly [string, number]>): { states?: Set<number>; ports?: number[]; bare?: number } {
  const list = [...words];
  const states = new Set<number>();
  const ports: number[] = [];
  let bare: number | undefined;
  let stateAlts = 0, portAlts = 0;
  for (const raw of alts) {
    const a = raw.trim() === "" ? raw : raw.replace(/ +$/, "");
    if (STATE_LIKE.test(a) && !PROTOCOL.test(a)) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(a.replace(/\\</g, "\\b").replace(/\\>/g, "\\b"), icase ? "i" : "");
      } catch {
        re = undefined;
      }
      if (!re) return {};
      let any = false;
      for (const [w, id] of list) {
        if (id !== UNKNOWN_STATE && re.test(w)) {
          states.add(id);
          any = true;
        }
      }
      if (!any) return {};
      stateAlts++;
      continue;
    }
    const m = PORT_PAT.exec(a);
    if (m && a !== "") {
      const p = Number(m[1]);
      if (p > 0 && p <= 65535) {
        ports.push(p);
        portAlts++;
        if (/^\d+$/.test(a)) bare = p;
        continue;
      }
    }
    return {};
  }
  if (stateAlts === alts.length) return { states };
  if (portAlts === alts.length) return { ports, bare: alts.length === 1 ? bare : undefined };
  return {};
}

/** `where State -eq 'TimeWait'`, `? {$_.LocalPort -eq 8080}`: the property and the values it compares with. */
function whereArgs(words: string[]): { prop: string; values: string[]; negate: boolean } | undefined {
  const flat = words.slice(1).join(" ").replace(/[{}()@'"$]/g, " ").split(/[\s,]+/).filter(Boolean);
  const k = flat.findIndex((w) => /^(?:_\.)?(?:State|LocalPort|RemotePort|OwningProcess)$/i.test(w));
  const op = flat[k + 1]?.toLowerCase();
  if (k === -1 || !/^-(?:eq|in|ne|notin|like|match)$/.test(op ?? "")) return undefined;
  return { prop: flat[k].replace(/^_\./, "").toLowerCase(), values: flat.slice(k + 2), negate: op === "-ne" || op === "-notin" };
}

// ---------------------------------------------------------------- tools

/** The socket tools whose output rows a filter or count can apply to. */
const TOOLS = new Set(["ss", "netstat", "netstat.exe", "lsof", "get-nettcpconnection", "conntrack", "sockstat", "lsfd"]);

/** ss filter words for states (iproute2's names), as the ss format spells them. */
export interface ReadOptions {
  /** ss's state filter words (`state close-wait`), each with its state. */
  ssStates: Readonly<Record<string, string>>;
  /** The state words of a tool's output (the format registry's). */
  words: ToolWords;
}

const LISTEN = stateId("LISTEN");

/** Ports from an ss filter expression: `sport = :8080`, `( dport = :443 or sport = :443 )`, `sport==8080`. */
function ssPorts(expr: string[]): number[] {
  const flat = expr.join(" ").replace(/[()'"]/g, " ").replace(/(==|=|!=)/g, " $1 ").split(/\s+/).filter(Boolean);
  const out: number[] = [];
  for (let i = 0; i < flat.length; i++) {
    if (!/^(?:sport|dport)$/.test(flat[i])) continue;
    let j = i + 1;
    if (/^(?:=|==|eq|ge|le|gt|lt|>=|<=|!=|neq)$/.test(flat[j] ?? "")) j++;
    const m = /^:?(\d{1,5})$/.exec(flat[j] ?? "");
    if (m && flat[i + 1] !== "!=" && flat[i + 1] !== "neq") out.push(Number(m[1]));
  }
  return out;
}

/** State names as PowerShell, lsof and conntrack take them on their command lines, to canonical ids. */
function stateArg(v: string, words: Iterable<readonly [string, number]>): number {
  const u = v.toUpperCase().replace(/-/g, "_");
  for (const [w, id] of words) if (w.toUpperCase().replace(/-/g, "_") === u) return id;
  const canon = u === "SYNRECEIVED" ? "SYN_RECV" : u === "TIMEWAIT" ? "TIME_WAIT" : u === "CLOSEWAIT" ? "CLOSE_WAIT" : u === "FINWAIT1"
    ? "FIN_WAIT_1"
    : u === "FINWAIT2" ? "FIN_WAIT_2" : u === "LASTACK" ? "LAST_ACK" : u === "SYNSENT" ? "SYN_SENT" : u;
  return (STATES as readonly string[]).includes(canon) ? stateId(canon as (typeof STATES)[number]) : UNKNOWN_STATE;
}

/** Reads a command line (without its prompt). */
export function readCommand(line: string, o: ReadOptions): CommandReading {
  const trimmed = (line.length > MAX_COMMAND ? line.slice(0, MAX_COMMAND) : line).trim();
  const r: CommandReading = {
    text: trimmed,
    firstOutput: 0,
    reasons: [],
    filters: [],
    tcpOnly: false,
    histogram: false,
    hosts: false,
    ssState: 0,
    ssStateAmbiguous: false,
    // A pipe (not an empty stage "| |", a table's border) or a line-continuation mark at the end.
    continues: /(?:\||\\|`)$/.test(trimmed) && !/\|\s*\|$/.test(trimmed),
  };
  // (Get-NetTCPConnection -State TimeWait).Count
  const paren = /^\((.*)\)\.Count$/i.exec(trimmed);
  const body = paren ? paren[1] : trimmed;
  const all = pipelines(body);
  if (all.length === 0) return r;
  // The pipeline whose output is under the line: the last that runs a socket tool or counts; else the last.
  let pipe = all[all.length - 1];
  for (let k = all.length - 1; k >= 0; k--) {
    const first = unwrap(all[k][0].words);
    const name = (first.words[0] ?? "").toLowerCase().replace(/^.*[\\/]/, "");
    if (first.inner !== undefined || TOOLS.has(name) || all[k].some((s) => s.words[0] === "wc") || name === "cat" || name === "sysctl") {
      pipe = all[k];
      break;
    }
  }
  let stages = pipe.map((s) => ({ ...s }));
  const head = unwrap(stages[0].words);
  if (head.inner !== undefined) {
    // The command a wrapper or fleet tool runs: read it, and keep the wrapper's own stages after it.
    const inner = readCommand(head.inner, o);
    const tail = stages.slice(1);
    inner.text = trimmed;
    inner.hosts = head.hosts || inner.hosts;
    if (tail.length) readStages(inner, tail, o, false);
    if (paren) inner.count ??= { how: "wc-l", header: 0 };
    return inner;
  }
  stages[0] = { words: head.words, text: stages[0].text };
  if (stages[0].words.length === 0) stages = stages.slice(1);
  readStages(r, stages, o, true);
  if (paren) r.count ??= { how: "wc-l", header: 0 };
  return r;
}

/** Reads the stages of a pipeline into `r`; `first` when stages[0] is the command that makes the output. */
function readStages(r: CommandReading, stages: Stage[], o: ReadOptions, first: boolean): void {
  let states: Set<number> | undefined = r.states ? new Set(r.states) : undefined;
  const ports = new Set<number>(r.ports ?? []);
  const limit = (s: Set<number>) => {
    states = states ? new Set([...states].filter((x) => s.has(x))) : s;
  };
  const reason = (why: SampleReason, filter: string) => {
    if (!r.reasons.includes(why)) r.reasons.push(why);
    if (!r.filters.includes(filter)) r.filters.push(filter);
  };
  let filtered = false;
  let header = 0;
  for (let k = 0; k < stages.length; k++) {
    const { words, text } = stages[k];
    const name = (words[0] ?? "").replace(/^.*[\\/]/, "");
    const lname = name.toLowerCase();
    const toolWords = () => o.words(r.tool);
    if (k === 0 && first) {
      if (TOOLS.has(lname)) {
        r.tool = lname === "netstat.exe" ? "netstat" : lname === "get-nettcpconnection" ? "Get-NetTCPConnection" : lname;
        header = readTool(r, words, o, (s) => limit(s), (p) => ports.add(p), reason);
        continue;
      }
      if (lname === "cat" || lname === "type" || lname === "get-content" || lname === "gc") {
        const file = words.slice(1).find((w) => !w.startsWith("-"));
        if (file?.startsWith("/proc/sys/") && words.length === 2) r.value = file.slice(10).replace(/\//g, ".");
        else if (file && /^\/proc\/net\/(?:tcp6?|nf_conntrack|ip_conntrack)$/.test(file)) {
          r.tool = "cat";
          r.tcpOnly = /tcp/.test(file);
          header = /tcp/.test(file) ? 1 : 0;
        }
        continue;
      }
      if (lname === "sysctl") {
        const keys = words.slice(1).filter((w) => !w.startsWith("-"));
        if (words.some((w) => /^-[a-zA-Z]*n[a-zA-Z]*$/.test(w)) && keys.length === 1) r.value = keys[0];
        // procps and BSD sysctl write an argument with "=" in it, with or without -w.
        for (const w of keys) {
          const eq = w.indexOf("=");
          if (eq > 0 && eq < w.length - 1) (r.sets ??= []).push([w.slice(0, eq), w.slice(eq + 1)]);
        }
        continue;
      }
    }
    if (GREPS.has(name)) {
      const g = grepArgs(words);
      if (g.patterns.length === 0) continue;
      const extended = name === "egrep" || name === "rg" || name === "ag" || words.some((w) => /^-[a-zA-Z]*[EP]/.test(w));
      const alts = g.patterns.flatMap((p) => alternatives(p, extended));
      applyPattern(r, alts, g.invert, g.icase, text, toolWords(), limit, ports, reason);
      if (!g.invert) filtered = true;
      if (g.count) {
        r.count = { how: "grep-c", header: 0 };
        break;
      }
      continue;
    }
    if (FINDSTR.has(name) || lname === "find" || lname === "find.exe") {
      const find = lname !== "findstr" && lname !== "findstr.exe";
      // Unix find is no filter: a Windows find stage takes a quoted string or a /switch.
      if (find && !words.slice(1).some((w) => w.startsWith("/") || /\s/.test(w) || /^[A-Z_]+$/.test(w))) continue;
      const f = findstrArgs(words, find);
      const pats = f.patterns.filter((p) => p !== "");
      if (pats.length) {
        applyPattern(r, pats, f.invert, f.icase || !find, text, toolWords(), limit, ports, reason);
        if (!f.invert) filtered = true;
      }
      if (f.count) {
        // `find /c /v ""` counts every line: Windows netstat's blank line, title, blank line and heading too.
        const all = pats.length === 0 && f.invert;
        r.count = { how: all ? "wc-l" : "grep-c", header: all ? headerAfter(r.tool === "netstat" ? 4 : header, filtered) : 0 };
        break;
      }
      continue;
    }
    if (SELECT_STRING.has(lname)) {
      const pats = words.slice(1).filter((w, i, a) => !w.startsWith("-") || a[i - 1] === "-Pattern");
      applyPattern(r, pats.filter((w) => !w.startsWith("-")), words.includes("-NotMatch"), true, text, toolWords(), limit, ports, reason);
      filtered = true;
      continue;
    }
    if (AWKS.has(name)) {
      const prog = words.slice(1).find((w) => !w.startsWith("-") && /[{}]|^\//.test(w));
      if (!prog) continue;
      if (/\+\+\s*\w+\[\$|\[\$\w+\]\s*\+\+|uniq|\bcount\b/.test(prog)) {
        r.histogram = true;
        continue;
      }
      // A pattern or an `if` that keeps some rows (not the protocol's: /^tcp/ keeps the TCP table whole).
      const cond = prog.replace(/^\s*\/\^?tcp[46]?\/\s*/, "").replace(/\{[^{}]*\}\s*$/, "");
      // One column matched against ":PORT" (`$5 ~ /:8139/`, `$4 ~ ":80$"`): the rows of that port.
      const byPort = /^\s*\$\d+\s*~\s*(?:\/|")[^/"|&]*:(\d{1,5})\$?(?:\/|")\s*$/.exec(cond);
      if (byPort) {
        ports.add(Number(byPort[1]));
        reason("port-filter", text);
        filtered = true;
        continue;
      }
      if (/\bif\s*\(|[<>~]|==|!=/.test(prog) && !/^\s*\/\^?tcp[46]?\/\s*\{[^<>~=!]*\}\s*$/.test(prog) || /^\s*\//.test(cond) && cond.trim() !== "") {
        reason("grep", text);
        filtered = true;
      }
      continue;
    }
    if (lname === "uniq" && words.some((w) => /^-[a-z]*c/.test(w))) {
      r.histogram = true;
      continue;
    }
    if (lname === "head" || lname === "tail") {
      reason(lname, text);
      continue;
    }
    if (SELECTS.has(lname)) {
      const fl = words.findIndex((w) => /^-(?:first|last)$/i.test(w));
      if (fl !== -1) reason(/first/i.test(words[fl]) ? "head" : "tail", text);
      continue;
    }
    if (WHERES.has(lname)) {
      const w = whereArgs(words);
      if (!w) continue;
      if (w.prop === "state") {
        const s = new Set(w.values.map((v) => stateArg(v, toolWords())).filter((x) => x !== UNKNOWN_STATE));
        if (s.size) {
          limit(w.negate ? complement(s) : s);
          reason("state-filter", text);
        }
      } else if (w.prop === "localport" || w.prop === "remoteport") {
        if (!w.negate) for (const v of w.values) if (/^\d{1,5}$/.test(v)) ports.add(Number(v));
        reason("port-filter", text);
      } else reason("grep", text);
      filtered = true;
      continue;
    }
    if (lname === "wc" && words.some((w) => /^-[a-z]*l/.test(w) || w === "--lines")) {
      r.count = { how: "wc-l", header: headerAfter(header, filtered) };
      break;
    }
    if (MEASURES.has(lname)) {
      r.count = { how: "wc-l", header: 0 };
      break;
    }
  }
  if (states) r.states = [...states].sort((a, b) => a - b);
  if (ports.size) r.ports = [...ports].sort((a, b) => a - b);
}

function headerAfter(header: number, filtered: boolean): number {
  return filtered ? 0 : header;
}

function complement(s: Set<number>): Set<number> {
  const out = new Set<number>();
  for (let id = 1; id <= STATES.length; id++) if (!s.has(id)) out.add(id);
  return out;
}

/** Applies a grep-like stage's patterns: a state word limits the states, a port the ports; anything else is a grep. */
function applyPattern(
  r: CommandReading,
  alts: string[],
  invert: boolean,
  icase: boolean,
  text: string,
  words: Iterable<readonly [string, number]>,
  limit: (s: Set<number>) => void,
  ports: Set<number>,
  reason: (why: SampleReason, filter: string) => void,
): void {
  if (alts.length === 0) return;
  // grep tcp / grep -v udp: the TCP rows, the whole TCP table.
  if (!invert && alts.every((a) => PROTOCOL.test(a.trim()))) {
    r.tcpOnly = true;
    return;
  }
  if (invert && alts.every((a) => /^(?:\^|\\<)?(?:udp[46]?|UDP|unix|raw[46]?|Active|Proto)/.test(a.trim()))) return;
  // grep ":" or "." keeps every row that shows an address: the whole table.
  if (!invert && alts.every((a) => /^\\?[.:]$/.test(a.trim()))) return;
  const t = patternTargets(alts, icase, words);
  if (t.states) {
    limit(invert ? complement(t.states) : t.states);
    r.tcpOnly = true;
    reason("grep", text);
    return;
  }
  if (t.ports && !invert) {
    for (const p of t.ports) ports.add(p);
    if (t.bare !== undefined && t.ports.length === 1) r.portGuess = t.bare;
    reason("grep", text);
    return;
  }
  reason("grep", text);
}

/** Reads the socket tool's own options; returns the heading lines its output starts with. */
function readTool(
  r: CommandReading,
  words: string[],
  o: ReadOptions,
  limit: (s: Set<number>) => void,
  port: (p: number) => void,
  reason: (why: SampleReason, filter: string) => void,
): number {
  const tool = r.tool!;
  const args = words.slice(1);
  const flags = args.filter((w) => /^-[A-Za-z]+$/.test(w)).join("");
  if (tool === "ss") {
    const found = new Set<number>();
    for (let i = 0; i < args.length; i++) {
      const w = args[i];
      if ((w === "state" || w === "exclude") && i + 1 < args.length) {
        const s = args[i + 1];
        if (w === "exclude") r.ssStateAmbiguous = true;
        else if (Object.hasOwn(o.ssStates, s)) found.add(stateId(o.ssStates[s] as (typeof STATES)[number]));
        else r.ssStateAmbiguous = true;
        i++;
      }
    }
    if (found.size === 1 && !r.ssStateAmbiguous) r.ssState = [...found][0];
    else if (found.size > 1) r.ssStateAmbiguous = true;
    if (found.size) {
      if (!args.includes("exclude")) limit(found);
      reason("state-filter", args.filter((w, i) => w === "state" || args[i - 1] === "state").join(" "));
    } else if (/l/.test(flags) && !/a/.test(flags) || args.includes("--listening")) {
      limit(new Set([LISTEN]));
      reason("state-filter", "ss -l");
    }
    const p = ssPorts(args);
    if (p.length) {
      for (const x of p) port(x);
      reason("port-filter", args.filter((w) => !w.startsWith("-")).join(" "));
    }
    r.tcpOnly = /t/.test(flags) || args.includes("--tcp");
    return /H/.test(flags) || args.includes("--no-header") ? 0 : 1;
  }
  if (tool === "netstat") {
    if (/l/.test(flags) && !/a/.test(flags)) {
      limit(new Set([LISTEN]));
      reason("state-filter", "netstat -l");
    }
    const p = args.findIndex((w) => /^-[a-zA-Z]*[pP]$/.test(w));
    const proto = p !== -1 ? (args[p + 1] ?? "").toLowerCase() : "";
    r.tcpOnly = /t/.test(flags) || args.includes("--tcp") || proto === "tcp" || proto === "tcpv6";
    // The title and the column heading (Windows prints four lines: see the find /c stage).
    return 2;
  }
  if (tool === "lsof") {
    for (let i = 0; i < args.length; i++) {
      let w = args[i];
      if (w === "-i" && args[i + 1] !== undefined && !args[i + 1].startsWith("-")) w = "-i" + args[++i];
      if (w === "-s" && args[i + 1] !== undefined) w = "-s" + args[++i];
      if (w === "-p" && args[i + 1] !== undefined) {
        reason("process-filter", `lsof -p ${args[++i]}`);
        continue;
      }
      if (w.startsWith("-i")) {
        const spec = w.slice(2);
        if (/^tcp/i.test(spec)) r.tcpOnly = true;
        const m = /:(\d{1,5})(?:-(\d{1,5}))?$/.exec(spec);
        if (m) {
          if (m[2] === undefined) port(Number(m[1]));
          reason("port-filter", w);
        }
      } else if (/^-s(?:TCP|tcp):/.test(w)) {
        const list = w.slice(w.indexOf(":") + 1).split(",");
        const neg = list.every((x) => x.startsWith("^"));
        const s = new Set(list.map((x) => stateArg(x.replace(/^\^/, ""), o.words("lsof"))).filter((x) => x !== UNKNOWN_STATE));
        if (s.size) {
          limit(neg ? complement(s) : s);
          reason("state-filter", w);
        }
        r.tcpOnly = true;
      } else if (w === "-t") return 0;
    }
    return 1;
  }
  if (tool === "Get-NetTCPConnection") {
    r.tcpOnly = true;
    for (let i = 0; i < args.length; i++) {
      const w = args[i].toLowerCase();
      const v = args[i + 1];
      if (v === undefined) continue;
      const values = v.split(",").filter(Boolean);
      if (w === "-state") {
        const s = new Set(values.map((x) => stateArg(x, o.words("Get-NetTCPConnection"))).filter((x) => x !== UNKNOWN_STATE));
        if (s.size) {
          limit(s);
          reason("state-filter", `-State ${v}`);
        }
        i++;
      } else if (w === "-localport" || w === "-remoteport") {
        for (const x of values) if (/^\d{1,5}$/.test(x)) port(Number(x));
        reason("port-filter", `${args[i]} ${v}`);
        i++;
      } else if (w === "-owningprocess") {
        reason("process-filter", `${args[i]} ${v}`);
        i++;
      } else if (w === "-localaddress" || w === "-remoteaddress") {
        reason("grep", `${args[i]} ${v}`);
        i++;
      }
    }
    return 0;
  }
  if (tool === "conntrack") {
    for (let i = 0; i < args.length; i++) {
      const w = args[i], v = args[i + 1];
      if (v === undefined) continue;
      if (w === "-p" || w === "--proto" || w === "--protonum") r.tcpOnly = v.toLowerCase() === "tcp" || v === "6";
      else if (w === "--state") {
        const s = new Set(v.split(",").map((x) => stateArg(x, o.words("conntrack"))).filter((x) => x !== UNKNOWN_STATE));
        if (s.size) {
          limit(s);
          reason("state-filter", `--state ${v}`);
        }
      } else if (/^--(?:dport|sport|orig-port-dst|orig-port-src|reply-port-src|reply-port-dst)$/.test(w)) {
        if (/^\d{1,5}$/.test(v)) port(Number(v));
        reason("port-filter", `${w} ${v}`);
      } else if (/^(?:-s|-d|--src|--dst|--orig-src|--orig-dst)$/.test(w)) reason("grep", `${w} ${v}`);
    }
    return 0;
  }
  if (tool === "sockstat") {
    r.tcpOnly = /P/.test(flags) && /tcp/i.test(args.join(" "));
    if (/l/.test(flags)) {
      limit(new Set([LISTEN]));
      reason("state-filter", "sockstat -l");
    }
    return 1;
  }
  return 0;
}

/** The commands a command line runs (each pipeline's first, wrappers unwrapped; the wrapper's own name too). */
export function commandNames(line: string): string[] {
  const out: string[] = [];
  const body = (line.length > MAX_COMMAND ? line.slice(0, MAX_COMMAND) : line).trim().replace(/^\((.*)\)\.Count$/i, "$1");
  for (const pipe of pipelines(body)) {
    const words = pipe[0].words;
    if (words.length === 0) continue;
    out.push(words[0].replace(/^.*[\\/]/, ""));
    const u = unwrap(words);
    if (u.inner !== undefined) out.push(...commandNames(u.inner));
    else if (u.words.length) out.push(u.words[0].replace(/^.*[\\/]/, ""));
  }
  return out;
}

/** Output words that start a tool's output when a paste glued it to the command line ("ss -s Total: 280 ..."). */
const OUTPUT_START = /^(?:Total:|State|Netid|Recv-Q|Proto|Active|COMMAND|sockets:|TCP:|Transport)$/;

/**
 * Where output glued to a command line starts (a web page that lost the
 * line break after the command): after the program of a closing awk, the
 * path of `cat /proc/...`, the key of `sysctl -n`, the options of `wc`,
 * `uniq`, `sort`, `head`, `tail`, or at a word that starts a tool's output
 * (`Total:`, `State`, `Proto`). -1 when nothing follows the command.
 */
export function gluedAt(text: string): number {
  const lexemes = lex(text);
  // The last stage: the lexemes after the last operator.
  let from = 0;
  for (let k = 0; k < lexemes.length; k++) if (lexemes[k].op !== undefined) from = k + 1;
  const stage = lexemes.slice(from);
  if (stage.length < 2) return -1;
  for (let k = 1; k < lexemes.length; k++) {
    const w = lexemes[k].word;
    // Not an argument: `Group-Object -Property State`, `Group-Object State` end the command there.
    const prev = lexemes[k - 1].word;
    if (w !== undefined && OUTPUT_START.test(w) && prev !== undefined && !/^-[A-Z][a-z]/.test(prev) && k < lexemes.length - 1) {
      return lexemes[k].start;
    }
  }
  const name = (stage[0].word ?? "").replace(/^.*[\\/]/, "").toLowerCase();
  let k = 1;
  const opts = (withValue: RegExp) => {
    while (k < stage.length && stage[k].word!.startsWith("-") && stage[k].word!.length > 1) k += withValue.test(stage[k].word!) ? 2 : 1;
  };
  if (AWKS.has(name)) {
    opts(/^-[Fvf]$/);
    // The program, then anything that is not a file name.
    k++;
    if (k < stage.length && !/[/\\]|\.\w{1,4}$|^-$/.test(stage[k].word!)) return stage[k].start;
    return -1;
  }
  if (name === "cat" || name === "sysctl") {
    opts(/^$/);
    while (k < stage.length && (name === "cat" ? /\//.test(stage[k].word!) : /^[a-z][\w-]*(?:\.[\w-]+)+$/.test(stage[k].word!))) k++;
    return k > 1 && k < stage.length ? stage[k].start : -1;
  }
  if (name === "wc" || name === "uniq" || name === "sort" || name === "head" || name === "tail") {
    opts(/^-[nkt]$/);
    return k < stage.length ? stage[k].start : -1;
  }
  return -1;
}
