/**
 * Paths into a fact's value: the small JSONPath subset rules may write
 * (`$`, `.name`, `['name']`, `["name"]`, `[N]`), and the path patterns a fact
 * declares for its value (`$.<STATE>.recvQ`, `$.groups[N].key`), which give
 * each path its type. Nothing in a path is ever evaluated.
 */

/** One step of a path: a field name or a list index. */
export type PathStep = string | number;

/** The types a value (or a part of it) can have. */
export type ValueType = "number" | "string" | "boolean" | "object" | "list";

/** A type as facts declare it: one type or several (sysctls are numbers or text). */
export type TypeSpec = ValueType | readonly ValueType[];

/** One path a fact's value offers, with its type. */
export interface PathSpec {
  /**
   * The path as rule authors write it. `<NAME>` stands for a field name
   * (one of the fact's `names.NAME` when it declares them, else any) and
   * `[N]` for a list index.
   */
  path: string;
  type: TypeSpec;
  /** The type of a list's items. */
  items?: ValueType;
  /** The value may be null (unknown) even when the fact is known. */
  nullable?: boolean;
  /** `share`: a ratio 0..1 (and above), shown as a percentage. */
  unit?: "share";
  help: string;
}

/** What a fact's value looks like: the paths it offers and what their placeholders stand for. */
export interface ValueShape {
  /** The type of the whole value (a condition without a path reads it). */
  type: ValueType;
  /** The paths, most specific first where a literal and a placeholder could both match. */
  paths: readonly PathSpec[];
  /** What each `<NAME>` placeholder may be; one not listed stands for any field name. */
  names?: Readonly<Record<string, readonly string[]>>;
  /** `share` when the whole value is a ratio. */
  unit?: "share";
}

/** The type found for a path. */
export interface PathType {
  type: TypeSpec;
  items?: ValueType;
  nullable?: boolean;
  unit?: "share";
}

const PATH_CACHE = new Map<string, PathStep[] | null>();
const NAME = /^[A-Za-z0-9_-]+/;
const BRACKET = /^\[(?:(\d{1,6})|'([^'\\]*)'|"([^"\\]*)")\]/;

/**
 * Parses a rule's path; null for anything outside the subset (wildcards,
 * filters, scripts, more than 300 characters).
 *
 * @example
 * ```ts
 * parsePath("$.groups[0]['key']"); // ["groups", 0, "key"]
 * ```
 */
export function parsePath(path: string): PathStep[] | null {
  const cached = PATH_CACHE.get(path);
  if (cached !== undefined) return cached;
  let out: PathStep[] | null = [];
  if (path.length > 300 || path[0] !== "$") out = null;
  let i = 1;
  while (out && i < path.length) {
    const c = path[i];
    const m = c === "." ? NAME.exec(path.slice(i + 1)) : c === "[" ? BRACKET.exec(path.slice(i)) : null;
    if (!m) {
      out = null;
      break;
    }
    if (c === ".") {
      out.push(m[0]);
      i += 1 + m[0].length;
    } else {
      out.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3])!);
      i += m[0].length;
    }
  }
  if (PATH_CACHE.size < 10000) PATH_CACHE.set(path, out);
  return out;
}

/** Resolves a path on a value, own properties only; undefined when any step is missing. */
export function resolvePath(value: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let v: unknown = value;
  for (const s of steps) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, s)) return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** The path without `$.` or the brackets of a single `['name']`, as messages quote it. */
export function pathTail(path: string | undefined): string {
  return (path ?? "").replace(/^\$\.?/, "").replace(/^\['(.*)'\]$/, "$1");
}

// ---------------------------------------------------------------- path patterns

type PatternStep = { name: string } | { placeholder: string } | { index: true };

const PATTERN_CACHE = new WeakMap<PathSpec, PatternStep[]>();

/** The steps of a path pattern (`$.<STATE>.recvQ`, `$.groups[N].key`, `$['<KEY>']`). */
function patternSteps(spec: PathSpec): PatternStep[] {
  const hit = PATTERN_CACHE.get(spec);
  if (hit) return hit;
  const steps: PatternStep[] = [];
  const re = /\.<([A-Z-]+)>|\['<([A-Z-]+)>'\]|\.([A-Za-z0-9_-]+)|\[N\]/y;
  let i = 1;
  while (i < spec.path.length) {
    re.lastIndex = i;
    const m = re.exec(spec.path);
    if (!m) throw new Error(`bad path pattern ${spec.path}`);
    steps.push(m[1] ?? m[2] ? { placeholder: (m[1] ?? m[2])! } : m[3] ? { name: m[3] } : { index: true });
    i = re.lastIndex;
  }
  PATTERN_CACHE.set(spec, steps);
  return steps;
}

function stepMatches(p: PatternStep, s: PathStep, shape: ValueShape): boolean {
  if ("index" in p) return typeof s === "number" || /^\d+$/.test(s);
  if (typeof s === "number") return false;
  if ("name" in p) return p.name === s;
  const names = shape.names && Object.prototype.hasOwnProperty.call(shape.names, p.placeholder) ? shape.names[p.placeholder] : undefined;
  return names ? names.includes(s) : true;
}

/** What may follow `steps[0..at)`, in words, for did-you-mean and hints. */
function nextChoices(shape: ValueShape, steps: readonly PathStep[], at: number): string[] {
  const out = new Set<string>();
  for (const spec of shape.paths) {
    const ps = patternSteps(spec);
    if (ps.length <= at || !steps.slice(0, at).every((s, k) => stepMatches(ps[k], s, shape))) continue;
    const p = ps[at];
    if ("name" in p) out.add(p.name);
    else if ("index" in p) out.add("[N]");
    else {
      const names = shape.names?.[p.placeholder];
      if (names) for (const n of names) out.add(n);
      else out.add(`<${p.placeholder}>`);
    }
  }
  return [...out];
}

/**
 * The type of `steps` in a value of this shape, or where the path leaves the
 * shape: the step that matches nothing and the names allowed there.
 */
export function pathType(shape: ValueShape, steps: readonly PathStep[]): PathType | { at: number; choices: string[] } {
  if (steps.length === 0) return shape.unit ? { type: shape.type, unit: shape.unit } : { type: shape.type };
  let prefix: PathType | undefined;
  for (const spec of shape.paths) {
    const ps = patternSteps(spec);
    if (ps.length < steps.length) continue;
    if (!steps.every((s, k) => stepMatches(ps[k], s, shape))) continue;
    if (ps.length === steps.length) return { type: spec.type, items: spec.items, nullable: spec.nullable, ...(spec.unit ? { unit: spec.unit } : {}) };
    // a part of the value that holds more: an object, or a list before [N]
    prefix ??= { type: "index" in ps[steps.length] ? "list" : "object", items: "index" in ps[steps.length] ? "object" : undefined, nullable: true };
  }
  if (prefix) return prefix;
  let at = 0;
  const reaches = (n: number) => shape.paths.some((spec) => {
    const ps = patternSteps(spec);
    return ps.length >= n && steps.slice(0, n).every((s, k) => stepMatches(ps[k], s, shape));
  });
  while (at < steps.length && reaches(at + 1)) at++;
  return { at, choices: nextChoices(shape, steps, at) };
}

/** A path written back from its steps, `$.a.b[0]` (bracketed where a name needs it). */
export function formatPath(steps: readonly PathStep[]): string {
  return "$" + steps.map((s) => (typeof s === "number" ? `[${s}]` : NAME.exec(s)?.[0] === s ? `.${s}` : `['${s}']`)).join("");
}

/** A type in words: "a number", "a number or text". */
export function typeWords(t: TypeSpec): string {
  const w: Record<ValueType, string> = { number: "a number", string: "text", boolean: "true or false", object: "an object", list: "a list" };
  return (typeof t === "string" ? [t] : [...t]).map((x) => w[x]).join(" or ");
}
