/**
 * YAML with limits: a rule file's text as a tree of positioned nodes
 * (mappings, lists, scalars), aliases followed under a bound, every other
 * YAML feature (tags, complex keys, several documents) refused. The yaml
 * package is handed in by the loader (load.ts), the one place that imports
 * it, on demand: the engine loads without it.
 */

import type * as Yaml from "yaml";
import { RuleFileError } from "../rule.ts";
import { MAX_ALIASES, MAX_RULE_FILE_BYTES, MAX_YAML_NODES } from "./spec.ts";

/** The yaml package, as the loader imports it. */
export type YamlLib = typeof Yaml;

interface Span {
  /** Offsets in the text. */
  start: number;
  end: number;
}
export interface YScalar extends Span {
  kind: "scalar";
  value: string | number | boolean | null;
}
export interface YSeq extends Span {
  kind: "seq";
  items: YNode[];
}
export interface YMap extends Span {
  kind: "map";
  items: { key: YScalar; value: YNode }[];
}
export type YNode = YScalar | YSeq | YMap;

/** Offsets to 1-based line and column. */
export class LineIndex {
  readonly #starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.#starts.push(i + 1);
  }
  pos(offset: number): { line: number; col: number } {
    const s = this.#starts;
    let lo = 0, hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - s[lo] + 1 };
  }
}

/** A parsed file: its tree, its text and where its lines start. */
export interface ParsedYaml {
  tree?: YNode;
  text: string;
  lines: LineIndex;
  errors: RuleFileError[];
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY": return "each field may appear once";
    case "BAD_INDENT":
    case "MISSING_CHAR": return "check the indentation and the colon after the field name";
    case "TAB_AS_INDENT": return "indent with spaces, not tabs";
    case "BLOCK_AS_IMPLICIT_KEY": return "a key may be missing its colon, or a value needs quotes";
    case "MULTIPLE_DOCS": return "a rule file holds one YAML document";
    default: return "quote values that contain ': ' or start with a special character";
  }
}

/** Parses YAML text into positioned nodes; every problem is a positioned error. */
export function parseYaml(text: string, file: string, lib: YamlLib): ParsedYaml {
  const lines = new LineIndex(text);
  const errors: RuleFileError[] = [];
  const fail = (at: number, code: string, message: string, hint?: string) => {
    const p = lines.pos(at);
    errors.push(new RuleFileError(code, file, p.line, p.col, message, hint));
  };
  if (text.length > MAX_RULE_FILE_BYTES) {
    fail(0, "too-big", `File is larger than ${MAX_RULE_FILE_BYTES / 1024} KiB`, "a rule file is a page of YAML; split it");
    return { text, lines, errors };
  }
  const doc = lib.parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, keepSourceTokens: false });
  for (const e of doc.errors) fail(e.pos[0], "yaml", `YAML: ${e.message.split("\n")[0]}`, yamlHint(e.code));
  if (errors.length) return { text, lines, errors };

  const done = new Map<unknown, YNode>();
  const busy = new Set<unknown>();
  let aliases = 0;
  const spanOf = (n: unknown): Span => {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
  };
  const convert = (n: unknown, at: number): YNode | undefined => {
    if (n === null || n === undefined) return { kind: "scalar", value: null, start: at, end: at };
    if (lib.isAlias(n)) {
      const { start } = spanOf(n);
      if (++aliases > MAX_ALIASES) {
        if (aliases > MAX_ALIASES + 1) return undefined;
        fail(start, "aliases", `YAML: more than ${MAX_ALIASES} aliases`, `at most ${MAX_ALIASES} aliases are allowed in a rule file`);
        return undefined;
      }
      const target = n.resolve(doc);
      if (!target) {
        fail(start, "yaml", `YAML: alias *${n.source} names no anchor before it`);
        return undefined;
      }
      if (busy.has(target)) {
        fail(start, "aliases", `YAML: alias *${n.source} refers to a node that contains it`, "an alias may not point at its own container");
        return undefined;
      }
      return convert(target, start);
    }
    // only an anchored node can be reached twice (through an alias)
    const anchored = Boolean((n as { anchor?: string }).anchor);
    if (anchored) {
      const hit = done.get(n);
      if (hit) return hit;
    }
    const span = spanOf(n);
    if ((n as { tag?: string }).tag && !/^tag:yaml\.org,2002:(str|int|float|bool|null|map|seq)$/.test((n as { tag: string }).tag)) {
      fail(span.start, "yaml", `YAML: tag ${(n as { tag: string }).tag} is not allowed`, "rule files are plain YAML: mappings, lists, text, numbers, true/false");
      return undefined;
    }
    let out: YNode | undefined;
    if (anchored) busy.add(n);
    if (lib.isScalar(n)) {
      const v = n.value;
      if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") out = { kind: "scalar", value: v, ...span };
      else fail(span.start, "yaml", "YAML: this value is not text, a number, true/false or null");
    } else if (lib.isSeq(n)) {
      const items: YNode[] = [];
      for (const it of n.items) {
        const c = convert(it, span.end);
        if (c) items.push(c);
      }
      out = { kind: "seq", items, ...span };
    } else if (lib.isMap(n)) {
      const items: YMap["items"] = [];
      for (const pair of n.items) {
        const k = pair.key;
        const ks = spanOf(k);
        if (!lib.isScalar(k) || (k.value !== null && typeof k.value === "object")) {
          fail(ks.start, "yaml", "YAML: a field name must be plain text");
          continue;
        }
        const key: YScalar = { kind: "scalar", value: k.value === null ? "" : String(k.value), ...ks };
        const value = convert(pair.value, ks.end);
        if (value) items.push({ key, value });
      }
      out = { kind: "map", items, ...span };
    } else fail(span.start, "yaml", "YAML: unsupported node");
    if (anchored) {
      busy.delete(n);
      if (out) done.set(n, out);
    }
    return out;
  };
  const tree = convert(doc.contents, 0);
  if (errors.length || !tree) return { text, lines, errors };
  // aliases share nodes: bound what they expand to
  const sizes = new Map<YNode, number>();
  const size = (n: YNode): number => {
    const hit = sizes.get(n);
    if (hit !== undefined) return hit;
    let s = 1;
    if (n.kind === "seq") for (const it of n.items) s += size(it);
    else if (n.kind === "map") for (const it of n.items) s += 1 + size(it.value);
    s = Math.min(s, MAX_YAML_NODES + 1);
    sizes.set(n, s);
    return s;
  };
  if (size(tree) > MAX_YAML_NODES) {
    fail(0, "aliases", `YAML: the file expands to more than ${MAX_YAML_NODES} values`, "use fewer aliases");
    return { text, lines, errors };
  }
  return { tree, text, lines, errors };
}

/** The plain value of a tree: objects get own properties only (a key `__proto__` stays a key). */
export function toValue(n: YNode): unknown {
  if (n.kind === "scalar") return n.value;
  if (n.kind === "seq") return n.items.map(toValue);
  const o: Record<string, unknown> = {};
  for (const { key, value } of n.items) {
    Object.defineProperty(o, String(key.value), { value: toValue(value), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

/** The value node under a mapping's key (own keys of the file only). */
export function field(n: YNode | undefined, key: string): YNode | undefined {
  if (!n || n.kind !== "map") return undefined;
  for (const it of n.items) if (it.key.value === key) return it.value;
  return undefined;
}

/** The key node of a mapping's field. */
export function fieldKey(n: YNode | undefined, key: string): YScalar | undefined {
  if (!n || n.kind !== "map") return undefined;
  for (const it of n.items) if (it.key.value === key) return it.key;
  return undefined;
}

