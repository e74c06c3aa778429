/**
 * `tcpdoc completion bash|zsh`: shell completion scripts generated from the
 * command and option tables: commands, subcommands, each command's options,
 * the values of choice options, files where files go, and rule ids (asked of
 * `tcpdoc rules list --json` when completing).
 */

import { STATES } from "../model/states.ts";
import type { CommandSpec } from "./command.ts";
import { type AnyOption, flagName, type FlagName, GLOBAL_OPTIONS, OPTIONS } from "./options.ts";

export const SHELLS = ["bash", "zsh"] as const;
export type Shell = (typeof SHELLS)[number];

/** Shell words for rule ids, read from tcpdoc itself when completing. */
const RULE_IDS = `tcpdoc rules list --json 2>/dev/null | sed -n 's/^ *"id": "\\(.*\\)",$/\\1/p'`;

function flags(key: FlagName): string[] {
  const o: AnyOption = OPTIONS[key];
  return [`--${flagName(key)}`, ...(o.short ? [`-${o.short}`] : [])];
}

function optionsOf(c: CommandSpec): FlagName[] {
  return [...c.options, ...GLOBAL_OPTIONS.filter((k) => !c.options.includes(k))];
}

/** Commands and groups by their words: "" (bare), "analyze", "rules", "rules list", ... */
function firstWords(commands: readonly CommandSpec[]): string[] {
  return [...new Set(commands.map((c) => c.name.split(" ")[0]).filter(Boolean))];
}

function groupWords(commands: readonly CommandSpec[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const c of commands) {
    const [g, sub] = c.name.split(" ");
    if (sub) m.set(g, [...(m.get(g) ?? []), sub]);
  }
  return m;
}

const valueKeys = (Object.keys(OPTIONS) as FlagName[]).filter((k) => OPTIONS[k].kind !== "boolean");

/** The script for `shell`. */
export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
  return shell === "bash" ? bashScript(commands) : zshScript(commands);
}

// ---------------------------------------------------------------- bash

function bashArgs(c: CommandSpec, commands: readonly CommandSpec[]): string {
  const a = c.complete;
  if (a === "files") return "files=1";
  if (a === "none") return "";
  if (a === "commands") return `words="${firstWords(commands).join(" ")}"`;
  if (a === "states-and-rules") return `words="${STATES.join(" ")} $(${RULE_IDS})"`;
  return `words="${a.join(" ")}"`;
}

function bashScript(commands: readonly CommandSpec[]): string {
  const groups = groupWords(commands);
  const first = firstWords(commands);
  const valueCase = valueKeys.map((k) => {
    const o: AnyOption = OPTIONS[k];
    const pat = flags(k).join("|");
    if (o.kind === "choice") return `    ${pat}) COMPREPLY=($(compgen -W "${Object.keys(o.choices).join(" ")}" -- "$cur")); return ;;`;
    if (k === "disable") return `    ${pat}) COMPREPLY=($(compgen -W "$(${RULE_IDS})" -- "$cur")); return ;;`;
    if (o.kind !== "boolean" && o.complete === "file") return `    ${pat}) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")); return ;;`;
    return `    ${pat}) COMPREPLY=(); return ;;`;
  });
  const eqCase = valueKeys.filter((k) => OPTIONS[k].kind === "choice").map((k) => {
    const o = OPTIONS[k] as AnyOption & { choices: Record<string, string> };
    return `    --${flagName(k)}=*) COMPREPLY=($(compgen -P "--${flagName(k)}=" -W "${Object.keys(o.choices).join(" ")}" -- "\${cur#*=}")); return ;;`;
  });
  const cmdCase = commands.map((c) => {
    const opts = optionsOf(c).flatMap(flags).join(" ");
    const words = c.name === "" ? `words="${first.join(" ")}"; files=1` : bashArgs(c, commands);
    return `    "${c.name}") opts="${opts}"; ${words} ;;`;
  });
  for (const [g, subs] of groups) cmdCase.push(`    "${g}") opts="--help"; words="${subs.join(" ")}" ;;`);
  const known = [...first, ...[...groups].flatMap(([g, subs]) => subs.map((s) => `${g} ${s}`))];
  return [
    "# bash completion for tcpdoc, generated from its command table.",
    "# Load it in this shell:   source <(tcpdoc completion bash)",
    "# or for every shell:      tcpdoc completion bash > ~/.local/share/bash-completion/completions/tcpdoc",
    "_tcpdoc() {",
    '  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}',
    '  local cmd="" arg=0 i w opts="" words="" files=0',
    "  for ((i = 1; i < COMP_CWORD; i++)); do",
    '    w=${COMP_WORDS[i]}',
    '    case $w in',
    `      ${valueKeys.flatMap(flags).join("|")}) ((i++)); continue ;;`,
    "      -*) continue ;;",
    "    esac",
    "    if ((arg)); then continue; fi",
    '    case "${cmd:+$cmd }$w" in',
    `      ${known.map((k) => `"${k}"`).join("|")}) cmd="\${cmd:+$cmd }$w" ;;`,
    "      *) arg=1 ;;",
    "    esac",
    "  done",
    '  case $cur in',
    ...eqCase,
    "  esac",
    '  case $prev in',
    ...valueCase,
    "  esac",
    '  case $cmd in',
    ...cmdCase,
    "  esac",
    '  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi',
    '  # after a FILE of the bare command, no command words',
    '  if ((arg)) && [[ -z $cmd ]]; then words=""; fi',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '  if ((files)); then compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -f -- "$cur")); fi',
    "}",
    "complete -F _tcpdoc tcpdoc",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------- zsh

/** Text inside a zsh _arguments description: [ ] and : escaped, in single quotes. */
function zshDesc(s: string): string {
  return s.replace(/[[\]:\\]/g, "\\$&").replace(/'/g, `'\\''`);
}

function zshSpec(k: FlagName): string {
  const o: AnyOption = OPTIONS[k];
  const names = flags(k);
  const desc = `[${zshDesc(o.help)}]`;
  let value = "";
  if (o.kind === "choice") value = `:${o.value.toLowerCase()}:(${Object.keys(o.choices).join(" ")})`;
  else if (o.kind === "value" || o.kind === "list") {
    const action = k === "disable" ? "_tcpdoc_rule_ids" : o.complete === "file" ? "_files" : " ";
    value = `:${o.value.toLowerCase()}:${action}`;
  }
  const repeat = o.kind === "list" ? "*" : "";
  if (names.length === 1) return `'${repeat}${names[0]}${desc}${value}'`;
  return `'(${names.join(" ")})'{${names.join(",")}}'${desc}${value}'`;
}

function zshArgs(c: CommandSpec, commands: readonly CommandSpec[]): string {
  const a = c.complete;
  if (a === "files") return "'*:file:_files'";
  if (a === "none") return "";
  if (a === "commands") return `'*:command:(${firstWords(commands).join(" ")})'`;
  if (a === "states-and-rules") return `'*:state or rule id:_tcpdoc_explain_words'`;
  return `'1:${c.args.toLowerCase()}:(${a.join(" ")})'`;
}

function zshScript(commands: readonly CommandSpec[]): string {
  const groups = groupWords(commands);
  const first = commands.filter((c) => c.name && !c.name.includes(" ")).map((c) => `'${c.name}:${zshDesc(c.summary)}'`);
  for (const [g, subs] of groups) first.push(`'${g}:${zshDesc(`${subs.join(", ")}: ${g} tooling`)}'`);
  const cases = commands.filter((c) => c.name).map((c) => {
    const specs = optionsOf(c).map(zshSpec).join(" \\\n        ");
    return `    (${c.name.includes(" ") ? `"${c.name}"` : c.name})\n      _arguments -s -S \\\n        ${specs} \\\n        ${zshArgs(c, commands) || "''"} ;;`;
  });
  for (const [g, subs] of groups) {
    cases.push(`    (${g})\n      _arguments '--help[show help]' '*:subcommand:(${subs.join(" ")})' ;;`);
  }
  const bare = commands.find((c) => c.name === "")!;
  const bareSpecs = optionsOf(bare).map(zshSpec).join(" \\\n        ");
  return [
    "#compdef tcpdoc",
    "# zsh completion for tcpdoc, generated from its command table.",
    '# Install: tcpdoc completion zsh > "${fpath[1]}/_tcpdoc" (any directory in $fpath), then start a new zsh;',
    "# or in this shell: source <(tcpdoc completion zsh)",
    "",
    "_tcpdoc_rule_ids() {",
    "  local -a ids",
    `  ids=(\${(f)"$(${RULE_IDS})"})`,
    "  compadd -a ids",
    "}",
    "",
    "_tcpdoc_explain_words() {",
    `  compadd ${STATES.join(" ")}`,
    "  _tcpdoc_rule_ids",
    "}",
    "",
    "_tcpdoc_commands() {",
    "  local -a cmds",
    `  cmds=(${first.join(" ")})`,
    "  _describe command cmds",
    "}",
    "",
    "_tcpdoc() {",
    "  local cmd='' i",
    "  for (( i = 2; i < CURRENT; i++ )); do",
    "    case ${words[i]} in",
    `      (${valueKeys.flatMap(flags).join("|")}) (( i++ )) ;;`,
    "      (-*) ;;",
    "      (*)",
    "        cmd=${words[i]}",
    `        if [[ $cmd == (${[...groups.keys()].join("|")}) ]] && (( i + 1 < CURRENT )); then cmd="$cmd \${words[i+1]}"; fi`,
    "        break ;;",
    "    esac",
    "  done",
    "  case $cmd in",
    ...cases,
    "    ('')",
    "      _arguments -s -S \\",
    `        ${bareSpecs} \\`,
    "        '*: :_tcpdoc_first' ;;",
    "    (*)",
    "      _arguments -s -S \\",
    `        ${bareSpecs} \\`,
    "        '*:file:_files' ;;",
    "  esac",
    "}",
    "",
    "_tcpdoc_first() {",
    "  _alternative 'commands:command:_tcpdoc_commands' 'files:file:_files'",
    "}",
    "",
    'if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _tcpdoc "$@"; else compdef _tcpdoc tcpdoc; fi',
    "",
  ].join("\n");
}
