/**
 * Reads a YAML file that is one mapping of key: value (the config file),
 * with each key's position, for messages that name file:line:column. The
 * yaml package loads with this module, only when there is such a file.
 */

import { isAlias, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { inert } from "../text/inert.ts";
import { UsageError } from "./errors.ts";

export interface MappingEntry {
  key: string;
  /** The value as plain data: a string, number or boolean, a list, a mapping, or null. */
  value: unknown;
  /** "file:line:column" of the key. */
  where: string;
}

/** The entries of the mapping in `text`; a syntax error or anything but a mapping is a UsageError. */
export function readYamlMapping(text: string, file: string, code: string): MappingEntry[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const p = lc.linePos(offset ?? 0);
    return `${inert(file)}:${p.line}:${p.col}`;
  };
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new UsageError(`${at(e.pos[0])}: ${inert(e.message.split("\n")[0])}`, code);
  }
  const c = doc.contents;
  if (c === null || (isScalar(c) && c.value === null)) return [];
  if (!isMap(c)) throw new UsageError(`${at(c.range?.[0])}: the file must be a mapping of key: value`, code);
  return c.items.map((pair) => {
    const k = pair.key;
    const v = pair.value as { toJSON?: () => unknown } | null;
    return {
      key: isScalar(k) ? String(k.value) : "",
      // aliases are not expanded: an alias reads as null, so a small file stays small
      value: v && typeof v.toJSON === "function" && !isAlias(v) ? plain(v) : null,
      where: at(isScalar(k) ? k.range?.[0] : undefined),
    };
  });
}

/** A node as plain data; null where it cannot be (an alias inside a list). */
function plain(v: { toJSON?: () => unknown }): unknown {
  try {
    return v.toJSON!();
  } catch {
    return null;
  }
}
