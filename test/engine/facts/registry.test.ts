// Every fact in the registry: its own test file beside this one, an example
// that validates, and a value that matches its declared paths and types on
// real captures (so docs/facts.md and validation tell the truth).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { FACTS, parseRule } from "../../../src/engine/mod.ts";
import { pathType, type PathStep, type ValueType } from "../../../src/engine/language/paths.ts";
import { facts, lab } from "../_helpers.ts";

const HERE = import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname);

/** Every leaf of a value whose path or type the spec does not declare. */
function undeclared(spec: (typeof FACTS)[number]["spec"], value: unknown, steps: PathStep[] = []): string[] {
  const at = `$${steps.map((s) => `.${s}`).join("")}`;
  const t = pathType(spec, steps);
  if ("at" in t) return [`${at}: not declared`];
  const types = typeof t.type === "string" ? [t.type] : t.type;
  if (value === null || value === undefined) return t.nullable || steps.length === 0 ? [] : [`${at}: null but not nullable`];
  const actual: ValueType = Array.isArray(value) ? "list" : typeof value === "object" ? "object" : typeof value as ValueType;
  if (!types.includes(actual)) return [`${at}: ${actual}, declared ${types.join("|")}`];
  if (Array.isArray(value)) {
    if (t.items && t.items !== "object") return value.filter((x) => typeof x !== t.items).map(() => `${at}[]: not ${t.items}`);
    return value.flatMap((x, i) => undeclared(spec, x, [...steps, i]));
  }
  if (actual === "object") {
    // `first`: the index of a group's first socket, kept for the examples
    return Object.entries(value as Record<string, unknown>).filter(([k]) => k !== "first").flatMap(([k, v]) => undeclared(spec, v, [...steps, k]));
  }
  return [];
}

describe("the fact registry", () => {
  for (const f of FACTS) {
    const id = f.spec.id;
    it(`${id} has its test file (test/engine/facts/${id.replace(/-/g, "_")}.test.ts)`, () => {
      assert.ok(fs.existsSync(path.join(HERE, `${id.replace(/-/g, "_")}.test.ts`)));
    });
    it(`${id}'s documented example validates`, async () => {
      const text = `id: example\ntitle: t\nseverity: info\nconditions:\n  all:\n    - ${f.spec.example}\n`;
      const r = await parseRule(text, "example.yaml", { conditionNames: new Set(), builtin: false });
      assert.deepEqual(r.errors.map((e) => e.format()), []);
    });
    it(`${id}'s value matches its declared paths and types`, () => {
      const inputs = [
        lab("time-wait-port-exhaustion", "ss-tanp.txt", "nstat.txt", "sysctl.txt", "app.log", "sockstat.txt"),
        lab("accept-queue-overflow", "ss-tan.txt", "netstat-s.txt"),
        lab("close-wait-leak", "ss-tan.txt"),
      ];
      const params: Record<string, Record<string, unknown>> = {
        group: { state: "TIME_WAIT", by: "local-port" },
        "unexpected-listeners": { allow: "22" },
      };
      for (const files of inputs) {
        const c = facts(files.filter(fs.existsSync));
        const v = c.get(id, params[id] ?? {}, undefined, { "server-restarted": true }).value;
        assert.deepEqual(undeclared(f.spec, v), [], files.join(", "));
      }
    });
  }
});
