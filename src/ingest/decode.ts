/** Turns input bytes into lines: BOMs, UTF-16, legacy code pages, CRLF and ANSI colour. */

/** How many bytes the encoding is guessed from. */
const SNIFF_BYTES = 65536;

/** How many bytes are looked at for a NUL, as git does to call a file binary. */
const BINARY_PROBE = 8000;

/**
 * Offset of the first NUL byte in the first 8000 bytes of a file that is not
 * UTF-16 (a program, an image, a compressed file), or -1 for text. No socket
 * table, counter or log holds a NUL; decoded as windows-1252 such bytes would
 * be "analysed" as thousands of lines not understood.
 */
export function binaryOffset(head: Uint8Array): number {
  const at = head.subarray(0, BINARY_PROBE).indexOf(0);
  return at === -1 || sniffEncoding(head).encoding.startsWith("utf-16") ? -1 : at;
}

/** Guesses the encoding from the first bytes of an input. */
export function sniffEncoding(head: Uint8Array): { encoding: string; bomLength: number } {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf-8", bomLength: 3 };
  // UTF-16 without a BOM: ASCII text with a NUL in every other byte.
  const n = Math.min(head.length, 200) & ~1;
  if (n >= 4) {
    let evenNul = 0, oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    if (oddNul > n / 4 && evenNul === 0) return { encoding: "utf-16le", bomLength: 0 };
    if (evenNul > n / 4 && oddNul === 0) return { encoding: "utf-16be", bomLength: 0 };
  }
  if (isUtf8(head)) return { encoding: "utf-8", bomLength: 0 };
  // Not UTF-8: a Windows console redirected to a file writes its code page.
  // Chinese systems use GBK (a subset of gb18030); western ones 1252/850.
  try {
    const text = new TextDecoder("gb18030", { fatal: true }).decode(head);
    if (/[\u4e00-\u9fff]{2}/.test(text)) return { encoding: "gb18030", bomLength: 0 };
  } catch { /* not GBK */ }
  return { encoding: "windows-1252", bomLength: 0 };
}

function isUtf8(bytes: Uint8Array): boolean {
  // A multi-byte sequence may be cut at the end of the sample: ignore its tail.
  let end = bytes.length;
  for (let k = 0; k < 3 && end > 0 && (bytes[end - 1] & 0xc0) === 0x80; k++) end--;
  if (end > 0 && bytes[end - 1] >= 0xc0) end--;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** Removes ANSI escape sequences and other control characters but tab. */
export function cleanLine(line: string): string {
  if (line.length && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
  if (line.indexOf("\x1b") !== -1) line = line.replace(ANSI, "");
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x08\x0b-\x1f\x7f]/.test(line)) line = line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
  return line;
}

/**
 * Reads whole UTF-8 lines in place (see {@link LineDecoder.pushBlocks}). A
 * method, not a closure made per input: a watch reads new inputs every
 * tick, and with its screen on V8 compiled the per-input closures again
 * each tick (measured with --trace-opt); a method's code is kept.
 */
export interface BlockReader {
  readBlock(bytes: Uint8Array, start: number, end: number): void;
}

/**
 * Splits a stream of byte chunks into lines, decoding as it goes. Only the
 * current chunk and a partial last line are held at any time.
 */
export class LineDecoder {
  encoding = "utf-8";
  #decoder: TextDecoder | undefined;
  /** The start of a line cut by the end of a chunk (at most #maxLine characters of it). */
  #rest = "";
  readonly #maxLine: number;
  #first = true;
  #ending = false;
  /**
   * UTF-8 only: the bytes after the last newline of the chunks so far,
   * carried into the next chunk, so each decoded text starts and ends on a
   * line boundary and is one flat string that the fast paths scan at full
   * speed (see pushRanges).
   */
  #tail: Uint8Array | undefined;
  /** The first bytes, held until there are enough to tell the encoding from (see pushRanges). */
  #head: Uint8Array | undefined;
  /**
   * UTF-8 whole lines are decoded by a decoder of their own, without
   * `stream` (several times faster in Node: bench/README.md), unless
   * #decoder may hold part of a character from the last chunk it had.
   */
  #lines: TextDecoder | undefined;
  #pending = false;

  /**
   * `maxLine`: a line longer than this many characters comes out cut to
   * that length (enough to tell it is too long), so an input without
   * newlines costs no memory in proportion (default: no limit).
   */
  constructor(maxLine = Infinity) {
    this.#maxLine = maxLine;
  }

  /** The carried start of a line, cut to #maxLine. */
  #carry(s: string): string {
    return s.length > this.#maxLine ? s.slice(0, this.#maxLine) : s;
  }

  /** Decodes a chunk and calls `onLine` for each complete line. */
  push(chunk: Uint8Array, onLine: (line: string) => void): void {
    this.pushRanges(chunk, (text, start, end) => onLine(text.slice(start, end)));
  }

  /**
   * Decodes a chunk and calls `onRange(text, start, end)` for each complete
   * line: the line is `text.slice(start, end)`, left unsliced so a caller
   * that scans it in place makes no string for it.
   */
  pushRanges(chunk: Uint8Array, onRange: (text: string, start: number, end: number) => void): void {
    this.pushBlocks(chunk, undefined, onRange);
  }

  /**
   * As {@link pushRanges}, but UTF-8 input whose lines are whole in the
   * chunk comes to `blocks.readBlock(bytes, start, end)` undecoded: `bytes[start,
   * end)` is one or more whole lines, the last ending in LF, valid only
   * during the call (a fast row reader reads them in place; the caller
   * decodes what it does not read). Other text comes line by line to
   * `onRange`, as from pushRanges.
   */
  pushBlocks(
    chunk: Uint8Array,
    blocks: BlockReader | undefined,
    onRange: (text: string, start: number, end: number) => void,
  ): void {
    if (this.#first) {
      // The encoding is told from the first 64 KiB: hold small first chunks
      // (a pipe may deliver a few bytes at a time) until there are that many
      // or the input ends, so the answer does not depend on how it was cut.
      if (this.#head !== undefined) {
        const b = new Uint8Array(this.#head.length + chunk.length);
        b.set(this.#head);
        b.set(chunk, this.#head.length);
        chunk = b;
        this.#head = undefined;
      }
      if (chunk.length < SNIFF_BYTES && !this.#ending) {
        this.#head = chunk.slice();
        return;
      }
      this.#first = false;
      const { encoding, bomLength } = sniffEncoding(chunk.subarray(0, SNIFF_BYTES));
      this.encoding = encoding;
      this.#decoder = new TextDecoder(encoding, { ignoreBOM: true });
      chunk = chunk.subarray(bomLength);
    }
    // UTF-8 (most input): a 0x0A byte is always a newline there, so the
    // bytes after the last one wait for the next chunk and every line is
    // decoded whole, in one flat string. A line longer than 1 MiB goes the
    // way of the other encodings (text carried as a string).
    if (this.encoding === "utf-8" && this.#rest.length === 0) {
      let bytes = chunk;
      if (this.#tail !== undefined) {
        bytes = this.#joined(this.#tail, chunk);
        this.#tail = undefined;
      }
      const cut = bytes.lastIndexOf(10);
      if (cut === -1 && bytes.length <= 1 << 20) {
        // The caller may reuse its buffer, and the next join reuses #join: keep a copy.
        this.#tail = bytes.slice();
        return;
      }
      if (cut !== -1) {
        if (cut + 1 < bytes.length) this.#tail = bytes.slice(cut + 1);
        const lines = bytes.subarray(0, cut + 1);
        if (blocks !== undefined && !this.#pending) {
          blocks.readBlock(lines, 0, lines.length);
          return;
        }
        const whole = this.#pending
          ? this.#decoder!.decode(lines, { stream: true })
          : (this.#lines ??= new TextDecoder("utf-8", { ignoreBOM: true })).decode(lines);
        this.#pending = false;
        let from = 0;
        for (let nl = whole.indexOf("\n"); nl !== -1; nl = whole.indexOf("\n", from)) {
          onRange(whole, from, nl);
          from = nl + 1;
        }
        return;
      }
      chunk = bytes;
    }
    const text = this.#decoder!.decode(chunk, { stream: true });
    this.#pending = chunk.length > 0 && chunk[chunk.length - 1] >= 0x80;
    let start = 0;
    let nl = text.indexOf("\n");
    // The line cut by the previous chunk: joined on its own, so the chunk's
    // text stays flat (searching a concatenated string is much slower).
    if (this.#rest.length !== 0) {
      if (nl === -1) {
        this.#rest = this.#carry(this.#rest + text);
        return;
      }
      const line = this.#rest + text.slice(0, nl);
      this.#rest = "";
      onRange(line, 0, line.length);
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    while (nl !== -1) {
      onRange(text, start, nl);
      start = nl + 1;
      nl = text.indexOf("\n", start);
    }
    this.#rest = this.#carry(start === 0 ? text : text.slice(start));
  }

  /**
   * `tail` then `chunk` in one buffer, #join, reused from one chunk to the
   * next (what is handed on from it is valid only during the call): pieces
   * not cut at a line end (a /proc table read on by a helper thread) are
   * joined once each, and fresh memory for each join cost a page fault per
   * 4 KiB (bench/README.md, "Page faults").
   */
  #joined(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
    const n = tail.length + chunk.length;
    if (this.#join.length < n) this.#join = new Uint8Array(Math.max(n, 2 * this.#join.length));
    const bytes = this.#join.subarray(0, n);
    bytes.set(tail);
    bytes.set(chunk, tail.length);
    if (n > 1 << 20) this.#join = new Uint8Array(0); // not held beyond a line that long
    return bytes;
  }

  #join = new Uint8Array(0);

  /** True when the bytes pushed so far were UTF-8 and ended with a whole line. */
  atLineStart(): boolean {
    return !this.#first && this.encoding === "utf-8" && this.#rest.length === 0 && this.#tail === undefined;
  }

  /** Flushes the last line, which has no newline at its end. */
  end(onLine: (line: string) => void): void {
    this.endRanges((text, start, end) => onLine(text.slice(start, end)));
  }

  /** Flushes the last line as a range (see {@link pushRanges}). */
  endRanges(onRange: (text: string, start: number, end: number) => void): void {
    this.endBlocks(undefined, onRange);
  }

  /** Flushes what is held, whole lines as blocks (see {@link pushBlocks}), and the last line as a range. */
  endBlocks(
    blocks: BlockReader | undefined,
    onRange: (text: string, start: number, end: number) => void,
  ): void {
    if (this.#head !== undefined) {
      this.#ending = true;
      this.pushBlocks(new Uint8Array(0), blocks, onRange);
    }
    if (this.#tail !== undefined) {
      this.#rest = this.#carry(this.#rest + this.#decoder!.decode(this.#tail, { stream: true }));
      this.#tail = undefined;
    }
    const tail = this.#decoder ? this.#rest + this.#decoder.decode() : this.#rest;
    this.#rest = "";
    if (tail.length) onRange(tail, 0, tail.length);
  }
}
