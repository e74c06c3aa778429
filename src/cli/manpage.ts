/** The man page, docs/tcpdoc.1, generated from the command and option tables (scripts/gen-cli-docs.ts; a test keeps it current). */

import type { CommandSpec } from "./command.ts";
import { configKeys } from "./config.ts";
import { EXIT_MEANINGS } from "./errors.ts";
import { TAGLINE } from "./help.ts";
import { FLAG_NAMES, type FlagName, GLOBAL_OPTIONS, optionHelp, optionUsage } from "./options.ts";

/** Text for roff: backslashes, leading dots and quotes, and dashes escaped. */
function roff(s: string): string {
  return s.replace(/\\/g, "\\e").replace(/-/g, "\\-").replace(/^([.'])/, "\\&$1");
}

function optionItem(k: FlagName): string[] {
  return [".TP", `.B ${roff(optionUsage(k).trim())}`, roff(optionHelp(k))];
}

/** docs/tcpdoc.1 */
export function manPage(commands: readonly CommandSpec[], version: string): string {
  const out: string[] = [
    `.\\" Generated from src/cli/options.ts and src/cli/commands.ts by scripts/gen-cli-docs.ts; do not edit by hand.`,
    `.TH TCPDOC 1 "" "tcpdoc ${version}" "User Commands"`,
    ".SH NAME",
    `tcpdoc \\- ${roff(TAGLINE)}`,
    ".SH SYNOPSIS",
  ];
  for (const c of commands) out.push(`.B tcpdoc${c.name ? ` ${roff(c.name)}` : ""}`, ...(c.args ? [roff(c.args)] : []), ".br");
  out.push(
    ".SH DESCRIPTION",
    roff("tcpdoc reads a snapshot of the socket table, live from this machine or from dumps (ss, netstat of Linux, macOS, FreeBSD and Windows, /proc/net/tcp, PowerShell, lsof, state histograms), with kernel counters, sysctls and application error lines, evaluates diagnostic rules written in YAML and says what is wrong, why it thinks so, how to confirm it and how to fix it."),
    ".SH COMMANDS",
  );
  for (const c of commands) {
    out.push(".TP", `.B tcpdoc${c.name ? ` ${roff(c.name)}` : ""}${c.args ? ` ${roff(c.args)}` : ""}`);
    c.about.forEach((p, i) => out.push(...(i ? [".IP"] : []), roff(p)));
    const own = c.options.filter((k) => !GLOBAL_OPTIONS.includes(k));
    if (own.length) out.push(".IP", roff(`Options: ${own.map((k) => optionUsage(k).trim().replace(/^-\w, /, "")).join(", ")}.`));
  }
  out.push(".SH OPTIONS");
  for (const k of FLAG_NAMES) out.push(...optionItem(k));
  out.push(
    ".SH CONFIGURATION",
    roff("Defaults come from $XDG_CONFIG_HOME/tcpdoc/config.yaml (~/.config/tcpdoc/config.yaml), or the file --config names; --no-config reads none. The command line wins over the file. The keys:"),
  );
  for (const k of configKeys()) out.push(".TP", `.B ${roff(k.key)}`, roff(k.help));
  out.push(".PP", roff("Any other key is an error naming the file and line."));
  out.push(".SH EXIT STATUS");
  for (const [code, meaning] of EXIT_MEANINGS) out.push(".TP", `.B ${code}`, roff(meaning));
  out.push(
    ".SH ENVIRONMENT",
    ".TP", ".B NO_COLOR", roff("When set and not empty, no colour (unless --color=always)."),
    ".TP", ".B FORCE_COLOR", roff("Colour even when stdout is not a terminal (0 or false: none); NO_COLOR wins."),
    ".TP", ".B XDG_CONFIG_HOME", roff("Where the config file and the user's rules are: $XDG_CONFIG_HOME/tcpdoc/ (default ~/.config)."),
    ".TP", ".B CI", roff("When set, the guided session draws nothing until it ends (ink's behaviour)."),
    ".SH FILES",
    ".TP", ".B ~/.config/tcpdoc/config.yaml", roff("Defaults for options (see CONFIGURATION)."),
    ".TP", ".B ~/.config/tcpdoc/rules/", roff("Your own rules, one YAML file per rule; --no-user-rules ignores them."),
    ".SH EXAMPLES",
  );
  for (const c of commands) for (const e of c.examples) out.push(".PP", ".nf", roff(e), ".fi");
  out.push(".SH SEE ALSO", roff("ss(8), netstat(8), the README, docs/rule-authoring.md and docs/facts.md in the tcpdoc package."));
  return out.join("\n") + "\n";
}
