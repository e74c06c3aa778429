/** Word wrapping and spelling distance, shared by the presenters, the knowledge base and rule validation. */

/**
 * Wraps one paragraph to `width` columns: the first line starts with
 * `first`, the others with `rest` (by default as many spaces).
 *
 * @example
 * ```ts
 * wrapText("a b c", 3); // ["a b", "c"]
 * ```
 */
export function wrapText(text: string, width: number, first = "", rest = " ".repeat(first.length)): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    if (!empty && line.length + 1 + word.length > width) {
      out.push(line);
      line = rest + word;
    } else {
      line = empty ? line + word : `${line} ${word}`;
    }
    empty = false;
  }
  out.push(line.trimEnd());
  return out;
}

/** Wraps each paragraph of `text` (paragraphs split by `separator`) with the same indent. */
export function wrapParagraphs(text: string, width: number, indent: string, separator: RegExp | string = "\n"): string[] {
  return text.split(separator).flatMap((p) => (p.trim() ? wrapText(p, width, indent) : []));
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
