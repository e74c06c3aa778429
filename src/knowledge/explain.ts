/** Looks states up by any spelling and turns their knowledge into wrapped text. */

import { REGISTRY, SS_FILTER_STATES } from "../ingest/mod.ts";
import { stateName, STATES, type StateName } from "../model/states.ts";
import { editDistance, wrapText } from "../text/wrap.ts";
import { STATE_KNOWLEDGE, type StateKnowledge, type Transition, TRANSITIONS } from "./states.ts";

/** A state's knowledge plus the transitions into and out of it. */
export interface StateInfo extends StateKnowledge {
  into: readonly Transition[];
  outOf: readonly Transition[];
}

/** One row of {@link listStates}. */
export interface StateSummary {
  name: StateName;
  summary: string;
  aliases: readonly string[];
}

/** Upper case, letters and digits only: "close-wait", "CloseWait" and "CLOSE_WAIT" all become "CLOSEWAIT". */
function _normalize(word: string): string {
  return word.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

const _BY_KEY: ReadonlyMap<string, StateName> = (() => {
  const m = new Map<string, StateName>();
  for (const s of STATES) {
    m.set(_normalize(s), s);
    for (const a of STATE_KNOWLEDGE[s].aliases) m.set(_normalize(a.spelling), s);
  }
  for (const [w, s] of Object.entries(SS_FILTER_STATES)) m.set(_normalize(w), s);
  return m;
})();

/**
 * Returns the canonical state for any spelling, in any case and with any
 * separators, or undefined when the word is not a state.
 *
 * @example
 * ```ts
 * resolveState("close-wait") === "CLOSE_WAIT"; resolveState("listening") === "LISTEN";
 * ```
 */
export function resolveState(word: string): StateName | undefined {
  const exact = stateName(REGISTRY.states.id(word.trim()));
  return exact ?? _BY_KEY.get(_normalize(word));
}

/**
 * The states whose spellings are closest to `word`, best first (at most `max`).
 *
 * @example
 * ```ts
 * suggestStates("closewiat")[0] === "CLOSE_WAIT";
 * ```
 */
export function suggestStates(word: string, max = 3): StateName[] {
  const key = _normalize(word);
  const best = new Map<StateName, number>();
  for (const [k, s] of _BY_KEY) {
    let d = editDistance(key, k);
    if (key.length >= 3 && k.includes(key)) d = Math.min(d, 1);
    if (d < (best.get(s) ?? Infinity)) best.set(s, d);
  }
  return [...best].sort((a, b) => a[1] - b[1] || STATES.indexOf(a[0]) - STATES.indexOf(b[0]))
    .slice(0, max).map(([s]) => s);
}

/** The one-line message for a word that is neither a state nor (as far as this module knows) a rule id. */
export function unknownStateMessage(word: string): string {
  const s = suggestStates(word);
  const list = s.length > 1 ? `${s.slice(0, -1).join(", ")} or ${s[s.length - 1]}` : s.join("");
  return `Unknown state or rule id "${word}": closest states are ${list} ('tcpdoc explain' lists them all)`;
}

/**
 * Everything known about a state, with its transitions, or undefined for an unknown word.
 *
 * @example
 * ```ts
 * stateInfo("TIME-WAIT")?.relatedRules.includes("time-wait-port-exhaustion");
 * ```
 */
export function stateInfo(name: string): StateInfo | undefined {
  const s = resolveState(name);
  if (!s) return undefined;
  return {
    ...STATE_KNOWLEDGE[s],
    into: TRANSITIONS.filter((t) => t.to === s),
    outOf: TRANSITIONS.filter((t) => t.from === s),
  };
}

/**
 * The canonical states in diagram order, each with its summary and spellings.
 *
 * @example
 * ```ts
 * listStates().map((s) => s.name); // ["LISTEN", "SYN_SENT", ...]
 * ```
 */
export function listStates(): StateSummary[] {
  return STATES.map((s) => ({
    name: s,
    summary: STATE_KNOWLEDGE[s].summary,
    aliases: [...new Set(STATE_KNOWLEDGE[s].aliases.map((a) => a.spelling))],
  }));
}

function _sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function _transition(t: Transition, other: StateName): string {
  return `${other}: ${t.on}${t.sends ? `, sends ${t.sends}` : ""}`;
}

const _LABEL_WIDTH = 14;

/**
 * The full explanation of a state, wrapped to `width` columns (default 80),
 * or undefined when `word` is not a state in any spelling.
 *
 * @example
 * ```ts
 * console.log(explainState("close-wait"));
 * ```
 */
export function explainState(word: string, width = 80): string | undefined {
  const info = stateInfo(word);
  if (!info) return undefined;
  width = Math.max(40, width);
  const lines: string[] = [];
  const field = (label: string, text: string): void => {
    lines.push(...wrapText(_sentence(text), width, label.padEnd(_LABEL_WIDTH)));
  };
  const list = (label: string, items: string[]): void => {
    items.forEach((item, i) => lines.push(...wrapText(item, width, (i === 0 ? label : "").padEnd(_LABEL_WIDTH), " ".repeat(_LABEL_WIDTH + 2))));
  };
  lines.push(...wrapText(`${_sentence(info.summary)}`, width, `${info.name}: `, "  "), "");
  const spellings = info.aliases.map((a) => `${a.spelling} (${a.tools})`);
  if (info.procCode) spellings.push(`${info.procCode} (/proc/net/tcp)`);
  list("Printed as", spellings);
  field("Who", info.who);
  field("Waits for", info.waitsFor);
  list("Comes from", info.into.map((t) => _transition(t, t.from)));
  list("Leads to", info.outOf.map((t) => _transition(t, t.to)));
  field("Lasts", info.lifetime);
  field("Many of them", info.whenMany);
  lines.push(...wrapText(info.relatedRules.join(", "), width, "Rules".padEnd(_LABEL_WIDTH)));
  list("Sources", [...info.sources]);
  return lines.join("\n");
}

/** The text of `tcpdoc explain` without an argument: every state with its summary. */
export function formatStateList(width = 80): string {
  const lines = ["TCP states (any spelling works: close-wait, CLOSE_WAIT, CloseWait, TIME-WAIT):", ""];
  for (const s of listStates()) lines.push(...wrapText(_sentence(s.summary), width, `  ${s.name.padEnd(13)}`));
  lines.push("", ...wrapText("Rule ids work too, for example: tcpdoc explain close-wait-leak", width));
  return lines.join("\n");
}
