/**
 * What a fact is: one module under src/engine/facts/ owns one fact's spec
 * (what rule authors read in docs/facts.md: summary, params, the paths of
 * its value with their types), its computation, how its paths read in
 * words, why it can be unknown, and the evidence groups it offers. The
 * registry (registry.ts) lists them; docs, JSON Schemas, validation and
 * words derive from there.
 */

import type { PathStep, ValueShape } from "../language/paths.ts";
import type { GroupBy, TableScan } from "./_scan.ts";

/** One parameter a fact takes. */
export interface FactParamSpec {
  name: string;
  /** "state" for one state name, "states" for a state name or a list of them. */
  type: "string" | "number" | "state" | "states";
  /** Allowed values, when the parameter is an enumeration. */
  choices?: readonly string[];
  required?: boolean;
  /** Another name accepted for it (`states` for `state`). */
  alias?: string;
  help: string;
}

/** What rule authors need to know about one fact. */
export interface FactSpec extends ValueShape {
  id: string;
  summary: string;
  params: readonly FactParamSpec[];
  /** When the value (or part of it) is unknown. */
  unknown: string;
  example: string;
}

/** A computed value, with why it is unknown when it is. */
export interface FactValue {
  value: unknown;
  why?: string;
}

/** Fact params as a condition gives them. */
export type Params = Readonly<Record<string, unknown>>;

/** What a computation gets. */
export interface FactInput {
  scan: TableScan;
  params: Params;
  /** The rule's exceptions as a socket mask (1 = ignored); null when nothing is ignored. */
  mask: Uint8Array | null;
  answers: Readonly<Record<string, unknown>>;
  /**
   * A result shared by every computation of this snapshot that asks with
   * the same key under the same exceptions (the pass behind several
   * values), made once.
   */
  shared<T>(key: string, make: () => T): T;
}

/** A fact: its spec and behaviour. */
export interface Fact {
  spec: FactSpec;
  compute(input: FactInput): FactValue;
  /** False for facts that do not read sockets: their value is the same under any exceptions. */
  masked: boolean;
  /** False for a fact whose value is handed over as it is, not computed (the answers): never memoized. */
  memo?: false;
  /**
   * The memo key of these params: params that mean the same give the same
   * key. Absent: the params as sorted JSON.
   */
  key?(params: Params, answers: Readonly<Record<string, unknown>>): string;
  /**
   * The pass over the socket table behind the value: computations with the
   * same pass text share it (for the bound on a rule set's cost);
   * undefined when the fact reads no socket.
   */
  pass?(params: Params): string | undefined;
  /** A path of the value in words, e.g. "share of the biggest group of CLOSE_WAIT sockets by local port". */
  words(params: Params, steps: readonly PathStep[]): string;
  /**
   * Why a path is unknown when the value as a whole is known; `tail` is the
   * path as written without `$.`, `resolved` what it gave. Absent: the
   * value's `why`, else "the inputs do not say".
   */
  whyUnknown?(tail: string, memo: FactValue, resolved: unknown): string;
  /** For a fact whose value lists groups of sockets: what its keys are, for evidence. */
  groups?(params: Params): { by: GroupBy; label: string };
}

/** Sorted-key JSON, for memo keys. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
}

/** A path's steps as words join them: `top.count`, `groups.[0].key`. */
export function stepsText(steps: readonly PathStep[]): string {
  return steps.map((s) => (typeof s === "number" ? `[${s}]` : s)).join(".");
}

/** The default why-unknown. */
export function defaultWhy(memo: FactValue, resolved: unknown): string {
  return resolved === null || resolved === undefined ? memo.why ?? "the inputs do not say" : "the inputs do not say";
}
