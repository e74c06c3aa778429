/** Turns input bytes into lines: BOMs, UTF-16, legacy code pages, CRLF and ANSI colour. */

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
 * Splits a stream of byte chunks into lines, decoding as it goes. Only the
 * current chunk and a partial last line are held at any time.
 */
export class LineDecoder {
  encoding = "utf-8";
  #decoder: TextDecoder | undefined;
  #rest = "";
  #first = true;

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
    if (this.#first) {
      this.#first = false;
      const { encoding, bomLength } = sniffEncoding(chunk.subarray(0, 65536));
      this.encoding = encoding;
      this.#decoder = new TextDecoder(encoding, { ignoreBOM: true });
      chunk = chunk.subarray(bomLength);
    }
    const text = this.#decoder!.decode(chunk, { stream: true });
    let start = 0;
    let nl = text.indexOf("\n");
    // The line cut by the previous chunk: joined on its own, so the chunk's
    // text stays flat (searching a concatenated string is much slower).
    if (this.#rest.length !== 0) {
      if (nl === -1) {
        this.#rest += text;
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
    this.#rest = start === 0 ? text : text.slice(start);
  }

  /** Flushes the last line, which has no newline at its end. */
  end(onLine: (line: string) => void): void {
    this.endRanges((text, start, end) => onLine(text.slice(start, end)));
  }

  /** Flushes the last line as a range (see {@link pushRanges}). */
  endRanges(onRange: (text: string, start: number, end: number) => void): void {
    const tail = this.#decoder ? this.#rest + this.#decoder.decode() : this.#rest;
    this.#rest = "";
    if (tail.length) onRange(tail, 0, tail.length);
  }
}
