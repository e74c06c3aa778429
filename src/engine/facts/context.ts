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
import type { RuleException } from "../rule.ts";
import { TableScan } from "./_scan.ts";
import { type FactValue, stableJson } from "./fact.ts";
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
    if (f.memo === false) return f.compute({ scan: this.scan, params, mask: null, answers, shared: (_k, make) => make() });
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
}
