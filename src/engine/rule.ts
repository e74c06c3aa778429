/**
 * The rule model: a loaded rule and its parts, named conditions, a rule
 * set, and the positioned error of the rule format. Field names follow the
 * YAML file. Types, the error class and one path helper: every engine
 * module may import this one, and it imports nothing of the engine.
 */

import type { Severity } from "../model/finding.ts";
import { inert } from "../text/inert.ts";

export interface RuleQuestion {
  id: string;
  text: string;
  kind: "yes-no" | "choice" | "number" | "text";
  choices?: string[];
  /** The command that answers it, by platform (linux, macos, freebsd, windows). */
  commands?: Record<string, string>;
  /** Branches of the rule whose holding answers it from the data (a series showed the pile grow): then it is not asked. */
  settled_by?: string[];
}

export interface RuleCheck {
  title: string;
  command?: string;
  look_for: string;
  read_only?: boolean;
  platforms?: string[];
  /** The catalogued probe a live session may run for this check. */
  probe?: { id: string; params?: Record<string, unknown> };
}

export interface RuleFix {
  title: string;
  steps: string[];
  caveats?: string[];
  /** Where it applies (linux, macos, freebsd, windows); everywhere when absent. */
  platforms?: string[];
}

/** How a named alternative of the conditions grades the finding when it holds. */
export interface RuleBranch {
  severity?: Severity;
  /** Confidence when this alternative decides, 0..1. */
  confidence?: number;
}

/** How one rule's finding relates to another's: it explains it (folded under it), or rules it out. */
export interface RuleRelation {
  /** The rule whose finding this one explains: that finding is folded under this one. */
  explains?: string;
  /** The rule whose finding this one rules out: that finding is dropped. */
  excludes?: string;
  /** What the other finding is to this one: its cause, a consequence, or a detail of the same thing. */
  role?: "cause" | "consequence" | "detail";
  /** Conditions (over the facts) under which the relation holds; always when absent. */
  when?: Conditions;
  /** A figure of this finding that must name the same thing as a figure of the other. */
  match?: { figure: string; other: string; as?: "equal" | "endpoint" | "port" };
  /** One sentence saying how, shown with the folded finding. */
  how: string;
}

/** An error (symptom kind) a finding of this rule explains, and how. */
export interface RuleErrorLink {
  error: string;
  how: string;
}

/** A value read from a fact: `{ fact, params, path }`. */
export interface FactRef {
  fact: string;
  params?: Record<string, unknown>;
  path?: string;
}

export interface FigureSpec extends FactRef {
  /** How the message shows it: `percent` for 0..1 shares. */
  format?: "number" | "percent" | "text";
}

export interface GroupSpec extends FactRef {
  label?: string;
}

export interface EvidenceSpec {
  figures?: Record<string, FigureSpec>;
  groups?: GroupSpec[];
  sockets?: { states?: string[] | string; from_group?: number; limit?: number };
}

/** Sockets a rule ignores: every field given must match (ports: either end; addresses: either end). */
export interface RuleException {
  name?: string;
  ports?: number[];
  local_ports?: number[];
  remote_ports?: number[];
  addresses?: string[];
  local_addresses?: string[];
  remote_addresses?: string[];
  processes?: (string | number)[];
}

/** A condition tree (all / any / not / condition / a comparison), passed to json-rules-engine as it is. */
export type Conditions = Record<string, unknown>;

/** Where a rule file came from. */
export type RuleOrigin = "built-in" | "user" | "rules-dir";

/** A loaded rule. */
export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  conditions: Conditions;
  message?: string;
  tags?: string[];
  questions?: RuleQuestion[];
  checks?: RuleCheck[];
  fixes?: RuleFix[];
  references?: string[];
  enabled?: boolean;
  exceptions?: RuleException[];
  evidence?: EvidenceSpec;
  /** What a finding does when some conditions are unknown but known ones support it. */
  when_unknown?: "downgrade" | "keep" | "silent";
  /** Confidence of a finding whose conditions all held, 0..1 (default 0.8). */
  confidence?: number;
  /** Named alternatives of the conditions (`name:` on a condition) and how each grades the finding. */
  branches?: Record<string, RuleBranch>;
  /** How this rule's finding relates to other rules' findings. */
  relations?: RuleRelation[];
  /** The errors users see that a finding of this rule explains. */
  explains_errors?: RuleErrorLink[];
  metadata?: Record<string, unknown>;
  /** The file it was read from. */
  source: string;
  origin: RuleOrigin;
}

/** The rules, named conditions and problems found while loading. */
export interface RuleSet {
  rules: Rule[];
  conditions: Map<string, Conditions>;
  errors: RuleFileError[];
  /** Rules replaced by a later source: id -> the file that was replaced. */
  replaced: Map<string, string>;
}

/** A problem in a rule file, with its position. */
export class RuleFileError extends SyntaxError {
  override name = "RuleFileError";
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly hint: string | undefined;
  constructor(code: string, file: string, line: number, column: number, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.file = file;
    this.line = line;
    this.column = column;
    this.hint = hint;
  }
  /** `file:line:column: message (hint: ...)`, one line, inert (file names and quoted values come from outside). */
  format(): string {
    return inert(`${this.file}:${this.line}:${this.column}: ${this.message}${this.hint ? ` (hint: ${this.hint})` : ""}`);
  }
}

/** The last part of a path, `/` or `\` separated. */
export function baseName(p: string): string {
  return p.slice(Math.max(p.lastIndexOf("/"), p.lastIndexOf("\\")) + 1);
}

/** Where rules are loaded from, in order: later sources replace rules of earlier ones by id. */
export interface RuleSource {
  /** A rules directory, or a single rule file. */
  path: string;
  origin: RuleOrigin;
}

/**
 * How the engine reads rule files. The engine declares it and never
 * touches the file system itself; src/sources/rule_files.ts implements it.
 */
export interface RuleFiles {
  /**
   * The text of a regular file of at most `limit` bytes (UTF-8). Anything
   * else (too big, a FIFO, a device, unreadable) is a one-line reason.
   */
  read(file: string, limit: number): { text: string } | { error: string; code: "read" | "too-big" | "not-regular" };
  /** The names in a directory, or a one-line reason it cannot be read. */
  list(dir: string): { names: string[] } | { error: string };
  /** What is at a path (following symbolic links). */
  kind(path: string): "file" | "dir" | "missing" | "other";
  /** A name inside a directory, as a path. */
  join(dir: string, name: string): string;
  /**
   * Whether everything under `dir` may be read without asking the user
   * (Deno asks for each path its permissions leave out, when it may
   * prompt); absent: yes. Reads that only save time are skipped otherwise.
   */
  readableUnasked?(dir: string): boolean;
}
