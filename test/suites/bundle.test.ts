// What scripts/build.mjs leaves out of the bundle, and why that is safe:
// json-rules-engine reaches jsonpath-plus only for an engine or almanac
// made without a pathResolver, so every one tcpdoc makes gets its own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");

/** The src/ files that import json-rules-engine. */
function engineUsers(dir = path.join(ROOT, "src")): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...engineUsers(p));
    else if (/\.tsx?$/.test(e.name) && /from "json-rules-engine"/.test(fs.readFileSync(p, "utf8"))) out.push(p);
  }
  return out;
}

/** The text of each call's arguments, from `(` to its matching `)`. */
function calls(text: string, opener: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(opener)) {
    let depth = 0, i = m.index! + m[0].length - 1;
    const start = i;
    for (; i < text.length; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")" && --depth === 0) break;
    }
    out.push(text.slice(start, i + 1));
  }
  return out;
}

describe("the bundle without jsonpath-plus", () => {
  it("aliases jsonpath-plus to a stub that fails loudly", async () => {
    const config = fs.readFileSync(path.join(ROOT, "scripts", "bundle_config.mjs"), "utf8");
    assert.match(config, /"jsonpath-plus": "\.\/scripts\/jsonpath-stub\.mjs"/);
    assert.match(config, /export const BUNDLE_OPTIONS = \{[^}]*\balias: ALIAS,/);
    assert.match(fs.readFileSync(path.join(ROOT, "scripts", "build.mjs"), "utf8"), /build\(\{\s*\.\.\.BUNDLE_OPTIONS,/);
    const stub = await import(path.join(ROOT, "scripts", "jsonpath-stub.mjs"));
    assert.throws(() => stub.JSONPath({ path: "$.a", json: { a: 1 } }), /pathResolver/);
  });

  it("gives tcpdoc's pathResolver to every engine and almanac", () => {
    const users = engineUsers();
    assert.ok(users.length >= 2, `found ${users.length} users of json-rules-engine`);
    let made = 0;
    for (const file of users) {
      const text = fs.readFileSync(file, "utf8");
      const here = [...calls(text, /new (?:Engine|Almanac)\(/g), ...(/extends Almanac\b/.test(text) ? calls(text, /super\(/g) : [])];
      for (const args of here) assert.match(args, /pathResolver: resolvePath/, `${path.relative(ROOT, file)}: ${args}`);
      made += here.length;
    }
    assert.ok(made >= 3, `found ${made} engines and almanacs`);
  });
});
