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
}
