// Reads the import graph of src/ from the sources: every static import and
// re-export (type-only ones marked), and every dynamic import("...").
// Not a test itself: imports.test.ts checks rules over it.
import * as fs from "node:fs";
import * as path from "node:path";

export interface Edge {
  from: string;
  /** A path relative to the root for a module of src/, else the bare specifier (`yaml`, `node:fs`). */
  to: string;
  typeOnly: boolean;
  dynamic: boolean;
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : /\.(ts|tsx)$/.test(d.name) ? [path.join(dir, d.name)] : []
  );
}

/** Source text without comments (block comments, and line comments from `//` outside strings on a line). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").split("\n").map((l) => (/^\s*\/\//.test(l) ? "" : l)).join("\n");
}

const STATIC = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*["']([^"']+)["']/g;
const BARE = /(?:^|[\n;])\s*import\s*["']([^"']+)["']/g;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Every module of src/ (paths relative to root) and its imports. */
export function importGraph(root: string): { modules: string[]; edges: Edge[] } {
  const modules = files(path.join(root, "src")).map((f) => path.relative(root, f).split(path.sep).join("/")).sort();
  const edges: Edge[] = [];
  for (const m of modules) {
    const text = code(fs.readFileSync(path.join(root, m), "utf8"));
    const target = (spec: string) => (spec.startsWith(".") ? path.posix.normalize(path.posix.join(path.posix.dirname(m), spec)) : spec);
    for (const x of text.matchAll(STATIC)) {
      const clause = x[3];
      const named = /^\{([\s\S]*)\}$/.exec(clause.trim());
      const allTypes = named !== null && named[1].split(",").map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith("type "));
      edges.push({ from: m, to: target(x[4]), typeOnly: Boolean(x[2]) || allTypes, dynamic: false });
    }
    for (const x of text.matchAll(BARE)) edges.push({ from: m, to: target(x[1]), typeOnly: false, dynamic: false });
    for (const x of text.matchAll(DYNAMIC)) edges.push({ from: m, to: target(x[1]), typeOnly: false, dynamic: true });
  }
  return { modules, edges };
}

/** The cycles of a graph (each once, from its smallest module), over the edges kept. */
export function cycles(modules: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) if (modules.includes(e.to)) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const out: string[][] = [];
  const seen = new Set<string>();
  // Tarjan's strongly connected components; a component of more than one module (or a self-import) holds a cycle
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const visit = (v: string) => {
    idx.set(v, index), low.set(v, index), index++;
    stack.push(v), on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!idx.has(w)) visit(w), low.set(v, Math.min(low.get(v)!, low.get(w)!));
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do w = stack.pop()!, on.delete(w), comp.push(w); while (w !== v);
      if (comp.length > 1 || (next.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const m of modules) if (!idx.has(m)) visit(m);
  for (const c of out) seen.add(c.join(" "));
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The modules `from` reaches through the edges kept (itself included). */
export function closure(from: string, edges: readonly Edge[], keep: (e: Edge) => boolean): Set<string> {
  const out = new Set([from]);
  const todo = [from];
  while (todo.length) {
    const m = todo.pop()!;
    for (const e of edges) if (e.from === m && keep(e) && !out.has(e.to)) out.add(e.to), todo.push(e.to);
  }
  return out;
}
