/**
 * Shell transcript lines around a pasted dump: prompts, the command line
 * itself (whose state filter the rows below inherit), ^C and separators.
 */

import { stateId } from "../../model/states.ts";
import type { Format, ParseContext } from "../format.ts";
import { SS_FILTER_STATES } from "./ss.ts";

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
const WEAK_PROMPT = /^(?:[\w~./-]+)?\s*[$#%>❯»]\s?/;

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

// What every elision holds (a necessary condition, tested first: most lines have none of it).
const ELISION_WORD = /\.\.|…|·|snip|cut|trunc|omit|redact|elid|more|other|similar/i;

/** An elision line (see ELISION). */
function isElision(text: string): boolean {
  if (!ELISION_WORD.test(text)) return false;
  const s = text.trim();
  return s.length > 0 && ELISION.test(/\s\s|[^\S ]/.test(s) ? s.replace(/\s+/g, " ") : s);
}

/** A word of a command line without the quotes and parentheses around it. */
function unquoted(w: string): string {
  let a = 0, b = w.length;
  while (a < b && (w[a] === "'" || w[a] === '"' || w[a] === "(")) a++;
  while (b > a && (w[b - 1] === "'" || w[b - 1] === '"' || w[b - 1] === ")")) b--;
  return w.slice(a, b);
}

/** Reads an ss state filter from a command line: the single state, or ambiguity. */
function applySsFilter(words: string[], ctx: ParseContext): void {
  ctx.stateFilter = 0;
  ctx.stateFilterAmbiguous = false;
  const found = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    const w = unquoted(words[i]);
    if ((w === "state" || w === "exclude") && i + 1 < words.length) {
      const s = unquoted(words[i + 1]);
      if (w === "exclude") {
        ctx.stateFilterAmbiguous = true;
        continue;
      }
      const name = Object.hasOwn(SS_FILTER_STATES, s) ? SS_FILTER_STATES[s] : undefined;
      if (name) found.add(stateId(name));
      else ctx.stateFilterAmbiguous = true; // all, connected, synchronized, bucket, big
    }
  }
  if (found.size === 1 && !ctx.stateFilterAmbiguous) ctx.stateFilter = [...found][0];
  else if (found.size > 1) ctx.stateFilterAmbiguous = true;
}

/** A new command starts a new table: forget the previous one's filter and columns. */
function resetTable(ctx: ParseContext): void {
  ctx.foreignCommand = undefined;
  ctx.stateFilter = 0;
  ctx.stateFilterAmbiguous = false;
  ctx.columns = undefined;
}

/** Recognises a command line, with or without a prompt, and sets the context it implies. */
function parseCommand(cmd: string, ctx: ParseContext): boolean {
  const words = cmd.split(/\s+/).filter(Boolean);
  let i = 0;
  while (i < words.length && (words[i] === "sudo" || words[i] === "doas" || words[i] === "busybox" || words[i] === "toybox" ||
    /^[A-Z_]+=/.test(words[i]) || words[i] === "ip" && words[i + 1] === "netns" || words[i] === "netns" || words[i] === "exec" ||
    (words[i - 1] === "exec" && words[i] !== "ss" && words[i] !== "netstat"))) i++;
  const name = words[i]?.replace(/^.*[\\/]/, "");
  if (!name || !ctx.commands.has(name) && !ctx.commands.has(words[0])) return false;
  resetTable(ctx);
  // Each stage of a pipeline may be ss; the first ss decides.
  const ss = words.indexOf("ss");
  if (ss !== -1) applySsFilter(words.slice(ss + 1), ctx);
  return true;
}

/** Shell transcript lines. */
export const shell: Format = {
  format: "shell",
  reads: "shell prompts, command lines (an ss state filter sets the state of the rows below), ^C, tool complaints",
  commands: WRAPPERS,
  // Its lines surround dumps: it sees each line before the data formats.
  pass: "frame",
  parse(line, ctx) {
    const { text, tokens } = line;
    const t0 = tokens[0];
    if (tokens.length === 1 && (t0 === "^C" || t0 === "^Z" || t0 === "^D" || /^[-=_*#~.]{3,}$/.test(t0))) return "noise";
    // Elisions a paste puts where it left rows out: "...", "[...]", "<snip>", "…", "(... 300 more lines ...)".
    if (isElision(text)) return "noise";
    if (TOOL_MESSAGE.test(text)) return "noise";
    // watch's header: "Every 2.0s: netstat -nat | grep 8080      host: Mon Mar  4 10:00:01 2024".
    const w = WATCH_HEADER.exec(text);
    if (w) {
      const cmd = w[1].split(/\s{2,}/)[0].trim();
      if (!parseCommand(cmd, ctx)) resetTable(ctx);
      return "noise";
    }
    const prompt = commandAfterPrompt(text);
    if (prompt !== undefined) {
      const { cmd, strong } = prompt;
      if (cmd === "" || cmd === "^C") return strong || text.trim().length <= 2 ? "noise" : undefined;
      if (parseCommand(cmd, ctx)) return "noise";
      if (strong) {
        resetTable(ctx);
        ctx.foreignCommand = cmd.split(/\s+/)[0];
        return "noise";
      }
      return undefined;
    }
    if (ctx.commands.has(t0) && tokens.length > 1 && tokens[1].startsWith("-") || t0 === "sudo" || t0 === "Get-NetTCPConnection") {
      return parseCommand(text.trim(), ctx) ? "noise" : undefined;
    }
    if (t0 === "ss" || t0 === "netstat" || t0 === "lsof" || t0 === "nstat") return parseCommand(text.trim(), ctx) ? "noise" : undefined;
    return undefined;
  },
};
