/** One typed table of commands and options drives parsing, --help and the README's reference. */

/** Usage errors: exit code 2 with a one-line message. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface OptionSpec {
  name: string;
  short?: string;
  /** Value placeholder; absent for boolean flags. */
  value?: string;
  repeatable?: boolean;
  choices?: readonly string[];
  help: string;
  default?: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  { name: "format", short: "f", value: "FMT", choices: ["text", "json", "markdown"], help: "report format", default: "text" },
  { name: "json", help: "same as --format json" },
  { name: "output", short: "o", value: "FILE", help: "write the report (or snapshot) to FILE instead of stdout" },
  { name: "rules", value: "DIR", repeatable: true, help: "also load rules from DIR (a rule with a built-in's id replaces it)" },
  { name: "disable", value: "ID", repeatable: true, help: "do not evaluate rule ID" },
  { name: "no-user-rules", help: "ignore $XDG_CONFIG_HOME/tcpdoc/rules" },
  { name: "no-owners", help: "live snapshot on Linux: do not map sockets to processes through /proc/PID/fd (faster; ss -tan against ss -tanp); does nothing for FILE inputs" },
  { name: "answer", value: "Q=A", repeatable: true, help: "answer a rule's question up front, e.g. --answer app-restarted=yes" },
  { name: "min-severity", value: "SEV", choices: ["info", "warning", "critical"], help: "hide findings below SEV", default: "info" },
  { name: "no-color", help: "no colour (also when NO_COLOR is set or output is not a terminal)" },
  { name: "plain", help: "print the text report even in a terminal (no interactive session)" },
  { name: "help", short: "h", help: "show help" },
  { name: "version", short: "V", help: "show version" },
];

export interface CommandSpec {
  name: string;
  args: string;
  help: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: "analyze", args: "[FILE...|-]", help: "diagnose dumps (or this machine when no FILE) and print a report" },
  { name: "snapshot", args: "[-o FILE]", help: "save this machine's socket table, counters and sysctls for later analysis" },
  { name: "rules list", args: "", help: "list the loaded rules and where each came from" },
  { name: "rules validate", args: "[PATH...]", help: "check rule files; each problem as file:line:column: message" },
  { name: "rules test", args: "[PATH...]", help: "run the test cases kept beside each rule" },
  { name: "explain", args: "STATE|RULE-ID", help: "explain a TCP state or show a rule in full" },
  { name: "formats", args: "", help: "list the input formats tcpdoc reads" },
];

export interface ParsedArgs {
  command: string[];
  positionals: string[];
  flags: Record<string, string | boolean | string[]>;
}

const BY_NAME = new Map(OPTIONS.map((o) => [o.name, o]));
const BY_SHORT = new Map(OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));

/** Parses argv (without the runtime and script) against OPTIONS. */
export function parseArgs(argv: string[]): ParsedArgs {
  const flags: ParsedArgs["flags"] = {};
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyPositionals || a === "-" || !a.startsWith("-")) {
      positionals.push(a);
      continue;
    }
    if (a === "--") {
      onlyPositionals = true;
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (eq !== -1) inline = a.slice(eq + 1);
      spec = BY_NAME.get(name);
      if (!spec) throw new UsageError(`Unknown option "${a}": run 'tcpdoc --help' for the options`);
    } else {
      spec = BY_SHORT.get(a.slice(1, 2));
      if (!spec) throw new UsageError(`Unknown option "${a}": run 'tcpdoc --help' for the options`);
      if (a.length > 2) inline = a.slice(2);
    }
    let value: string | boolean = true;
    if (spec.value) {
      value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`Option "--${spec.name}" needs a value (${spec.value})`);
      if (spec.choices && !spec.choices.includes(value)) {
        throw new UsageError(`Option "--${spec.name}" takes one of ${spec.choices.join(", ")}, not "${value}"`);
      }
    } else if (inline !== undefined) {
      throw new UsageError(`Option "--${spec.name}" takes no value`);
    }
    if (spec.repeatable) ((flags[spec.name] ??= []) as string[]).push(value as string);
    else flags[spec.name] = value;
  }
  const command: string[] = [];
  const first = positionals[0];
  if (first === "analyze" || first === "snapshot" || first === "explain" || first === "formats" || first === "help") {
    command.push(positionals.shift()!);
  } else if (first === "rules") {
    positionals.shift();
    const sub = positionals.shift();
    if (sub !== "list" && sub !== "validate" && sub !== "test") {
      throw new UsageError(`"tcpdoc rules" needs list, validate or test${sub ? `, not "${sub}"` : ""}`);
    }
    command.push("rules", sub);
  }
  return { command, positionals, flags };
}

/** The --help text. */
export function helpText(version: string): string {
  const lines = [
    `tcpdoc ${version}: diagnose TCP connection states from socket-table dumps`,
    "",
    "Usage:",
    "  tcpdoc [FILE...|-]              guided session in a terminal (text report otherwise);",
    "                                  no FILE: this machine's live state",
  ];
  for (const c of COMMANDS) lines.push(`  tcpdoc ${`${c.name} ${c.args}`.padEnd(26)}${c.help}`);
  lines.push("", "Options:");
  for (const o of OPTIONS) {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.value ? ` ${o.value}` : ""}`;
    const extra = [o.choices ? `(${o.choices.join("|")})` : "", o.default ? `[default: ${o.default}]` : "", o.repeatable ? "(repeatable)" : ""]
      .filter(Boolean).join(" ");
    lines.push(`  ${flag.padEnd(26)}${o.help}${extra ? ` ${extra}` : ""}`);
  }
  lines.push(
    "",
    "Exit codes: 0 no finding at warning or worse, 1 a warning or critical finding, 2 usage or input error.",
    "Examples:",
    "  tcpdoc analyze samples/linux/close-wait-leak/ss-tanp.txt",
    "  ss -tanp | tcpdoc analyze - --json",
    "  tcpdoc analyze ss.txt nstat.txt sysctl.txt app.log --format markdown",
  );
  return lines.join("\n");
}
