/**
 * The socket table's interned values: every address, program name, user
 * and timer a dump names, each kept once under a small integer id. An
 * address is kept as what it is, not as text: a dotted quad as its 32 bits,
 * an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, as dual-stack servers
 * show their IPv4 clients) as the same 32 bits with a flag, an IPv6 address
 * as its 128 bits; each is written back exactly as the dump printed it, and
 * only when asked ({@link StringPool.str}). A million distinct peers cost no
 * million strings. A /proc timer ("keepalive (71.84s)") is kept as its
 * code and ticks (model/kernel_timer.ts) the same way. Anything else (names,
 * users, other timers, addresses in an unusual spelling) is kept as text.
 */

import {
  familyOf, formatV4, formatV6, MAPPED_PREFIX, parseMapped, parseMappedBytes, parseV4, parseV4Bytes, readV6, readV6Bytes,
} from "./address.ts";
import { packedKernelTimerCode, packedKernelTimerText, parseKernelTimer } from "./kernel_timer.ts";
import type { WarmMemory } from "./warm_memory.ts";

/** What an id stands for (StringPool kinds). */
const TEXT = 0, V4 = 1, MAPPED = 2, V6 = 3, TIMER = 4;

/** Slots of a QuadIds' cache, and of StringPool.internName's (powers of two). */
const QUAD_CACHE = 64, NAME_CACHE = 16;

/** A pool's contents as plain arrays, to hand to another thread (see {@link StringPool.export}). */
export interface PoolExport {
  /** Ids in the pool (0 to size - 1). */
  size: number;
  kinds: Uint8Array;
  values: Int32Array;
  v6: Int32Array;
  texts: string[];
}

/**
 * The home slot of a 32-bit key in a table of 2^(32 - shift) slots: the top
 * bits of its product with 2^32/phi (Fibonacci hashing), which depend on
 * every bit of the key. The low bits of that product depend only on the
 * key's low bits, so peers alike there (10.X.Y.1, a gateway in every
 * subnet) would share a few homes and probe long runs. From the top bits,
 * a key's home in a table twice the size is 2h or 2h+1.
 */
export function home(key: number, shift: number): number {
  return Math.imul(key, 0x9e3779b1) >>> shift;
}

/** The shift that makes {@link home} give a slot of a table of `slots` slots (a power of two). */
function shiftFor(slots: number): number {
  return Math.clz32(slots) + 1;
}

/**
 * An open-addressing table from an int32 key to an id: slot k holds the key
 * at 2k and the id at 2k+1, side by side so a probe touches one cache line;
 * id 0 marks an empty slot. It doubles when three slots in four are taken:
 * a smaller table misses the cache less (bench/README.md). Given a
 * {@link WarmMemory}, it asks for the doubled table when five slots in
 * eight are taken, so that table's pages are faulted in by the time it
 * grows into it (asked for earlier, a table that stops growing would
 * leave more of them faulted in for nothing).
 */
class QuadIds {
  t: Int32Array<ArrayBufferLike> = new Int32Array(2048);
  count = 0;
  // A small direct-mapped cache in front of the table (QUAD_CACHE slots):
  // a dump's few local addresses come back on every row and are answered
  // here. A key just added is not put in: a million peers seen once each
  // would push the local addresses out.
  readonly cacheKeys = new Int32Array(QUAD_CACHE);
  readonly cacheIds = new Int32Array(QUAD_CACHE);

  /** The slot of `key`: where it is, or the empty slot where it goes. */
  slot(key: number): number {
    const t = this.t, mask = (t.length >> 1) - 1;
    let h = home(key, shiftFor(mask + 1));
    while (t[2 * h + 1] !== 0 && t[2 * h] !== key) h = (h + 1) & mask;
    return h;
  }

  /** The doubled table asked for ahead (null: asked, none given). */
  #next: SharedArrayBuffer | null | undefined = undefined;

  /** Puts `id` in the empty slot `h` found for `key`. */
  put(h: number, key: number, id: number, memory: WarmMemory | undefined): void {
    this.t[2 * h] = key;
    this.t[2 * h + 1] = id;
    const n = ++this.count * 8;
    if (n > this.t.length * 3) this.#grow();
    else if (memory && this.#next === undefined && n * 2 > this.t.length * 5) this.#next = memory.table(this.t.length * 8) ?? null;
  }

  /** Lets go of the table asked for ahead, if any. */
  forgetNext(): void {
    this.#next = undefined;
  }

  #grow(): void {
    const old = this.t, next = this.#next;
    this.#next = undefined;
    const t = next ? new Int32Array(next) : new Int32Array(old.length * 2), mask = (t.length >> 1) - 1, shift = shiftFor(mask + 1);
    for (let k = 0; k < old.length; k += 2) {
      if (old[k + 1] === 0) continue;
      let h = home(old[k], shift);
      while (t[2 * h + 1] !== 0) h = (h + 1) & mask;
      t[2 * h] = old[k];
      t[2 * h + 1] = old[k + 1];
    }
    this.t = t;
  }
}

/**
 * An open-addressing table from a 32-bit hash to ids whose contents the
 * pool compares: slot k holds the hash at 2k and the id at 2k+1 (0: empty).
 */
class HashIds {
  t = new Int32Array(256);
  count = 0;

  /** The first slot to probe for hash `h`. */
  first(h: number): number {
    return home(h, shiftFor(this.t.length >> 1));
  }

  next(k: number): number {
    return (k + 1) & ((this.t.length >> 1) - 1);
  }

  put(k: number, h: number, id: number): void {
    this.t[2 * k] = h;
    this.t[2 * k + 1] = id;
    if (++this.count * 4 > this.t.length) {
      const old = this.t;
      const t = this.t = new Int32Array(old.length * 2);
      for (let j = 0; j < old.length; j += 2) {
        if (old[j + 1] === 0) continue;
        let s = this.first(old[j]);
        while (t[2 * s + 1] !== 0) s = this.next(s);
        t[2 * s] = old[j];
        t[2 * s + 1] = old[j + 1];
      }
    }
  }
}

/** FNV-1a over the characters of `s[a, b)`; {@link hashBytes} gives the same for the same ASCII text as bytes. */
function hashText(s: string, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < b; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function hashBytes(bytes: Uint8Array, a: number, b: number): number {
  let h = 0x811c9dc5;
  for (let i = a; i < b; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h;
}

function hashV6(w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(w0, 0x9e3779b1) ^ Math.imul(w1, 0x85ebca6b) ^ Math.imul(w2, 0xc2b2ae35) ^ Math.imul(w3, 0x27d4eb2f);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d);
}

/**
 * A copy of `s` that does not keep alive the string it was sliced from (V8
 * slices of 13 characters or more point into their parent, here the whole
 * decoded input chunk).
 */
function own(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

const ASCII = new TextDecoder("latin1");

/**
 * Interns strings to small integer ids; id 0 is the empty string. Dotted
 * quads, IPv4-mapped and IPv6 addresses are kept by value (see the module
 * comment) and made into strings only when asked for ({@link str}); a
 * string and the bytes of the same text get the same id, so a fast row
 * reader interns a field in place, without making a string.
 */
export class StringPool {
  #memory: WarmMemory | undefined = undefined;

  /** Where the address tables grow to (see {@link QuadIds}); plain arrays when undefined. */
  get memory(): WarmMemory | undefined {
    return this.#memory;
  }

  /** Unset, a table asked for ahead and not grown into is let go (so its pages, faulted in for nothing, are freed). */
  set memory(m: WarmMemory | undefined) {
    this.#memory = m;
    if (!m) for (const q of [this.#v4Ids, this.#mappedIds, this.#timerIds]) q.forgetNext();
  }

  #size = 1;
  /** What each id is (TEXT, V4, MAPPED, V6). */
  #kinds = new Uint8Array(1024);
  /** Each id's value: a quad's 32 bits (V4, MAPPED), the index of its words in #v6 (V6), its index in #texts (TEXT). */
  #values = new Int32Array(1024);
  readonly #texts: string[] = [""];
  /** The four words of each V6 id, most significant first. */
  #v6 = new Int32Array(256);
  #v6Count = 0;
  readonly #v4Ids = new QuadIds();
  readonly #mappedIds = new QuadIds();
  readonly #v6Ids = new HashIds();
  readonly #timerIds = new QuadIds();
  readonly #textIds = new HashIds();
  // internName's cache: a text and its id per slot (id 0: empty).
  readonly #nameIds = new Int32Array(NAME_CACHE);
  readonly #nameTexts: string[] = new Array<string>(NAME_CACHE).fill("");
  /** Scratch words for reading IPv6 text. */
  readonly #w = new Int32Array(4);

  /** How many ids there are (ids are 0 to size - 1). */
  get size(): number {
    return this.#size;
  }

  /** Makes room for about `n` ids, so a pool whose size is about known grows once. */
  reserve(n: number): void {
    if (n > this.#kinds.length) this.#growIds(n);
  }

  /** The string of an id. */
  str(id: number): string {
    const v = this.#values[id];
    switch (this.#kinds[id]) {
      case V4: return formatV4(v >>> 0);
      case MAPPED: return MAPPED_PREFIX + formatV4(v >>> 0);
      case V6: return formatV6(this.#v6[v], this.#v6[v + 1], this.#v6[v + 2], this.#v6[v + 3]);
      case TIMER: return packedKernelTimerText(v);
      default: return this.#texts[v];
    }
  }

  /** The /proc timer code (model/kernel_timer.ts) of an id kept as a timer by value, or -1. */
  timerCode(id: number): number {
    return this.#kinds[id] === TIMER ? packedKernelTimerCode(this.#values[id]) : -1;
  }

  /** The value of an id that is a dotted quad (0 to 2^32-1), or -1. */
  quad(id: number): number {
    return this.#kinds[id] === V4 ? this.#values[id] >>> 0 : -1;
  }

  /** The IPv4 address of an id that is a dotted quad or an IPv4-mapped address (0 to 2^32-1), or -1. */
  v4(id: number): number {
    const k = this.#kinds[id];
    return k === V4 || k === MAPPED ? this.#values[id] >>> 0 : -1;
  }

  /** The four words of an id that is an IPv6 address kept by value (most significant first), into `out`; false for any other id. */
  v6(id: number, out: Int32Array): boolean {
    if (this.#kinds[id] !== V6) return false;
    const at = this.#values[id], v6 = this.#v6;
    out[0] = v6[at], out[1] = v6[at + 1], out[2] = v6[at + 2], out[3] = v6[at + 3];
    return true;
  }

  /** The id of the IPv6 address of these four words, or -1 when the pool has none. */
  findV6(w0: number, w1: number, w2: number, w3: number): number {
    return this.#v6Id(w0 | 0, w1 | 0, w2 | 0, w3 | 0, false);
  }

  /** Address family of an id's string, as {@link familyOf} tells it. */
  family(id: number): 0 | 4 | 6 {
    const k = this.#kinds[id];
    return k === V4 ? 4 : k === TEXT ? familyOf(this.#texts[this.#values[id]]) : k === TIMER ? 0 : 6;
  }

  /** Returns the id of `s`, adding it when new. */
  intern(s: string): number {
    if (s.length === 0) return 0;
    const v4 = parseV4(s);
    if (v4 !== -1) return this.internV4(v4);
    if (s.indexOf(":") !== -1) {
      const m = parseMapped(s);
      if (m !== -1) return this.internMapped(m);
      const w = this.#w;
      if (readV6(s, 0, s.length, w)) return this.internV6(w[0], w[1], w[2], w[3]);
    }
    const timer = parseKernelTimer(s);
    if (timer !== -1) return this.internTimer(timer);
    return this.#internText(s);
  }

  /** Returns the id of `s` kept as text (not an address or a timer: the caller knows), adding it when new. */
  #internText(s: string): number {
    const h = hashText(s, 0, s.length), t = this.#textIds;
    let k = t.first(h);
    for (let id = t.t[2 * k + 1]; id !== 0; id = t.t[2 * k + 1]) {
      if (t.t[2 * k] === h && this.#kinds[id] === TEXT && this.#texts[this.#values[id]] === s) return id;
      k = t.next(k);
    }
    const id = this.#add(TEXT, this.#texts.push(own(s)) - 1);
    t.put(k, h, id);
    return id;
  }

  /**
   * Returns the id of the text in `b[a, end)` (ASCII), adding it when new:
   * the same id `intern` gives the same text as a string.
   */
  internBytes(b: Uint8Array, a: number, end: number): number {
    if (end === a) return 0;
    const v4 = parseV4Bytes(b, a, end);
    if (v4 !== -1) return this.internV4(v4);
    const m = parseMappedBytes(b, a, end);
    if (m !== -1) return this.internMapped(m);
    const w = this.#w;
    if (readV6Bytes(b, a, end, w)) return this.internV6(w[0], w[1], w[2], w[3]);
    return this.internTextBytes(b, a, end);
  }

  /**
   * {@link internBytes} for a field whose few values come back row after
   * row (a program name, a user): answered from a small direct-mapped
   * cache of the texts seen last (NAME_CACHE slots, by length and end
   * bytes) when the bytes are one of them, else interned and put there.
   * The text of an id internBytes gave interns to that id again, so a hit
   * gives what internBytes would.
   */
  internName(b: Uint8Array, a: number, end: number): number {
    const n = end - a;
    if (n === 0) return 0;
    const c = (n * 31 + b[a] * 7 + b[end - 1]) & (NAME_CACHE - 1);
    const id = this.#nameIds[c];
    if (id !== 0) {
      const s = this.#nameTexts[c];
      if (s.length === n) {
        let i = 0;
        while (i < n && s.charCodeAt(i) === b[a + i]) i++;
        if (i === n) return id;
      }
    }
    const fresh = this.internBytes(b, a, end);
    this.#nameIds[c] = fresh;
    this.#nameTexts[c] = this.str(fresh);
    return fresh;
  }

  /**
   * Returns the id of the text in `b[a, end)` (ASCII), known not to be a
   * dotted quad or an IPv4-mapped or IPv6 address as tcpdoc writes them
   * (a program name, a user: the caller's format says so).
   */
  internTextBytes(b: Uint8Array, a: number, end: number): number {
    if (end === a) return 0;
    const h = hashBytes(b, a, end), t = this.#textIds, n = end - a;
    let k = t.first(h);
    for (let id = t.t[2 * k + 1]; id !== 0; id = t.t[2 * k + 1]) {
      if (t.t[2 * k] === h && this.#kinds[id] === TEXT) {
        const s = this.#texts[this.#values[id]];
        if (s.length === n) {
          let i = 0;
          while (i < n && s.charCodeAt(i) === b[a + i]) i++;
          if (i === n) return id;
        }
      }
      k = t.next(k);
    }
    const id = this.#add(TEXT, this.#texts.push(ASCII.decode(b.subarray(a, end))) - 1);
    t.put(k, h, id);
    return id;
  }

  /** The id of `s`, or -1 when it has none (nothing is added). */
  idOf(s: string): number {
    if (s.length === 0) return 0;
    const v4 = parseV4(s);
    if (v4 !== -1) return this.#quadId(this.#v4Ids, v4 | 0);
    const m = parseMapped(s);
    if (m !== -1) return this.#quadId(this.#mappedIds, m | 0);
    const w = this.#w;
    if (s.indexOf(":") !== -1 && readV6(s, 0, s.length, w)) return this.#v6Id(w[0] | 0, w[1] | 0, w[2] | 0, w[3] | 0, false);
    const timer = parseKernelTimer(s);
    if (timer !== -1) return this.#quadId(this.#timerIds, timer);
    const h = hashText(s, 0, s.length), t = this.#textIds;
    for (let k = t.first(h), id = t.t[2 * k + 1]; id !== 0; k = t.next(k), id = t.t[2 * k + 1]) {
      if (t.t[2 * k] === h && this.#kinds[id] === TEXT && this.#texts[this.#values[id]] === s) return id;
    }
    return -1;
  }

  #quadId(table: QuadIds, key: number): number {
    const id = table.t[2 * table.slot(key) + 1];
    return id === 0 ? -1 : id;
  }

  /**
   * Returns the id of the dotted quad whose value is `v4` (0 to 2^32-1, or
   * the same 32 bits as an int32), adding it when new.
   */
  internV4(v4: number): number {
    return this.#internQuad(this.#v4Ids, V4, v4 | 0);
  }

  /** Returns the id of `::ffff:` and the dotted quad whose value is `v4`, adding it when new. */
  internMapped(v4: number): number {
    return this.#internQuad(this.#mappedIds, MAPPED, v4 | 0);
  }

  /** The id of the quad `key` (an int32) in table `q` of ids of `kind`, through its cache; added when new. */
  #internQuad(q: QuadIds, kind: number, key: number): number {
    const c = (key ^ (key >>> 11) ^ (key >>> 22)) & (QUAD_CACHE - 1);
    const cached = q.cacheIds[c];
    if (cached !== 0 && q.cacheKeys[c] === key) return cached;
    const h = q.slot(key), id = q.t[2 * h + 1];
    if (id !== 0) {
      q.cacheKeys[c] = key;
      return q.cacheIds[c] = id;
    }
    const fresh = this.#add(kind, key);
    q.put(h, key, fresh, this.#memory);
    return fresh;
  }

  /** Returns the id of a /proc timer packed by packKernelTimer (model/kernel_timer.ts), adding it when new. */
  internTimer(packed: number): number {
    return this.#internQuad(this.#timerIds, TIMER, packed);
  }

  /** Returns the id of the IPv6 address of these four words (most significant first), adding it when new. */
  internV6(w0: number, w1: number, w2: number, w3: number): number {
    return this.#v6Id(w0 | 0, w1 | 0, w2 | 0, w3 | 0, true);
  }

  #v6Id(w0: number, w1: number, w2: number, w3: number, add: boolean): number {
    const h = hashV6(w0, w1, w2, w3), t = this.#v6Ids, v6 = this.#v6;
    let k = t.first(h);
    for (let id = t.t[2 * k + 1]; id !== 0; id = t.t[2 * k + 1]) {
      const at = this.#values[id];
      if (t.t[2 * k] === h && v6[at] === w0 && v6[at + 1] === w1 && v6[at + 2] === w2 && v6[at + 3] === w3) return id;
      k = t.next(k);
    }
    if (!add) return -1;
    const at = 4 * this.#v6Count++;
    if (at + 4 > this.#v6.length) {
      const grown = new Int32Array(this.#v6.length * 2);
      grown.set(this.#v6);
      this.#v6 = grown;
    }
    this.#v6[at] = w0, this.#v6[at + 1] = w1, this.#v6[at + 2] = w2, this.#v6[at + 3] = w3;
    const id = this.#add(V6, at);
    t.put(k, h, id);
    return id;
  }

  /** Gives the next id to a value of a kind. */
  #add(kind: number, value: number): number {
    const id = this.#size++;
    if (id === this.#kinds.length) this.#growIds(id * 2);
    this.#kinds[id] = kind;
    this.#values[id] = value;
    return id;
  }

  #growIds(n: number): void {
    const kinds = new Uint8Array(n), values = new Int32Array(n);
    kinds.set(this.#kinds.subarray(0, this.#size));
    values.set(this.#values.subarray(0, this.#size));
    this.#kinds = kinds;
    this.#values = values;
  }

  /** The pool's contents, to hand to another thread, which interns each again ({@link internAll}). */
  export(): PoolExport {
    return {
      size: this.#size,
      kinds: this.#kinds,
      values: this.#values,
      v6: this.#v6,
      texts: this.#texts,
    };
  }

  /**
   * Interns every id of another pool's export, in its order; returns the
   * id here of each id there.
   */
  internAll(e: PoolExport): Uint32Array {
    const remap = new Uint32Array(e.size);
    const { kinds, values, v6, texts } = e;
    for (let id = 1; id < e.size; id++) {
      const v = values[id];
      switch (kinds[id]) {
        case V4: remap[id] = this.internV4(v); break;
        case MAPPED: remap[id] = this.internMapped(v); break;
        case V6: remap[id] = this.internV6(v6[v], v6[v + 1], v6[v + 2], v6[v + 3]); break;
        case TIMER: remap[id] = this.internTimer(v); break;
        // kept as text there, as this thread's own reading of the same bytes keeps it
        default: remap[id] = this.#internText(texts[v]);
      }
    }
    return remap;
  }
}
