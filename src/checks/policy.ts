/**
 * Whether a check can run in this session, and exactly what would run: the
 * check's probe from the catalogue, its parameters filled from the finding's
 * evidence and checked by type, the action on this platform. A check's
 * `command` never runs: it is text for the user to read and copy.
 */

import type { Check } from "../model/finding.ts";
import { checkValue, type ParamValue } from "./params.ts";
import { placeholder, placeholderValues } from "./placeholders.ts";
import { type Platform, type ProbeAction, type ProbeParams, probeSpec, type ProbeSpec } from "./probes.ts";

/** A probe ready to run: what, with which values, and how on this platform. */
export interface ProbePlan {
  probe: ProbeSpec;
  params: ProbeParams;
  platform: Platform;
  action: ProbeAction;
  /** Placeholders filled from the evidence, name to value. */
  filled: Record<string, string>;
  /** The whole probe is stopped after this long. */
  timeoutMs: number;
}

/** What a probe printed and how it ended. */
export interface ProbeResult {
  status: "done" | "failed" | "timeout";
  /** A spawned probe's exit code; null for one tcpdoc did itself. */
  exitCode: number | null;
  output: string;
  truncated: boolean;
  ms: number;
}

/** A check's plan, or why it cannot run here. */
export type CheckPlan = { ok: true; plan: ProbePlan } | { ok: false; reason: string };

/** The platform name rules use for a Node `process.platform` value. */
export function platformOf(nodePlatform: string): string {
  return nodePlatform === "darwin" ? "macos" : nodePlatform === "win32" ? "windows" : nodePlatform;
}

/** How long a spawned probe may take, and what a watch adds to its seconds. */
const BASE_TIMEOUT_MS = 10_000;

/**
 * Plans `check` for a session: live or not, on `platform`, with the
 * finding's evidence `figures` to fill placeholders from.
 */
export function planCheck(check: Pick<Check, "probe" | "platforms">, live: boolean, platform: string, figures: Record<string, number | string>): CheckPlan {
  const ref = check.probe;
  if (!ref) return { ok: false, reason: "tcpdoc has no probe for this check: run the command yourself" };
  const spec = probeSpec(ref.id);
  if (!spec) return { ok: false, reason: `unknown probe "${ref.id}"` };
  if (!live) return { ok: false, reason: "probes run in a live session only: this one reads dumps" };
  if (check.platforms.length && !check.platforms.includes(platform)) {
    return { ok: false, reason: `this check is for ${check.platforms.join(", ")}, not ${platform}` };
  }
  const on = spec.on[platform as Platform];
  if (!on) return { ok: false, reason: `the ${spec.id} probe does not run on ${platform}` };
  const values = placeholderValues(figures);
  const params: ProbeParams = {};
  const filled: Record<string, string> = {};
  const missing: string[] = [];
  for (const [k, raw] of Object.entries(ref.params ?? {})) {
    const ps = Object.prototype.hasOwnProperty.call(spec.params, k) ? spec.params[k] : undefined;
    if (!ps) return { ok: false, reason: `the ${spec.id} probe has no parameter "${k}"` };
    let v: unknown = raw;
    const ph = typeof raw === "string" ? placeholder(raw) : undefined;
    if (ph) {
      if (values[ph.name] === undefined) {
        missing.push(ph.name);
        continue;
      }
      v = values[ph.name];
      filled[ph.name] = String(v);
    }
    const c = checkValue(ps.type, v);
    if (!c.ok) return { ok: false, reason: `${k} ${c.error}` };
    params[k] = c.value as ParamValue;
  }
  if (missing.length) return { ok: false, reason: `the evidence does not say which ${missing.join(" or ")} to use: run the command yourself` };
  for (const [k, ps] of Object.entries(spec.params)) {
    if (ps.required && params[k] === undefined) return { ok: false, reason: `the ${spec.id} probe needs ${k}` };
  }
  const action = on(params);
  const seconds = action.kind === "read" ? action.seconds ?? 0 : 0;
  return { ok: true, plan: { probe: spec, params, platform: platform as Platform, action, filled, timeoutMs: BASE_TIMEOUT_MS + seconds * 1000 } };
}

/** The probe and its parameters in one line: `sockets state=CLOSE_WAIT port=8080`. */
export function probeLine(plan: ProbePlan): string {
  const ps = Object.entries(plan.params).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(",") : v}`);
  return [plan.probe.id, ...ps].join(" ");
}

/**
 * The exact action, one item a line: for a spawned probe the argv one
 * element a line; for a probe tcpdoc does itself, what it reads.
 */
export function actionLines(a: ProbeAction): string[] {
  if (a.kind === "spawn") return [`runs, with no shell (argv, one element a line):`, ...a.argv.map((x, i) => `  [${i}] ${x}`)];
  const head = a.seconds ? `reads, every few seconds for ${a.seconds} s (nothing is run):` : "reads (nothing is run):";
  return [head, ...a.files.map((f) => `  ${f}`)];
}
