/** Findings: what the rules conclude, with the evidence and the way to confirm and fix it. */

import type { StateName } from "./states.ts";

export type Severity = "info" | "warning" | "critical";
export const SEVERITIES: readonly Severity[] = ["info", "warning", "critical"];

/** Severity rank: higher is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** An example socket, with where it was read. */
export interface EvidenceSocket {
  /** Input path as given. */
  input: string;
  line: number;
  state?: StateName;
  local: string;
  remote: string;
  recvQ?: number;
  sendQ?: number;
  pid?: number;
  program?: string;
}

/** A group of sockets that share a key (a port, a process, a destination). */
export interface EvidenceGroup {
  /** What the key is, e.g. "local port", "destination". */
  by: string;
  key: string;
  count: number;
}

/** One condition of the rule and what the fact held (json-rules-engine's result). */
export interface ConditionResult {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  factResult: unknown;
  result: boolean;
  /** The fact's params, when it takes any. */
  params?: Record<string, unknown>;
  /** True when the inputs could not supply the fact: the condition is neither true nor false. */
  unknown?: boolean;
}

export interface Question {
  id: string;
  text: string;
  kind: "yes-no" | "choice" | "number" | "text";
  choices?: string[];
  /** The answer given, when there is one. */
  answer?: string | number | boolean;
  /** The command that answers it on the snapshot's platform (or the first one given, when the platform is unknown). */
  command?: string;
}

export interface Check {
  title: string;
  /** The command for the user to read and copy; tcpdoc never runs it. */
  command?: string;
  lookFor: string;
  readOnly: boolean;
  /** The platforms the command runs on, e.g. ["linux"]. */
  platforms: string[];
  /** The probe from tcpdoc's catalogue (src/checks/probes.ts) a live session may run instead. */
  probe?: { id: string; params?: Record<string, unknown> };
}

export interface Fix {
  title: string;
  steps: string[];
  caveats: string[];
  /** Where it applies, e.g. ["windows"]; everywhere when absent. */
  platforms?: string[];
}

/** What the evidence behind a finding is: a full socket table, an excerpt of one, counts without rows, log lines, kernel counters, settings, or the user's answers. */
export type Basis = "table" | "excerpt" | "counts" | "logs" | "counters" | "settings" | "answers";

/** Another finding that explains this one: it is folded under that finding in reports. */
export interface Explanation {
  rule: string;
  /** What this finding is to the other: its cause, a consequence of it, or a detail of the same problem. */
  role: "cause" | "consequence" | "detail";
  how: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** 0..1: how strongly the evidence supports the diagnosis. */
  confidence: number;
  title: string;
  /** The rule's message with its placeholders filled from the evidence. */
  message: string;
  evidence: {
    figures: Record<string, number | string>;
    groups: EvidenceGroup[];
    sockets: EvidenceSocket[];
  };
  conditions: ConditionResult[];
  /** Facts the rule would use that the inputs could not supply. */
  missing: string[];
  /**
   * True for a lower-confidence finding: some conditions could not be
   * evaluated (see `missing`) but the known ones support the diagnosis.
   */
  partial?: boolean;
  questions: Question[];
  checks: Check[];
  fixes: Fix[];
  references: string[];
  tags: string[];
  /** The rule file it came from. */
  source: string;
  /** What the evidence behind it is (an excerpt's finding says so, and its confidence is lower). */
  basis?: Basis;
  /** The named alternatives of the rule's conditions that held. */
  branches?: string[];
  /** Set when another finding explains this one: reports fold it under that one. */
  explainedBy?: Explanation;
  /** Set when this finding explains the error the user named (--error) or the log shows. */
  explainsError?: { error: string; how: string };
}
