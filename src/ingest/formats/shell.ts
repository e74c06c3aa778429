/**
 * Shell transcript lines around a pasted dump: prompts, the command line
 * itself (whose state filter the rows below inherit), ^C and separators.
 */

import { commandNames, gluedAt, MAX_COMMAND, readCommand } from "../command_line.ts";
import type { LineKind } from "../../model/snapshot.ts";
import type { Format, ParseContext, Sink } from "../format.ts";
import { dateLine } from "../moment.ts";
import { SS_FILTER_STATES } from "./ss.ts";
import { sysctlKey } from "./sysctl.ts";

/**
 * Commands that wrap or filter the tools whose output tcpdoc reads (each
 * format names its own tools; the registry adds them to these).
 */
const WRAPPERS = [
  "cat", "sudo", "doas", "awk", "grep", "egrep", "sort", "uniq", "wc", "head", "tail", "less", "more", "watch", "ip",
  "docker", "kubectl", "nsenter", "adb", "ssh", "echo", "date", "uname", "hostname", "findstr", "Select-String", "for",
  "while", "time",
  // Filters a socket table is piped through (Windows `find`, `sls`; Unix text tools).
  "find", "FIND", "sls", "cut", "tr", "sed", "column", "nl", "xargs", "rg", "ag", "ack", "zgrep", "pcregrep",
  // Fleet tools: the command they run is their argument (ansible -a 'CMD').
  "ansible", "pdsh", "clush", "salt",
];

// Prompts that cannot be anything else: "user@host:~$ ", "[root@host ~]# ",
// "[root@freenas] ~# ", "PS C:\Users\me> ", "[server]: PS C:\> " (a remote
// PSSession), "C:\> ", "sh-5.1$ ", "bash-5.2# ", oh-my-zsh's "➜  ~ ". After
// these any command is a command line.
// Also cPanel's "root@server [~]# ", macOS's "Kevins-MBP:dir user$ " and
// pfSense's "[2.4.4-RELEASE][root@fw]/root: ".
// No two neighbouring parts can match the same characters ("[^\]@]*@" up to the
// first "@", "[^>]*" without a "\s*" after it): the time stays linear in the line.
const STRONG_PROMPT = /^(?:(?:\[[^\]@]*\])*\[[^\]@]*@[^\]]*\](?:\s*[^\s$#%>:]+)?\s*|[\w.-]+@[\w.-]+(?::\S*)?(?:\s+\[[^\]]*\])?\s*|(?:\[[\w.-]+\]:\s*)?PS [A-Za-z]:\\[^>]*|[A-Za-z]:\\[^>]*|[\w.-]*sh-[\d.]+\s*|[\w.-]+:\S+ [\w.-]+(?=\$ ))[$#%>]\s?|^(?:\[[^\]@]*\])+\[[^\]@]*@[^\]]*\][^\s:]*:\s|^➜\s+\S+(?:\s+git:\([^)]*\))?(?:\s+✗)?(?:\s+|$)/;
// Short prompts ("$ ", "# ", "host% ", "~ ❯ "): only before a known command.
// Also "debian:~# " (a host and the directory, no user).
const WEAK_PROMPT = /^(?:[\w.-]+:)?(?:[\w~./-]+)?\s*[$#%>❯»]\s?/;

function commandAfterPrompt(text: string): { cmd: string; strong: boolean } | undefined {
  let m = STRONG_PROMPT.exec(text);
  if (m) return { cmd: text.slice(m[0].length).trim(), strong: true };
  m = WEAK_PROMPT.exec(text);
  if (m && m[0].length > 0) return { cmd: text.slice(m[0].length).trim(), strong: false };
  return undefined;
}

// A tool's own complaint printed among its output: "netstat: /proc/net/tcp6:
// No such file or directory", "ss: unknown option".
const TOOL_MESSAGE = /^(?:ss|netstat|lsof|nstat|sar|busybox|toybox|sysctl|cat|awk|grep|sudo|bash|sh|zsh):\s/;

const WATCH_HEADER = /^\s*Every\s+\d+(?:[.,]\d+)?s:\s+(.*)$/;

// "...", "…", "[...]", "(...)", "<...>", "<snip>", "[snip]", "--snip--", "8< snip", "... 120 more lines ...",
// "(truncated)", "[output truncated]", "<redacted>", "[ rest omitted ]". Tested on the line
// trimmed, its white-space runs made one space (see isElision): runs of white space
// under neighbouring quantifiers made this pattern take exponential time.
const ELISION = /^(?:[.…·]{2,}|…|[[(<{]\s*(?:\.{2,}|…)\s*[\])>}]|[-=[(<{#*\s]*(?:-?8<-*\s*)?(?:snip(?:ped)?|cut|truncated|omitted|redacted|elided)(?:\s+(?:here|for brevity|for clarity))?[-=\])>}#*\s.]*|[[(<{]?\s*(?:\.{2,}|…)?\s*(?:and\s+)?\d*\s*(?:more|other|similar)\s+(?:lines?|rows?|entries|connections|sockets)(?:\s+(?:omitted|truncated|snipped|elided|like this))?\s*(?:\.{2,}|…)?\s*[\])>}]?|[[(<{]\s*(?:output\s+|rest\s+|lines?\s+)?(?:truncated|omitted|snipped|elided)\s*[\])>}])$/i;

// "[very long list]", "(long list)", "<lots more>", "etc.", "and so on".
const ELISION_PHRASE = /^[[(<{]?\s*(?:(?:a\s+)?very\s+long\s+list|(?:a\s+)?long\s+list(?:\s+of\s+\w+)?|lots\s+(?:more|of\s+\w+)|many\s+more(?:\s+\w+)?|etc\.?|and\s+so\s+on\.?)\s*[\])>}]?$/i;

// What every elision holds (a necessary condition, tested first: most lines have none of it).
const ELISION_WORD = /\.\.|…|·|snip|cut|trunc|omit|redact|elid|more|other|similar|list|etc|so on/i;

/** An elision line (see ELISION). */
function isElision(text: string): boolean {
  if (!ELISION_WORD.test(text)) return false;
  const s = text.trim();
  if (s.length === 0 || s.length > 80) return false;
  const one = /\s\s|[^\S ]/.test(s) ? s.replace(/\s+/g, " ") : s;
  return ELISION.test(one) || ELISION_PHRASE.test(one);
}

/** A new command starts a new table: forget the previous one's filter, columns and reading. */
function resetTable(ctx: ParseContext): void {
  ctx.foreignCommand = undefined;
  ctx.stateFilter = 0;
  ctx.stateFilterAmbiguous = false;
  ctx.columns = undefined;
  ctx.command = undefined;
}

/**
 * What a command line read as such is: "sysctl" when it writes kernel
 * settings (`sysctl -w net.ipv4.tcp_tw_recycle=1` sets what it names, as a
 * sysctl.conf line does; each goes to the sink), else "noise".
 */
function commandKind(ctx: ParseContext, sink: Sink): LineKind {
  let kind: LineKind = "noise";
  for (const [k, v] of ctx.command?.sets ?? []) {
    const key = sysctlKey(k);
    if (key) {
      sink.sysctl(key, v);
      kind = "sysctl";
    }
  }
  return kind;
}

/** Reads a command line; false when it runs nothing tcpdoc knows (then nothing is changed). */
function parseCommand(cmd: string, ctx: ParseContext, line: number): boolean {
  if (cmd.length > MAX_COMMAND) return false;
  const names = commandNames(cmd);
  if (!names.some((n) => ctx.commands.has(n))) return false;
  resetTable(ctx);
  const at = gluedAt(cmd);
  const reading = readCommand(at === -1 ? cmd : cmd.slice(0, at), { ssStates: SS_FILTER_STATES, words: ctx.toolWords });
  reading.firstOutput = at === -1 ? line + 1 : line;
  ctx.command = reading;
  ctx.stateFilter = reading.ssState;
  ctx.stateFilterAmbiguous = reading.ssStateAmbiguous;
  if (at !== -1) ctx.glued = cmd.slice(at);
  return true;
}

// PowerShell's cmdlets (Verb-Noun) and the aliases a pipeline goes on with.
const PS_STAGE = /^(?:[A-Z][a-z]+-[A-Z]\w+|sort|select|where|group|measure|ft|fl|%|\?)$/;

/** The next line of a command that ended with a pipe or a backslash (PowerShell prints ">>" before it). */
function continueCommand(text: string, ctx: ParseContext, line: number): boolean {
  const prev = ctx.command;
  if (!prev?.continues) return false;
  const more = text.trim().replace(/^>+\s*/, "");
  const first = more.split(/\s+/)[0] ?? "";
  if (!ctx.commands.has(first) && !PS_STAGE.test(first) && !first.startsWith("-")) return false;
  const joined = prev.text.replace(/[\\`]$/, "") + " " + more;
  const reading = readCommand(joined, { ssStates: SS_FILTER_STATES, words: ctx.toolWords });
  reading.firstOutput = line + 1;
  ctx.command = reading;
  if (reading.ssState || reading.ssStateAmbiguous) {
    ctx.stateFilter = reading.ssState;
    ctx.stateFilterAmbiguous = reading.ssStateAmbiguous;
  }
  return true;
}

/** A command line typed without a prompt: a known command with options, a path or a pipe after it. */
function bareCommand(tokens: string[], text: string, ctx: ParseContext): boolean {
  const t0 = tokens[0].replace(/^\(/, "").replace(/^.*[\\/]/, "");
  if (t0 === "sudo" || t0 === "Get-NetTCPConnection" || t0 === "ss" || t0 === "netstat" || t0 === "lsof" || t0 === "nstat") return true;
  if (!ctx.commands.has(t0) || tokens.length < 2) return false;
  const t1 = tokens[1];
  return t1.startsWith("-") || t1.startsWith("/") || text.indexOf("|") !== -1 || FLEET.has(t0) || t0 === "sysctl" && t1.indexOf("=") > 0;
}

const FLEET = new Set(["ansible", "pdsh", "clush", "salt"]);

/** Shell transcript lines. */
export const shell: Format = {
  format: "shell",
  reads: "shell prompts, command lines (an ss state filter sets the state of the rows below), ^C, tool complaints",
  commands: WRAPPERS,
  // Its lines surround dumps: it sees each line before the data formats.
  pass: "frame",
  parse(line, ctx, sink) {
    const { text, tokens } = line;
    const t0 = tokens[0];
    if (tokens.length === 1 && (t0 === "^C" || t0 === "^Z" || t0 === "^D" || /^[-=_*#~.]{3,}$/.test(t0))) {
      if (/^[.…·]{3,}$/.test(t0)) sink.elided();
      return "noise";
    }
    // Elisions a paste puts where it left rows out: "...", "[...]", "<snip>", "…", "(... 300 more lines ...)".
    if (isElision(text)) {
      sink.elided();
      return "noise";
    }
    if (TOOL_MESSAGE.test(text)) return "noise";
    // A `date` line: the time of the output under it.
    const c0 = text.charCodeAt(0);
    if ((c0 >= 48 && c0 <= 57 || c0 >= 65 && c0 <= 90) && tokens.length <= 8) {
      const at = dateLine(text);
      if (at !== undefined) {
        sink.moment(at);
        return "noise";
      }
    }
    // watch's header: "Every 2.0s: netstat -nat | grep 8080      host: Mon Mar  4 10:00:01 2024".
    const w = WATCH_HEADER.exec(text);
    if (w) {
      const parts = w[1].split(/\s{2,}/);
      const cmd = parts[0].trim();
      if (!parseCommand(cmd, ctx, line.number)) resetTable(ctx);
      ctx.glued = undefined;
      const tail = parts[parts.length - 1];
      const at = dateLine(tail.slice(tail.indexOf(": ") + 2));
      if (at !== undefined) sink.moment(at);
      return "noise";
    }
    const prompt = commandAfterPrompt(text);
    if (prompt !== undefined) {
      const { cmd, strong } = prompt;
      if (cmd === "" || cmd === "^C") return strong || text.trim().length <= 2 ? "noise" : undefined;
      // PowerShell's ">>" and bash's "> " before the rest of a command that ended with a pipe.
      if (ctx.command?.continues && /^\s*>/.test(text) && continueCommand(cmd, ctx, line.number)) return "noise";
      if (parseCommand(cmd, ctx, line.number)) return commandKind(ctx, sink);
      if (strong) {
        resetTable(ctx);
        ctx.foreignCommand = cmd.split(/\s+/)[0];
        return "noise";
      }
      return undefined;
    }
    if (ctx.command?.continues && continueCommand(text, ctx, line.number)) return "noise";
    if (bareCommand(tokens, text, ctx)) return parseCommand(text.trim(), ctx, line.number) ? commandKind(ctx, sink) : undefined;
    return undefined;
  },
};
