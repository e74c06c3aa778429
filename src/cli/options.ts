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
  redact: boolean;
  maxInput: string | undefined;
  fleet: string | undefined;
  jobs: string | undefined;
  allNetns: boolean;
  label: string[];
  procRoot: string | undefined;
  prometheus: boolean;
  top: string | undefined;
  prometheusRules: boolean;
  manifest: boolean;
  runbookUrl: string | undefined;
  interval: string | undefined;
  count: string | undefined;
  for: string | undefined;
  answer: string[];
  error: string | undefined;
  verbose: boolean;
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
  redact: { kind: "boolean", help: "snapshot: replace host name, addresses, ports, uids and process names with consistent pseudonyms, to share the file publicly" },
  maxInput: { kind: "value", value: "SIZE", complete: "none", config: true, help: "read at most SIZE of each input, e.g. 4GiB or 500MB (default 1GiB): a bigger one stops with an error" },
  fleet: { kind: "value", value: "DIR", complete: "file", help: "analyse a fleet: DIR (or a .tar.gz of it) holds a directory per host, or snapshot files that name their host" },
  jobs: { kind: "value", value: "N", complete: "none", help: "with --fleet: analyse at most N hosts at once, on helper threads (default: the cores, at most 8; 1: on this thread)" },
  allNetns: { kind: "boolean", help: "Linux, live: read every network namespace (containers, pods) once and analyse each as a host of a fleet" },
  label: { kind: "list", value: "KEY=VALUE", complete: "none", help: "snapshot: write a label in the file's header (build=2.5.0, role=web): fleet rules compare hosts by their labels" },
  procRoot: { kind: "value", value: "DIR", complete: "file", help: "with --all-netns: read the namespaces from DIR instead of /proc (the host's /proc mounted in a container)" },
  prometheus: { kind: "boolean", help: "export: write the Prometheus text format (node_exporter's textfile collector)" },
  top: { kind: "value", value: "N", complete: "none", help: "export: keep the N biggest ports, remote endpoints and processes per state, the rest summed as other (default 10)" },
  prometheusRules: { kind: "boolean", help: "rules export: write the rule catalogue as Prometheus alerting rules" },
  manifest: { kind: "boolean", help: "rules export: a PrometheusRule manifest (kube-prometheus) instead of a rules file" },
  runbookUrl: { kind: "value", value: "URL", complete: "none", help: "rules export: each alert's runbook_url, {rule} replaced by the rule id (default: the command 'tcpdoc explain RULE-ID')" },
  interval: { kind: "value", value: "TIME", complete: "none", help: "record and watch: time between two snapshots, e.g. 5s, 500ms or 1m (default: 5s for record, 2s for watch)" },
  count: { kind: "value", value: "N", complete: "none", help: "record and watch: take N snapshots, then stop" },
  for: { kind: "value", value: "TIME", complete: "none", help: "record and watch: stop after TIME, e.g. 10m" },
  answer: { kind: "list", value: "Q=A", complete: "none", help: "answer a rule's question up front, e.g. --answer app-restarted=yes" },
  error: {
    kind: "value", value: "TEXT", complete: "none",
    help: "the error you see, as it reads or by name or number (\"cannot assign requested address\", EADDRINUSE, 10055): the findings that explain it come first, or the report says what to collect",
  },
  verbose: { kind: "boolean", help: "also list near misses: rules that did not fire though some of their conditions held, and what kept them" },
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
