/** The rule engine's face: load rules, evaluate them over a snapshot. */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";

export interface DiagnoseOptions {
  ruleDirs: string[];
  disabled: string[];
  userRules: boolean;
  answers: Record<string, string>;
}

/** Evaluates the rules over the snapshot and returns findings, worst first. */
export function diagnose(_snap: Snapshot, _opts: DiagnoseOptions): Promise<Finding[]> {
  return Promise.resolve([]);
}
