/**
 * The state words of every format in one table: each format lists the
 * spellings its tools print (src/ingest/formats/), and the registry composes
 * them here once, at construction. A word two formats read as different
 * states is refused.
 */

import { stateId, type StateName, UNKNOWN_STATE } from "../model/states.ts";

/** Spellings of TCP states, keyed exactly as a tool prints them. */
export type StateSpellings = Readonly<Record<string, StateName>>;

/** Thrown when two formats spell the same word as different states. */
export class StateWordConflict extends Error {
  override name = "StateWordConflict";
  readonly code = "STATE_WORD_CONFLICT";
}

/** Every format's state words, composed. */
export class StateWords {
  readonly #ids = new Map<string, number>();
  readonly #names = new Map<string, StateName>();

  /** Composes the lists; throws StateWordConflict when two disagree on a word. */
  constructor(lists: Iterable<{ format: string; states?: StateSpellings }>) {
    const owner = new Map<string, string>();
    for (const { format, states } of lists) {
      if (!states) continue;
      for (const [word, name] of Object.entries(states)) {
        const had = this.#names.get(word);
        if (had !== undefined && had !== name) {
          throw new StateWordConflict(`state word "${word}" is ${had} in ${owner.get(word)} but ${name} in ${format}`);
        }
        this.#names.set(word, name);
        this.#ids.set(word, stateId(name));
        if (!owner.has(word)) owner.set(word, format);
      }
    }
  }

  /**
   * The state id of a word exactly as a tool printed it, or UNKNOWN_STATE
   * when no format reads it as a state.
   */
  id(word: string): number {
    return this.#ids.get(word) ?? UNKNOWN_STATE;
  }

  /** Every word with its state. */
  entries(): IterableIterator<[string, StateName]> {
    return this.#names.entries();
  }

  /** A matcher for words inside a line, for one fast reader (see {@link StateMatcher}). */
  matcher(accept: (word: string) => boolean = () => true): StateMatcher {
    return new StateMatcher((w) => (accept(w) ? this.id(w) : UNKNOWN_STATE));
  }
}

/**
 * Matches a state word in place (`text[a, b)`) against the words seen so
 * far, without making a string: a fast reader meets the same few words on
 * every row. Only words that name a state are remembered (at most 64).
 */
export class StateMatcher {
  readonly #words: string[] = [];
  readonly #ids: number[] = [];
  readonly #lookup: (word: string) => number;

  constructor(lookup: (word: string) => number) {
    this.#lookup = lookup;
  }

  /** The state id of `text[a, b)`, or UNKNOWN_STATE. */
  state(text: string, a: number, b: number): number {
    const n = b - a, words = this.#words;
    next: for (let k = 0; k < words.length; k++) {
      const w = words[k];
      if (w.length !== n) continue;
      for (let i = 0; i < n; i++) if (w.charCodeAt(i) !== text.charCodeAt(a + i)) continue next;
      return this.#ids[k];
    }
    return this.#learn(text.slice(a, b));
  }

  /** The state id of the printable ASCII word in bytes `b[a, e)`, or UNKNOWN_STATE (see {@link state}). */
  stateBytes(b: Uint8Array, a: number, e: number): number {
    const n = e - a, words = this.#words;
    next: for (let k = 0; k < words.length; k++) {
      const w = words[k];
      if (w.length !== n) continue;
      for (let i = 0; i < n; i++) if (w.charCodeAt(i) !== b[a + i]) continue next;
      return this.#ids[k];
    }
    return this.#learn(String.fromCharCode(...b.subarray(a, e)));
  }

  #learn(w: string): number {
    const id = this.#lookup(w);
    if (id !== UNKNOWN_STATE && this.#words.length < 64) {
      this.#words.push(w);
      this.#ids.push(id);
    }
    return id;
  }
}
