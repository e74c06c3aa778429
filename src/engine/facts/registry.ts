/**
 * Every fact, in the order docs/facts.md lists them. Adding a fact: one
 * module beside this one, one line here, and its test; the docs, the JSON
 * Schemas, validation and the words follow.
 */

export { GROUP_BY, type GroupBy } from "./_scan.ts";
import { answers } from "./answers.ts";
import { counters } from "./counters.ts";
import { coverage } from "./coverage.ts";
import { ephemeral } from "./ephemeral.ts";
import { exhaustion } from "./exhaustion.ts";
import type { Fact } from "./fact.ts";
import { group } from "./group.ts";
import { inputs } from "./inputs.ts";
import { listeners } from "./listeners.ts";
import { orphanBudget } from "./orphan_budget.ts";
import { orphans } from "./orphans.ts";
import { pairs } from "./pairs.ts";
import { persistence } from "./persistence.ts";
import { platform } from "./platform.ts";
import { queues } from "./queues.ts";
import { rates } from "./rates.ts";
import { sockets } from "./sockets.ts";
import { stateShare } from "./state_share.ts";
import { states } from "./states.ts";
import { symptoms } from "./symptoms.ts";
import { sysctls } from "./sysctls.ts";
import { timers } from "./timers.ts";
import { trend } from "./trend.ts";
import { unexpectedListeners } from "./unexpected_listeners.ts";

export const FACTS: readonly Fact[] = [
  states,
  sockets,
  coverage,
  stateShare,
  group,
  pairs,
  listeners,
  ephemeral,
  queues,
  timers,
  orphans,
  counters,
  sysctls,
  symptoms,
  orphanBudget,
  unexpectedListeners,
  answers,
  inputs,
  platform,
  trend,
  persistence,
  rates,
  exhaustion,
];

const BY_ID: ReadonlyMap<string, Fact> = new Map(FACTS.map((f) => [f.spec.id, f]));

/** The fact with this id (own entries only: `constructor` names no fact). */
export function factById(id: string): Fact | undefined {
  return BY_ID.get(id);
}

/** Fact ids, for validation and suggestions. */
export const FACT_IDS: readonly string[] = FACTS.map((f) => f.spec.id);
