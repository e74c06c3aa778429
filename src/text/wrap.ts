/** Word wrapping and spelling distance, shared by the presenters, the knowledge base and rule validation. */

/**
 * Wraps one paragraph to `width` columns: the first line starts with
 * `first`, the others with `rest` (by default as many spaces). A word longer
 * than a line is cut, so no line is ever wider than `width` (or than the
 * prefix plus 10 columns on a very narrow screen).
 *
 * @example
 * ```ts
 * wrapText("one two three", 10); // ["one two", "three"]
 * ```
 */
export function wrapText(text: string, width: number, first = "", rest = " ".repeat(first.length)): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (let word of text.split(/\s+/)) {
    if (!word) continue;
    const room = Math.max(10, width - (out.length === 0 && empty ? first : rest).length);
    while (word.length > room) {
      if (!empty) out.push(line);
      out.push((empty && out.length === 0 ? first : rest) + word.slice(0, room));
      word = word.slice(room);
      line = rest;
      empty = true;
    }
    if (!word) continue;
    if (!empty && line.length + 1 + word.length > Math.max(width, rest.length + 10)) {
      out.push(line);
      line = rest + word;
    } else {
      line = empty ? (out.length === 0 ? first : rest) + word : `${line} ${word}`;
    }
    empty = false;
  }
  if (!empty || out.length === 0) out.push(line.trimEnd());
  return out;
}

/** Wraps each paragraph of `text` (split by `separator`) with the same indent; an empty paragraph stays an empty line. */
export function wrapParagraphs(text: string, width: number, indent = "", separator: RegExp | string = "\n"): string[] {
  return text.split(separator).flatMap((p) => wrapText(p, width, indent));
}

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}

/**
 * The closest of `options` to a misspelt `word` ("did you mean"), or
 * undefined when none is close: at most 2 edits, or a third of the word's
 * length for longer words; case is ignored.
 *
 * @example
 * ```ts
 * suggest("analyse", ["analyze", "explain"]); // "analyze"
 * ```
 */
export function suggest(word: string, options: Iterable<string>): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) [best, bestD] = [o, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
