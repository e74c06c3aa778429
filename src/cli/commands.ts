/**
 * The command table: every command with its arguments, help, options and
 * handler. Parsing, help, the man page, shell completion and the README's
 * command reference are all made from it.
 */

import process from "node:process";
import type { CommandSpec, Context } from "./command.ts";
import { completionScript, type Shell, SHELLS } from "./completion.ts";
import { inert } from "../text/inert.ts";
import { didYouMean, EXIT, UsageError } from "./errors.ts";
import { commandHelp, globalHelp, groupHelp } from "./help.ts";
import { readLiveAhead } from "./live_ahead.ts";
import type { FlagName } from "./options.ts";
import { helpWidth } from "./terminal.ts";
import { VERSION } from "./version.ts";

// Each handler's code loads when its command runs: the command line is
// parsed (and this machine's tables start being read, see `early`) first.
const sessionRun = async (ctx: Context) => await (await import("./analyze.ts")).sessionCommand(ctx);
const analyzeRun = async (ctx: Context) => await (await import("./analyze.ts")).analyzeCommand(ctx);
const snapshotRun = async (ctx: Context) => (await import("./snapshot.ts")).snapshotCommand(ctx);
const exportRun = async (ctx: Context) => await (await import("./export.ts")).exportCommand(ctx);
const recordRun = async (ctx: Context) => await (await import("./record.ts")).recordCommand(ctx);
const watchRun = async (ctx: Context) => await (await import("./watch.ts")).watchCommand(ctx);
const explainRun = async (ctx: Context) => await (await import("./explain.ts")).explainCommand(ctx);
const formatsRun = async (ctx: Context) => (await import("./formats.ts")).formatsCommand(ctx);

/** What analyze and the bare command take. */
const REPORT_OPTIONS: readonly FlagName[] = [
  "format", "json", "output", "force", "live", "minSeverity", "error", "answer", "verbose", "rules", "disable", "noUserRules", "noOwners", "maxInput", "plain", "fleet", "jobs", "allNetns", "procRoot",
];
const RULE_OPTIONS: readonly FlagName[] = ["json", "rules", "noUserRules"];
const JSON_NOT_SNAPSHOT = "a snapshot is written in tcpdoc's own text format, which 'tcpdoc analyze FILE' reads back; for a JSON report run 'tcpdoc analyze --json'";

async function rules(sub: string, ctx: Context): Promise<number> {
  // The rule tooling, and the YAML reader with it, load only when asked for.
  return await (await import("../rule_tools/commands.ts")).rulesCommand(sub, ctx.positionals, ctx.flags);
}

function help(ctx: Context): number {
  const words = ctx.positionals;
  const width = helpWidth();
  if (words.length === 0) {
    process.stdout.write(globalHelp(COMMANDS, VERSION, width));
    return EXIT.ok;
  }
  const name = words.join(" ");
  const c = COMMANDS.find((x) => x.name === name && x.name !== "");
  const groups = [...new Set(COMMANDS.filter((x) => x.name.includes(" ")).map((x) => x.name.split(" ")[0]))];
  if (c) process.stdout.write(commandHelp(c, width));
  else if (groups.includes(name)) process.stdout.write(groupHelp(name, COMMANDS, width));
  else {
    const names = [...COMMANDS.map((x) => x.name).filter(Boolean), ...groups];
    throw new UsageError(`"tcpdoc help" knows no command "${inert(name)}"${didYouMean(name, names) || `; the commands are ${names.join(", ")}`}`);
  }
  return EXIT.ok;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "",
    args: "[FILE...|-]",
    summary: "guided session in a terminal (a text report otherwise); no FILE: this machine's live state",
    about: [
      "In a terminal, opens the guided session on the dumps given, on stdin (-), or on this machine when no FILE is given: the findings, the evidence, the rules' questions, the checks and the fixes, step by step.",
      "When stdout is not a terminal, or with --plain, --json, --format or --output, prints the report as 'tcpdoc analyze' does.",
    ],
    options: REPORT_OPTIONS,
    arity: [0, Infinity],
    complete: "files",
    examples: ["tcpdoc samples/linux/close-wait-leak/ss-tanp.txt", "ss -tanp | tcpdoc -"],
    early: readLiveAhead,
    run: sessionRun,
  },
  {
    name: "analyze",
    args: "[FILE...|-]",
    summary: "diagnose dumps (or this machine when no FILE) and print a report",
    about: [
      "Reads the dumps given into one snapshot (a socket table with the counters, sysctls and the application's log from the same moment), or this machine's live state when no FILE is given, evaluates the rules and prints a report. - reads stdin; --live adds this machine's live state to the files given.",
      "--fleet DIR analyses many hosts in one run: DIR (or a .tar, .tar.gz or .tgz of it, as Ansible fetch, sos collect or kubectl cp leave them) holds a directory per host (with an optional labels.txt of key=value lines), or tcpdoc snapshot files whose header names the host. Each host is analysed on its own, --jobs at a time on helper threads (a file of a host that is not a dump is left out and named); then the fleet rules (rules/fleet/, and the fleet/ directory of the user's rules directory and of each --rules directory) look across hosts: one upstream that most hosts cannot reach, a leak only on the hosts with one label, a host far above its peers, and connections whose FIN_WAIT_2 end and CLOSE_WAIT end are on two hosts.",
      "The exit code is 1 when a finding at warning or worse is shown, 0 otherwise; --min-severity hides findings below it, says how many, and the exit code follows what is shown. A rule that does not validate stops the run with exit code 2.",
    ],
    options: REPORT_OPTIONS,
    arity: [0, Infinity],
    complete: "files",
    examples: [
      "tcpdoc analyze samples/linux/close-wait-leak/ss-tanp.txt",
      "ss -tanp | tcpdoc analyze - --json",
      "tcpdoc analyze ss.txt nstat.txt sysctl.txt app.log --format markdown -o report.md",
      "tcpdoc analyze --live /var/log/app.log",
      "tcpdoc analyze --fleet samples/fleet",
    ],
    early: readLiveAhead,
    run: analyzeRun,
  },
  {
    name: "snapshot",
    args: "",
    summary: "save this machine's socket table, counters and sysctls for later analysis",
    about: [
      "Writes this machine's socket table, kernel counters and TCP sysctls, with each socket's process unless --no-owners, in a text file that 'tcpdoc analyze FILE' reads back without loss, elsewhere and later. With --output the file is new (or --force), written whole, and readable by its owner only (mode 0600): it names processes and peers. With --redact the host name, addresses, ports, uids and process names are replaced by consistent pseudonyms (wildcard and loopback addresses, ports below 1024 and listening ports stay), so the file can be shared in a public issue and still gives the same findings. --label KEY=VALUE writes a label into its header (build=2.5.0, role=web) for 'tcpdoc analyze --fleet', whose rules compare hosts by their labels.",
    ],
    options: ["output", "force", "noOwners", "redact", "label"],
    refuses: { json: JSON_NOT_SNAPSHOT, format: JSON_NOT_SNAPSHOT },
    arity: [0, 0],
    complete: "none",
    examples: ["tcpdoc snapshot -o web1.tcpdoc", "tcpdoc snapshot --redact -o issue.tcpdoc", "tcpdoc snapshot --label build=2.5.0 --label role=web -o web1.tcpdoc"],
    early: readLiveAhead,
    run: snapshotRun,
  },
  {
    name: "export",
    args: "[FILE...]",
    summary: "write this machine's (or the files') TCP state as Prometheus metrics, for node_exporter's textfile collector",
    about: [
      "With --prometheus, writes the Prometheus text format: tcpdoc_sockets{state} for every state; tcpdoc_sockets_by_local_port, _by_remote and _by_process for the --top N biggest of each state, the rest summed as \"other\" (so the number of series stays bounded); tcpdoc_kernel_stat_rate{stat} (per second) when a FILE holds a timestamped nstat series; tcpdoc_finding{rule,severity} valued at the finding's confidence for each rule that fires; tcpdoc_snapshot_timestamp_seconds. No FILE: this machine's live state; --all-netns: every network namespace, each sample labelled netns (and container, pod_uid, runtime where the cgroup says so).",
      "With --output the file is written whole beside itself and renamed into place, so the collector never reads half of it; it is replaced only with --force (a timer or cron job passes it). deploy/ has a systemd timer and a cron line, deploy/kubernetes/ a DaemonSet.",
    ],
    options: ["prometheus", "top", "output", "force", "allNetns", "procRoot", "noOwners", "maxInput", "rules", "disable", "noUserRules", "answer"],
    refuses: { json: "export writes the Prometheus text format; for a JSON report run 'tcpdoc analyze --json'", format: "export writes the Prometheus text format; for a report run 'tcpdoc analyze --format FMT'" },
    arity: [0, Infinity],
    complete: "files",
    examples: ["tcpdoc export --prometheus -o /var/lib/node_exporter/textfile/tcpdoc.prom --force", "tcpdoc export --prometheus samples/linux/series-close-wait-growing/series-nstat.txt samples/linux/series-close-wait-growing/ss-tanp.txt"],
    early: readLiveAhead,
    run: exportRun,
  },
  {
    name: "record",
    args: "",
    summary: "record this machine's snapshots over time, for a series analysis",
    about: [
      "Takes this machine's snapshot (as 'tcpdoc snapshot') every --interval (default 5s) and appends each to one file as it is taken, --count times or for --for, or until Ctrl-C. 'tcpdoc analyze FILE' reads the recording as a series: how each state's count goes, whether the same sockets stay (a leak) or rotate (churn), counter rates, and when a limit runs out. With --output the file is new, or --force appends to it; it is readable by its owner only (mode 0600).",
    ],
    options: ["output", "force", "noOwners", "interval", "count", "for"],
    refuses: { json: JSON_NOT_SNAPSHOT, format: JSON_NOT_SNAPSHOT },
    arity: [0, 0],
    complete: "none",
    examples: ["tcpdoc record --count 2 --interval 60s -o web1.tcpdoc", "tcpdoc record --interval 5s --for 10m -o web1.tcpdoc"],
    run: recordRun,
  },
  {
    name: "watch",
    args: "",
    summary: "watch this machine over time: state counts with sparklines, findings with their trends",
    about: [
      "Reads this machine every --interval (default 2s), keeps the last 300 moments as a series, and evaluates the rules on each tick with the series behind it: state counts with sparklines and their growth per minute, whether the same sockets stay, counter rates, limits with the time left, and the findings. On a terminal it shows the watch screen until q (or --count / --for): the busiest processes, local ports and peers with their growth and what came and went since the tick before, and keys: space or p pauses, + and - change the interval (500 ms to 60 s), / filters by process, port or address, Enter or 1-9 open a finding's walkthrough, e exports what was watched as a recording 'tcpdoc analyze' reads (with the session as Markdown beside it), q quits. Otherwise, or with --json, it prints one JSON line per tick (at, sockets, states, series, findings) for scripts and log shippers.",
    ],
    options: ["json", "interval", "count", "for", "noOwners", "rules", "disable", "noUserRules", "answer", "minSeverity", "color", "noColor"],
    arity: [0, 0],
    complete: "none",
    examples: ["tcpdoc watch", "tcpdoc watch --json --interval 5s --count 12 > watch.jsonl"],
    run: watchRun,
  },
  {
    name: "rules list",
    args: "",
    summary: "list the loaded rules and where each came from",
    about: ["Lists the rules that 'tcpdoc analyze' would evaluate with the same --rules, --disable and --no-user-rules, with their severity and origin; --json gives id, severity, title, origin and source."],
    options: [...RULE_OPTIONS, "disable"],
    arity: [0, 0],
    complete: "none",
    examples: ["tcpdoc rules list --rules team-rules/"],
    run: (ctx) => rules("list", ctx),
  },
  {
    name: "rules validate",
    args: "[PATH...]",
    summary: "check rule files; each problem as file:line:column: message",
    about: [
      "Checks rule files, named-condition files, rule test files and fleet rules with their tests (a directory: every one in it and in its fleet/ directory; no PATH: the built-in, user and --rules rules), and prints each problem as file:line:column: message with a hint. The exit code is 2 when there is any problem.",
      "--json prints {files, rules, errors: [{file, line, column, code, message, hint}]} for editors and CI.",
    ],
    options: RULE_OPTIONS,
    arity: [0, Infinity],
    complete: "files",
    examples: ["tcpdoc rules validate team-rules/", "tcpdoc rules validate --json team-rules/my-rule.yaml"],
    run: (ctx) => rules("validate", ctx),
  },
  {
    name: "rules export",
    args: "",
    summary: "write the rules as Prometheus alerting rules over tcpdoc's exported metrics",
    about: [
      "With --prometheus-rules, writes a Prometheus rules file: one alert per rule (TcpdocCloseWaitLeak for close-wait-leak) on tcpdoc_finding{rule} from 'tcpdoc export --prometheus', held for 2m (critical), 5m (warning) or 15m (info) before it fires, with the rule's title, severity and a runbook_url (--runbook-url URL with {rule}, else the command 'tcpdoc explain RULE-ID'); and the fleet rules' own expressions across hosts. --manifest wraps the same groups in a PrometheusRule for kube-prometheus. The file passes 'promtool check rules'.",
    ],
    options: ["prometheusRules", "manifest", "runbookUrl", "output", "force", "rules", "disable", "noUserRules"],
    arity: [0, 0],
    complete: "none",
    examples: ["tcpdoc rules export --prometheus-rules -o /etc/prometheus/rules/tcpdoc.yml", "tcpdoc rules export --prometheus-rules --manifest | kubectl apply -f -"],
    run: (ctx) => rules("export", ctx),
  },
  {
    name: "rules test",
    args: "[PATH...]",
    summary: "run the test cases kept beside each rule",
    about: [
      "Runs the cases of each rule's ID.test.yaml, and of each fleet rule's in a fleet/ directory (each case a fleet directory or archive beside the test file or in samples/; no PATH: the built-in rules and the --rules directories) and ends with 'rules test: N passed, M failed'. A rule without a test file fails. The exit code is 1 when a case fails, 2 when a rule or test file does not validate.",
      "--json prints {passed, failed, cases: [{rule, file, name, ok, problems}], errors: [...]}.",
    ],
    options: RULE_OPTIONS,
    arity: [0, Infinity],
    complete: "files",
    examples: ["tcpdoc rules test team-rules/"],
    run: (ctx) => rules("test", ctx),
  },
  {
    name: "rules new",
    args: "ID [DIR]",
    summary: "write a new rule and its test file to start from",
    about: [
      "Writes DIR/ID.yaml (default DIR: the current directory), a working rule to edit, and DIR/ID.test.yaml, its test cases; both pass 'tcpdoc rules validate' and 'tcpdoc rules test' as written. Existing files are never replaced. Load the rule with --rules DIR, or put both files in $XDG_CONFIG_HOME/tcpdoc/rules.",
    ],
    options: [],
    arity: [1, 2],
    complete: "none",
    examples: ["tcpdoc rules new redis-close-wait team-rules/", "tcpdoc rules test team-rules/"],
    run: async (ctx) => await (await import("../rule_tools/commands.ts")).rulesNewCommand(ctx.positionals[0], ctx.positionals[1] ?? "."),
  },
  {
    name: "explain",
    args: "[STATE|RULE [FILE...]]",
    summary: "explain a TCP state, show a rule in full, or why it fired or not on your files",
    about: [
      "With a state in any spelling (CLOSE_WAIT, close-wait, CloseWait, LISTENING), draws the TCP state diagram with the state marked and explains it: what it means, how a socket gets in and out, what piles of it mean. With a rule id, shows the rule in full: what it finds, its conditions and thresholds, questions, checks, fixes and references. With nothing, lists the states.",
      "With a rule id and files, evaluates that one rule on them and shows every condition with the value it read (yes, no, or ? when the inputs cannot tell), the named alternatives that held, and the conditions that kept it from firing; --answer and --error apply as in analyze.",
      "--json prints the state's or the rule's data, or the evaluated tree.",
    ],
    options: [...RULE_OPTIONS, "plain", "answer", "error"],
    arity: [0, Infinity],
    complete: "states-and-rules",
    examples: ["tcpdoc explain close-wait", "tcpdoc explain time-wait-port-exhaustion", "tcpdoc explain close-wait-leak ss-tan.txt"],
    run: explainRun,
  },
  {
    name: "formats",
    args: "",
    summary: "list the input formats tcpdoc reads",
    about: ["Lists every input format tcpdoc recognises and what it reads of it; --json gives [{format, reads}]."],
    options: ["json"],
    arity: [0, 0],
    complete: "none",
    examples: ["tcpdoc formats"],
    run: formatsRun,
  },
  {
    name: "help",
    args: "[COMMAND]",
    summary: "show help, for tcpdoc or for a command",
    about: ["'tcpdoc help analyze' is 'tcpdoc analyze --help'."],
    options: [],
    arity: [0, 2],
    complete: "commands",
    examples: ["tcpdoc help rules test"],
    config: false,
    run: help,
  },
  {
    name: "completion",
    args: "bash|zsh",
    summary: "print the shell completion script",
    about: [
      "Prints a completion script for bash or zsh: commands, options, their values, files and rule ids.",
      "bash: source <(tcpdoc completion bash), or save it as ~/.local/share/bash-completion/completions/tcpdoc. zsh: save it as _tcpdoc in a directory of $fpath, or source <(tcpdoc completion zsh).",
    ],
    options: [],
    arity: [1, 1],
    complete: SHELLS,
    examples: ["tcpdoc completion bash > ~/.local/share/bash-completion/completions/tcpdoc"],
    config: false,
    run: (ctx) => {
      const shell = ctx.positionals[0];
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`"tcpdoc completion" knows ${SHELLS.join(" and ")}, not "${shell}"`);
      process.stdout.write(completionScript(shell as Shell, COMMANDS));
      return EXIT.ok;
    },
  },
];

/** `tcpdoc --help`, `tcpdoc COMMAND --help` or `tcpdoc GROUP --help`. */
export function printHelp(command: CommandSpec | undefined, group: string | undefined): number {
  const width = helpWidth();
  if (group) process.stdout.write(groupHelp(group, COMMANDS, width));
  else if (command && command.name) process.stdout.write(commandHelp(command, width));
  else process.stdout.write(globalHelp(COMMANDS, VERSION, width));
  return EXIT.ok;
}
