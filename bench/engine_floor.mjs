// The start-up floor of the rule engine the product card fixes: loads
// json-rules-engine (bundled as dist/ bundles it) and evaluates every
// built-in rule once, in one engine, with every fact a constant. tcpdoc's
// own code (the command line, the readers, the facts, the report) is not
// here: what this takes of `node -e 0`'s multiple is what a small dump's
// start-up cannot go below while it evaluates these rules on this engine.
// bench/run.mjs bundles it and times it beside `node -e 0`:
//   node ENGINE_FLOOR_BUNDLE RULES_JSON
// RULES_JSON is the compiled built-in rules (scripts/bundle_config.mjs). The tree walker and the
// path resolver are tcpdoc's own, the resolver the one it gives every engine.
import { Almanac, Engine } from "json-rules-engine";
import * as fs from "node:fs";
import { PLAIN, walkCondition } from "../src/engine/language/conditions.ts";
import { resolvePath } from "../src/engine/language/paths.ts";

const compiled = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));

/** Adds the ids of the facts a condition tree reads (a comparison's fact, a value read from a fact) to `out`. */
function factsOf(tree, out) {
  const noop = () => undefined;
  walkCondition(tree, PLAIN, {
    all: noop, any: noop, not: noop, ref: noop, bad: noop,
    leaf: (n) => {
      if (typeof n.fact === "string") out.add(n.fact);
      if (n.value && typeof n.value === "object" && typeof n.value.fact === "string") out.add(n.value.fact);
    },
  });
}

// One value for every fact: its paths mostly resolve to nothing, as many of a healthy host's do.
const VALUE = { total: 0, count: 0, share: 0, top: { key: null, count: 0, share: 0 }, keys: [], groups: [] };

const engine = new Engine([], { allowUndefinedFacts: false, allowUndefinedConditions: false, pathResolver: resolvePath });
engine.addOperator("in", (a, b) => Array.isArray(b) && b.includes(a));
engine.addOperator("notIn", (a, b) => Array.isArray(b) && !b.includes(a));
const facts = new Set();
for (const [name, conditions] of compiled.conditions) {
  engine.setCondition(name, conditions);
  factsOf(conditions, facts);
}
for (const { rule } of compiled.rules) {
  engine.addRule({ conditions: rule.conditions, event: { type: rule.id }, name: rule.id });
  factsOf(rule.conditions, facts);
}
for (const f of facts) engine.addFact(f, () => VALUE, { cache: true });
const res = await engine.run({}, { almanac: new Almanac({ allowUndefinedFacts: false, pathResolver: resolvePath }) });
const evaluated = res.results.length + res.failureResults.length;
if (evaluated !== compiled.rules.length) {
  process.stderr.write(`engine_floor: ${evaluated} of ${compiled.rules.length} rules evaluated\n`);
  process.exit(1);
}
