/**
 * Parses argv against the option and command tables. Every mistake is a
 * UsageError that says what to type instead (did you mean ...?). Pure: the
 * one question about the file system (is this word a file?) is asked of
 * `exists`.
 */

import { inert } from "../text/inert.ts";
import { suggest } from "../text/wrap.ts";
import type { CommandSpec } from "./command.ts";
import { didYouMean, UsageError } from "./errors.ts";
import {
  type AnyOption,
  FLAG_NAMES,
  flagName,
  type FlagName,
  type Flags,
  GLOBAL_OPTIONS,
  optionByFlag,
  optionByShort,
  OPTIONS,
} from "./options.ts";

/** What the command line says, before defaults and the config file. */
export interface Parsed {
  /** The command; undefined when only a group was named (`tcpdoc rules --help`). */
  command: CommandSpec | undefined;
  /** The group named without a subcommand, with --help. */
  group: string | undefined;
  positionals: string[];
  /** The options given, by key. */
  values: Partial<Flags>;
  given: Set<FlagName>;
}

/** Words people type for a command that is spelt otherwise. */
const ALIASES: Record<string, string> = {
  version: "--version",
  list: "rules list",
  validate: "rules validate",
  test: "rules test",
  analyse: "analyze",
  completions: "completion",
  man: "help",
};

/** The first word of every command, and the groups with their subcommands. */
function commandWords(commands: readonly CommandSpec[]): { first: string[]; groups: Map<string, string[]> } {
  const groups = new Map<string, string[]>();
  const first = new Set<string>();
  for (const c of commands) {
    const w = c.name.split(" ");
    if (!w[0]) continue;
    first.add(w[0]);
    if (w.length > 1) groups.set(w[0], [...(groups.get(w[0]) ?? []), w[1]]);
  }
  return { first: [...first], groups };
}

function quote(s: string): string {
  return `"${inert(s)}"`;
}

function setValue(values: Partial<Flags>, key: FlagName, o: AnyOption, value: string | true): void {
  const v = values as Record<string, unknown>;
  if (o.kind === "list") v[key] = [...((v[key] as string[] | undefined) ?? []), value];
  else v[key] = value;
}

/** Checks a value against an option's choices. */
export function checkChoice(key: FlagName, value: string, where = `Option "--${flagName(key)}"`): void {
  const o: AnyOption = OPTIONS[key];
  if (o.kind !== "choice") return;
  const choices = Object.keys(o.choices);
  if (!choices.includes(value)) {
    throw new UsageError(`${where} takes one of ${choices.join(", ")}, not ${quote(value)}${didYouMean(value, choices)}`);
  }
}

/** Reads the options out of argv; returns the positionals and where `--` ended the options. */
function readOptions(argv: readonly string[], values: Partial<Flags>, given: Set<FlagName>): { positionals: string[]; commandable: number } {
  const positionals: string[] = [];
  let commandable = Infinity;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      commandable = Math.min(commandable, positionals.length);
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "-" || !a.startsWith("-")) {
      positionals.push(a);
      continue;
    }
    let key: FlagName | undefined;
    let inline: string | undefined;
    let shown: string;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (eq !== -1) inline = a.slice(eq + 1);
      key = optionByFlag(name);
      shown = `--${name}`;
      if (!key) {
        const hint = didYouMean(`--${name}`, FLAG_NAMES.map((k) => `--${flagName(k)}`));
        throw new UsageError(`Unknown option ${quote(shown)}${hint || ": run 'tcpdoc --help' for the options"}`);
      }
    } else {
      key = optionByShort(a.slice(1, 2));
      shown = a.slice(0, 2);
      if (!key) {
        const shorts = FLAG_NAMES.filter((k) => OPTIONS[k].short).map((k) => `-${OPTIONS[k].short}`);
        throw new UsageError(`Unknown option ${quote(shown)}: the one-letter options are ${shorts.join(", ")}; run 'tcpdoc --help' for all`);
      }
      if (a.length > 2) inline = a.slice(2);
    }
    const o: AnyOption = OPTIONS[key];
    given.add(key);
    if (o.kind === "boolean") {
      if (inline !== undefined) throw new UsageError(`Option "--${flagName(key)}" takes no value (got ${quote(inline)})`);
      setValue(values, key, o, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`Option "--${flagName(key)}" needs a value (${o.value})`);
    checkChoice(key, value);
    setValue(values, key, o, value);
  }
  return { positionals, commandable: Math.min(commandable, positionals.length) };
}

/** Parses `argv` (without the runtime and script) against the tables. */
export function parseArgs(argv: readonly string[], commands: readonly CommandSpec[], exists: (path: string) => boolean): Parsed {
  const values: Partial<Flags> = {};
  const given = new Set<FlagName>();
  const { positionals, commandable } = readOptions(argv, values, given);
  const help = values.help === true;
  const { first, groups } = commandWords(commands);

  // The longest command whose words lead the positionals (none after `--`).
  let command: CommandSpec | undefined;
  let used = 0;
  for (const c of commands) {
    const w = c.name ? c.name.split(" ") : [];
    if (w.length === 0 || w.length > commandable || w.length <= used) continue;
    if (w.every((word, i) => positionals[i] === word)) [command, used] = [c, w.length];
  }
  let group: string | undefined;
  const p0 = commandable > 0 ? positionals[0] : undefined;
  if (!command && p0 !== undefined && groups.has(p0)) {
    const subs = groups.get(p0)!;
    const sub = commandable > 1 ? positionals[1] : undefined;
    if (help && sub === undefined) return { command: undefined, group: p0, positionals: [], values, given };
    const list = `${subs.slice(0, -1).join(", ")} or ${subs[subs.length - 1]}`;
    if (sub === undefined) throw new UsageError(`"tcpdoc ${p0}" needs a subcommand: ${list} (see 'tcpdoc ${p0} --help')`);
    throw new UsageError(`"tcpdoc ${p0}" has no subcommand ${quote(sub)}${didYouMean(sub, subs, (s) => `"tcpdoc ${p0} ${s}"`) || `: it takes ${list}`}`);
  }
  if (!command) {
    command = commands.find((c) => c.name === "")!;
    // A word that is no file but nearly a command is a typo of the command.
    if (p0 !== undefined && p0 !== "-" && !exists(p0)) {
      const alias = ALIASES[p0.toLowerCase()];
      const near = alias ?? suggest1(p0, first, groups, positionals[1]);
      if (near !== undefined) {
        const fix = near.startsWith("-") ? `tcpdoc ${near}` : `tcpdoc ${near}${near.includes(" ") ? "" : rest(positionals, groups.has(near))}`;
        throw new UsageError(`Unknown command ${quote(p0)} (and no such file): did you mean '${inert(fix)}'?`);
      }
    }
  }
  const args = positionals.slice(used);
  if (!help) {
    for (const key of given) {
      if (command.options.includes(key) || GLOBAL_OPTIONS.includes(key)) continue;
      const why = command.refuses?.[key];
      const name = command.name ? `tcpdoc ${command.name}` : "tcpdoc";
      if (why) throw new UsageError(`Option "--${flagName(key)}" does not apply to "${name}": ${why}`);
      const takes = command.options.map((k) => `--${flagName(k)}`);
      throw new UsageError(
        `Option "--${flagName(key)}" does not apply to "${name}"${takes.length ? ` (it takes ${takes.join(", ")})` : " (it takes no options)"}; see '${name} --help'`,
      );
    }
    const [min, max] = command.arity;
    const name = command.name ? `tcpdoc ${command.name}` : "tcpdoc";
    if (args.length < min) throw new UsageError(`"${name}" needs ${command.args} (see '${name} --help')`);
    if (args.length > max) {
      throw new UsageError(`"${name}" takes ${max === 0 ? "no arguments" : `at most ${max} argument${max === 1 ? "" : "s"}`}, not ${quote(args[max])} (see '${name} --help')`);
    }
  }
  return { command, group: undefined, positionals: args, values, given };
}

/** The command a misspelt first word most likely meant; with a group, its subcommand when the next word names one. */
function suggest1(word: string, first: string[], groups: Map<string, string[]>, next: string | undefined): string | undefined {
  const cmd = suggest(word, first);
  if (cmd === undefined) return undefined;
  const subs = groups.get(cmd);
  return subs && next !== undefined && subs.includes(next) ? `${cmd} ${next}` : cmd;
}

/** The rest of the command line after a corrected first word, when short: " x" for `tcpdoc analyse x`. */
function rest(positionals: string[], isGroup: boolean): string {
  const more = positionals.slice(1, 3);
  if (isGroup || more.length === 0) return "";
  return ` ${more.join(" ")}${positionals.length > 3 ? " ..." : ""}`;
}
