/** The shape of a command in the command table (commands.ts), and what its handler receives. */

import type { Flags, FlagName } from "./options.ts";

/** What a handler gets: the parsed command line, defaults and config applied. */
export interface Context {
  command: CommandSpec;
  positionals: string[];
  flags: Flags;
  /** Options given on the command line (not from the config file or defaults). */
  given: ReadonlySet<FlagName>;
  /** The arguments as given, for the reports' provenance. */
  argv: readonly string[];
  /** Environment variables (process.env, or a stand-in in tests). */
  env: Record<string, string | undefined>;
  /** Answers to rule questions from the config file (allowed-listen-ports). */
  configAnswers: Record<string, string>;
}

/** One command: its words, arguments, help, the options it takes and its handler. */
export interface CommandSpec {
  /** "analyze", "rules list"; "" for tcpdoc with no command. */
  name: string;
  /** Its arguments as usage shows them: "[FILE...|-]". */
  args: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs for `tcpdoc COMMAND --help` and the man page. */
  about: readonly string[];
  /** The options it takes besides the global ones, in help order. */
  options: readonly FlagName[];
  /** Options it refuses with a reason, instead of "does not apply". */
  refuses?: Partial<Record<FlagName, string>>;
  /** How many positional arguments it takes. */
  arity: readonly [min: number, max: number];
  /** What shell completion offers for its arguments: files, command names, states and rule ids, or fixed words. */
  complete: "files" | "none" | "commands" | "states-and-rules" | readonly string[];
  examples: readonly string[];
  /** False for commands no config key affects (help, completion): they read no config file. */
  config?: false;
  /**
   * Starts, before the handler's code loads, work that needs none of it
   * (reading this machine's socket tables ahead); returns what stops that
   * work if the handler left it unused.
   */
  early?(ctx: Context): (() => void) | undefined;
  run(ctx: Context): Promise<number> | number;
}
