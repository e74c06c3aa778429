/**
 * The option table: every flag tcpdoc takes, checked by a mapped type
 * against the Flags object that parsing produces (vitest's cli-config
 * pattern). Parsing, help, the man page, shell completion, the config file
 * and the README's reference all read this table; nothing restates it.
 */

import type { Severity } from "../model/finding.ts";

/** What parsing produces: one field per option, defaults applied. */
export interface Flags {
  format: "text" | "json" | "markdown";
  json: boolean;
  output: string | undefined;
  force: boolean;
  live: boolean;
  rules: string[];
  disable: string[];
  noUserRules: boolean;
  noOwners: boolean;
  maxInput: string | undefined;
  interval: string | undefined;
  count: string | undefined;
  for: string | undefined;
  answer: string[];
  minSeverity: Severity;
  color: "auto" | "always" | "never";
  noColor: boolean;
  plain: boolean;
  config: string | undefined;
  noConfig: boolean;
  help: boolean;
  version: boolean;
}

export type FlagName = keyof Flags;

interface Common {
  /** One line, lower case, no full stop: shown in help after the flag. */
  help: string;
  /** The one-letter form, without the dash. */
  short?: string;
  /** Settable in config.yaml, under the option's long name. */
  config?: true;
}

/** A flag that is given or not: `--force`. */
export interface BooleanOption extends Common {
  kind: "boolean";
}

/** A flag with a value: `--output FILE`. */
export interface ValueOption extends Common {
  kind: "value";
  /** The value's placeholder in help: FILE. */
  value: string;
  /** What shell completion offers for the value. */
  complete: "file" | "none";
}

/** A flag that may be given several times: `--rules PATH --rules PATH`. */
export interface ListOption extends Common {
  kind: "list";
  value: string;
  complete: "file" | "none";
}

/** A flag whose value is one of a fixed set, each with a word of help. */
export interface ChoiceOption<C extends string> extends Common {
  kind: "choice";
  value: string;
  choices: { readonly [K in C]: string };
  default: C;
}

/** The spec an option of type V must have: the mapped type that keeps the table and Flags in line. */
export type OptionSpec<V> = [V] extends [boolean] ? BooleanOption
  : [V] extends [string[]] ? ListOption
  : [V] extends [string | undefined] ? (string extends V ? ValueOption : ChoiceOption<V & string>)
  : never;

export type OptionTable<F> = { readonly [K in keyof F]-?: OptionSpec<F[K]> };

export type AnyOption = BooleanOption | ValueOption | ListOption | ChoiceOption<string>;

export const OPTIONS: OptionTable<Flags> = {
  format: {
    kind: "choice", short: "f", value: "FMT", default: "text", config: true, help: "report format",
    choices: { text: "for terminals and logs", json: "the stable JSON contract", markdown: "for tickets and chat" },
  },
  json: { kind: "boolean", help: "print JSON (for analyze: the same as --format json)" },
  output: { kind: "value", short: "o", value: "FILE", complete: "file", help: "write to FILE instead of stdout (a new file; see --force)" },
  force: { kind: "boolean", help: "let --output replace an existing file or symbolic link" },
  live: { kind: "boolean", help: "read this machine's live state too, e.g. with the application's log" },
  rules: { kind: "list", value: "PATH", complete: "file", help: "also load the rule file or directory PATH; a rule with a built-in's id replaces it" },
  disable: { kind: "list", value: "ID", complete: "none", help: "do not evaluate rule ID" },
  noUserRules: { kind: "boolean", help: "ignore the rules in $XDG_CONFIG_HOME/tcpdoc/rules" },
  noOwners: {
    kind: "boolean",
    help: "live snapshot on Linux: do not map sockets to processes (faster, as ss -tan against ss -tanp)",
  },
  maxInput: { kind: "value", value: "SIZE", complete: "none", config: true, help: "read at most SIZE of each input, e.g. 4GiB or 500MB (default 1GiB): a bigger one stops with an error" },
  interval: { kind: "value", value: "TIME", complete: "none", help: "record: time between two snapshots, e.g. 5s, 500ms or 1m (default 5s)" },
  count: { kind: "value", value: "N", complete: "none", help: "record: take N snapshots, then stop" },
  for: { kind: "value", value: "TIME", complete: "none", help: "record: keep recording for TIME, e.g. 10m" },
  answer: { kind: "list", value: "Q=A", complete: "none", help: "answer a rule's question up front, e.g. --answer app-restarted=yes" },
  minSeverity: {
    kind: "choice", value: "SEV", default: "info", config: true, help: "show only findings at SEV or worse, and set the exit code by them",
    choices: { info: "everything", warning: "warnings and critical findings", critical: "critical findings only" },
  },
  color: {
    kind: "choice", value: "WHEN", default: "auto", config: true, help: "colour the text report",
    choices: { auto: "on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it)", always: "always", never: "never" },
  },
  noColor: { kind: "boolean", help: "the same as --color=never" },
  plain: { kind: "boolean", help: "print the text report even in a terminal (no guided session); ASCII state diagram" },
  config: { kind: "value", value: "FILE", complete: "file", help: "read defaults from FILE instead of $XDG_CONFIG_HOME/tcpdoc/config.yaml" },
  noConfig: { kind: "boolean", help: "read no config file" },
  help: { kind: "boolean", short: "h", help: "show help (for a command: tcpdoc COMMAND --help)" },
  version: { kind: "boolean", short: "V", help: "show the version" },
};

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly FlagName[] = ["color", "noColor", "config", "noConfig", "help", "version"];

/** Every option name, in table order. */
export const FLAG_NAMES = Object.keys(OPTIONS) as FlagName[];

/** The long flag of an option key: noUserRules -> no-user-rules. */
export function flagName(key: FlagName): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The option a long flag names (without the dashes), if any. */
export function optionByFlag(flag: string): FlagName | undefined {
  return FLAG_NAMES.find((k) => flagName(k) === flag);
}

/** The option a one-letter flag names, if any. */
export function optionByShort(letter: string): FlagName | undefined {
  return FLAG_NAMES.find((k) => OPTIONS[k].short === letter);
}

/** `-o, --output FILE` as help shows it. */
export function optionUsage(key: FlagName): string {
  const o: AnyOption = OPTIONS[key];
  const value = o.kind === "boolean" ? "" : ` ${o.value}`;
  return `${o.short ? `-${o.short}, ` : "    "}--${flagName(key)}${value}`;
}

/** The help text of an option with its choices, default and repeatability. */
export function optionHelp(key: FlagName): string {
  const o: AnyOption = OPTIONS[key];
  if (o.kind === "choice") return `${o.help}: ${Object.keys(o.choices).join(", ")} (default ${o.default})`;
  return o.kind === "list" ? `${o.help}; repeatable` : o.help;
}

/** Every option at its default. */
export function defaultFlags(): Flags {
  const out: Record<string, unknown> = {};
  for (const k of FLAG_NAMES) {
    const o: AnyOption = OPTIONS[k];
    out[k] = o.kind === "boolean" ? false : o.kind === "list" ? [] : o.kind === "choice" ? o.default : undefined;
  }
  return out as unknown as Flags;
}
