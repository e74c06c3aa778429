/**
 * FactContext: the facts' values for one snapshot, each computed at most
 * once per (params, exceptions) and kept across evaluations (the session
 * re-evaluates with new answers). It only caches: what a fact is and how it
 * is computed lives in the fact's own module (json-rules-engine's
 * Fact/Almanac split).
 */

import type { Snapshot } from "../../model/snapshot.ts";
import type { SocketTable } from "../../model/socket_table.ts";
import { exceptionsKey } from "../language/exceptions.ts";
import { pathTail, parsePath, resolvePath } from "../language/paths.ts";
import type { RuleException } from "../rule.ts";
import { type GroupBy, TableScan } from "./_scan.ts";
import { defaultWhy, type FactValue, stableJson, stepsText } from "./fact.ts";
import { factById } from "./registry.ts";

export class FactContext {
  readonly snap: Snapshot;
  readonly t: SocketTable;
  readonly scan: TableScan;
  readonly #memo = new Map<string, FactValue>();
  readonly #shared = new Map<string, unknown>();
  /** How many fact values were computed (memo misses). */
  computed = 0;
  /** How many shared passes ran (a group pass serves every `top`). */
  passes = 0;

  constructor(snap: Snapshot) {
    this.snap = snap;
    this.t = snap.sockets;
    this.scan = new TableScan(snap);
  }

  /** Socket mask of a rule's exceptions: 1 = ignored; null when nothing is ignored. */
  excluded(ex: readonly RuleException[] | undefined): Uint8Array | null {
    return this.scan.excluded(ex);
  }

  /**
   * A fact's value for these params and exceptions, computed once; `why`
   * explains a null value.
   */
  get(fact: string, params: Record<string, unknown>, ex: readonly RuleException[] | undefined, answers: Record<string, unknown>): FactValue {
    const f = factById(fact);
    if (!f) return { value: null, why: `unknown fact "${fact}"` };
    if (fact === "answers") return { value: answers };
    const exKey = f.masked ? exceptionsKey(ex) : "";
    const key = `${fact}|${f.key ? f.key(params, answers) : stableJson(params)}|${exKey}`;
    let m = this.#memo.get(key);
    if (!m) {
      this.computed++;
      const mask = f.masked ? this.scan.excluded(ex) : null;
      const shared = <T>(k: string, make: () => T): T => {
        const sk = `${k}|${exKey}`;
        if (this.#shared.has(sk)) return this.#shared.get(sk) as T;
        this.passes++;
        const v = make();
        this.#shared.set(sk, v);
        return v;
      };
      m = f.compute({ scan: this.scan, params, mask, answers, shared });
      this.#memo.set(key, m);
    }
    return m;
  }

  /** Why a value read from a fact is unknown, in words for `missing`. */
  whyUnknown(fact: string, params: Record<string, unknown>, path: string | undefined, ex: readonly RuleException[] | undefined, answers: Record<string, unknown>): string {
    const m = this.get(fact, params, ex, answers);
    if (m.value === null || m.value === undefined) return m.why ?? "the inputs do not say";
    const resolved = resolvePath(m.value, path ?? "$");
    const f = factById(fact);
    return f?.whyUnknown ? f.whyUnknown(pathTail(path), m, resolved) : defaultWhy(m, resolved);
  }

  /** Example sockets: up to `limit` in the given states, in the group of socket `first` under `by` when given. */
  examples(states: unknown, limit: number, ex: readonly RuleException[] | undefined, by?: GroupBy, first?: number): number[] {
    return this.scan.examples(states, limit, this.scan.excluded(ex), by, first);
  }
}

/** A fact reference in words, e.g. "share of the biggest group of CLOSE_WAIT sockets by local port". */
export function refWords(fact: string, params: Record<string, unknown> | undefined, path: string | undefined): string {
  const steps = path ? parsePath(path) ?? [path] : [];
  const f = factById(fact);
  if (!f) return `${fact}${steps.length ? `.${stepsText(steps)}` : ""}`;
  return f.words(params ?? {}, steps);
}
