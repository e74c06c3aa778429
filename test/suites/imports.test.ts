// The import graph of src/: no cycle (type-only imports count), the engine
// entered only through src/engine/mod.ts, which loads neither yaml nor
// node:* at start-up, and node:* imported only at the edges. The engine's
// rules hold strictly; for the rest of the tree, KNOWN_EXCEPTIONS names
// each offender still to fix, to be deleted as the fixes land (an entry
// that no longer offends fails the test too, so the list only shrinks).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { closure, cycles, type Edge, importGraph } from "./_import_graph.ts";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");

/** Where node:* may be imported: the edges. */
const EDGES = [/^src\/sources\//, /^src\/cli\//, /^src\/ui\/run\.tsx$/, /^src\/rule_tools\//, /^src\/checks\/run[^/]*\.ts$/];

/** Offenders outside src/engine, each to delete when its fix lands. */
const KNOWN_EXCEPTIONS = {
  /** Modules outside the edges that import node:*. */
  nodeImports: [] as string[],
  /** Import cycles, each as its sorted modules joined by " ". */
  cycles: [] as string[],
};

const { modules, edges } = importGraph(ROOT);
const inEngine = (m: string) => m.startsWith("src/engine/");
const runtime = (e: Edge) => !e.typeOnly && !e.dynamic;

describe("the import graph", () => {
  it("reads every module and finds the imports (sanity)", () => {
    assert.ok(modules.includes("src/engine/mod.ts") && modules.includes("src/cli/main.ts"));
    assert.ok(edges.some((e) => e.from.startsWith("src/cli/") && e.to === "src/engine/mod.ts"));
    assert.ok(edges.some((e) => e.from === "src/engine/load.ts" && e.to === "yaml" && e.dynamic));
  });

  describe("src/engine (strict)", () => {
    it("has no import cycle, counting type-only imports", () => {
      assert.deepEqual(cycles(modules.filter(inEngine), edges.filter((e) => inEngine(e.from))), []);
    });
    it("is entered only through src/engine/mod.ts", () => {
      const around = edges.filter((e) => !inEngine(e.from) && inEngine(e.to) && e.to !== "src/engine/mod.ts");
      assert.deepEqual(around.map((e) => `${e.from} -> ${e.to}`), []);
    });
    it("keeps facts/_scan.ts private to the facts", () => {
      const outside = edges.filter((e) => e.to === "src/engine/facts/_scan.ts" && !e.from.startsWith("src/engine/facts/"));
      assert.deepEqual(outside.map((e) => e.from), []);
    });
    it("imports no node:* module", () => {
      assert.deepEqual(edges.filter((e) => inEngine(e.from) && e.to.startsWith("node:")).map((e) => `${e.from} -> ${e.to}`), []);
    });
    it("imports yaml in one place (the loader), on demand", () => {
      const yaml = edges.filter((e) => inEngine(e.from) && e.to === "yaml" && !e.typeOnly);
      assert.deepEqual(yaml.map((e) => [e.from, e.dynamic]), [["src/engine/load.ts", true]]);
    });
    it("mod.ts is safe to import at start-up: its static imports reach no yaml, node:* or YAML reader", () => {
      const reach = closure("src/engine/mod.ts", edges, runtime);
      const bad = [...reach].filter((m) => m === "yaml" || m.startsWith("node:") || m === "src/engine/format/read.ts" || m === "src/engine/format/validate.ts");
      assert.deepEqual(bad, []);
    });
  });

  describe("the whole tree", () => {
    it("has no import cycle but the known ones", () => {
      assert.deepEqual(cycles(modules, edges).map((c) => c.join(" ")), KNOWN_EXCEPTIONS.cycles);
    });
    it("imports node:* only at the edges, but the known exceptions", () => {
      const offenders = [...new Set(edges.filter((e) => e.to.startsWith("node:") && !EDGES.some((r) => r.test(e.from))).map((e) => e.from))].sort();
      assert.deepEqual(offenders, [...KNOWN_EXCEPTIONS.nodeImports].sort());
    });
  });
});
