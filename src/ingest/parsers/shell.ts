/**
 * Shell transcript lines around a pasted dump: prompts, the command line
 * itself (whose state filter the rows below inherit), ^C and separators.
 */

import { SS_FILTER_STATES, stateId } from "../../model/states.ts";
import type { LineParser, ParseContext } from "../parser.ts";

/** Commands whose output tcpdoc reads, and a few that wrap them. */
const COMMANDS = new Set([
  "ss", "netstat", "netstat.exe", "NETSTAT", "NETSTAT.EXE", "cat", "lsof", "nstat", "sysctl", "sar", "busybox", "toybox",
  "sudo", "doas", "awk", "grep", "egrep", "sort", "uniq", "wc", "head", "tail", "less", "more", "watch", "ip", "dmesg",
  "journalctl", "Get-NetTCPConnection", "get-nettcpconnection", "netsh", "sockstat", "tcpdoc", "docker", "kubectl",
  "nsenter", "adb", "ssh", "echo", "date", "uname", "hostname", "ulimit", "findstr", "Select-String", "for", "while", "time",
  // Filters a socket table is piped through (Windows `find`, `sls`; Unix text tools).
  "find", "FIND", "sls", "cut", "tr", "sed", "column", "nl", "xargs", "rg", "ag", "ack", "zgrep", "pcregrep",
]);

// Prompts that cannot be anything else: "user@host:~$ ", "[root@host ~]# ",
// "[root@freenas] ~# ", "PS C:\Users\me> ", "[server]: PS C:\> " (a remote
// PSSession), "C:\> ", "sh-5.1$ ", "bash-5.2# ", oh-my-zsh's "➜  ~ ". After
// these any command is a command line.
// Also cPanel's "root@server [~]# ", macOS's "Kevins-MBP:dir user$ " and
// pfSense's "[2.4.4-RELEASE][root@fw]/root: ".
const STRONG_PROMPT = /^(?:(?:\[[^\]@]*\])*\[[^\]]*@[^\]]*\](?:\s*[^\s$#%>:]+)?|[\w.-]+@[\w.-]+(?::\S*)?(?:\s+\[[^\]]*\])?|(?:\[[\w.-]+\]:\s*)?PS [A-Za-z]:\\[^>]*|[A-Za-z]:\\[^>]*|[\w.-]*sh-[\d.]+|[\w.-]+:\S+ [\w.-]+(?=\$ ))\s*[$#%>]\s?|^(?:\[[^\]@]*\])+\[[^\]]*@[^\]]*\][^\s:]*:\s|^➜\s+\S+(?:\s+git:\([^)]*\))?(?:\s+✗)?(?:\s+|$)/;
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
// "(truncated)", "[output truncated]", "<redacted>", "[ rest omitted ]".
const ELISION = /^\s*(?:[.…·]{2,}|…|[[(<{]\s*(?:\.{2,}|…)\s*[\])>}]|[-=[(<{#*\s]*(?:-?8<-*\s*)?(?:snip(?:ped)?|cut|truncated|omitted|redacted|elided)(?:\s+(?:here|for brevity|for clarity))?[-=\])>}#*\s.]*|[[(<{]?\s*(?:\.{2,}|…)?\s*(?:and\s+)?\d*\s*(?:more|other|similar)\s+(?:lines?|rows?|entries|connections|sockets)(?:\s+(?:omitted|truncated|snipped|elided|like this))?\s*(?:\.{2,}|…)?\s*[\])>}]?|[[(<{]\s*(?:output\s+|rest\s+|lines?\s+)?(?:truncated|omitted|snipped|elided)\s*[\])>}])\s*$/i;

/** Reads an ss state filter from a command line: the single state, or ambiguity. */
function applySsFilter(words: string[], ctx: ParseContext): void {
  ctx.stateFilter = 0;
  ctx.stateFilterAmbiguous = false;
  const found = new Set<number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i].replace(/^['"(]+|['")]+$/g, "");
    if ((w === "state" || w === "exclude") && i + 1 < words.length) {
      const s = words[i + 1].replace(/^['"(]+|['")]+$/g, "");
      if (w === "exclude") {
        ctx.stateFilterAmbiguous = true;
        continue;
      }
      const name = SS_FILTER_STATES[s];
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
  if (!name || !COMMANDS.has(name) && !COMMANDS.has(words[0])) return false;
  resetTable(ctx);
  // Each stage of a pipeline may be ss; the first ss decides.
  const ss = words.indexOf("ss");
  if (ss !== -1) applySsFilter(words.slice(ss + 1), ctx);
  return true;
}

/** Shell transcript lines. */
export const shellParser: LineParser = {
  format: "shell",
  parse(line, ctx) {
    const { text, tokens } = line;
    const t0 = tokens[0];
    if (tokens.length === 1 && (t0 === "^C" || t0 === "^Z" || t0 === "^D" || /^[-=_*#~.]{3,}$/.test(t0))) return "noise";
    // Elisions a paste puts where it left rows out: "...", "[...]", "<snip>", "…", "(... 300 more lines ...)".
    if (ELISION.test(text)) return "noise";
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
    if (COMMANDS.has(t0) && tokens.length > 1 && tokens[1].startsWith("-") || t0 === "sudo" || t0 === "Get-NetTCPConnection") {
      return parseCommand(text.trim(), ctx) ? "noise" : undefined;
    }
    if (t0 === "ss" || t0 === "netstat" || t0 === "lsof" || t0 === "nstat") return parseCommand(text.trim(), ctx) ? "noise" : undefined;
    return undefined;
  },
};
