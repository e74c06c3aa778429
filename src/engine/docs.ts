/** Generated documentation of the engine: the facts for rule authors and the JSON Schemas of the files. */

import { STATES } from "../model/states.ts";
import type { Fact } from "./facts/fact.ts";
import { FACTS } from "./facts/registry.ts";
import { conditionsJsonSchema, ruleJsonSchema, testJsonSchema } from "./format/schema.ts";
import { typeWords } from "./language/paths.ts";

const ITEMS: Readonly<Record<string, string>> = { string: "texts", number: "numbers", boolean: "true/false values", object: "objects", list: "lists" };

function pathLine(p: Fact["spec"]["paths"][number]): string {
  const type = p.type === "list" && p.items ? `a list of ${ITEMS[p.items]}` : typeWords(p.type);
  return `- \`${p.path}\` (${type}${p.nullable ? ", may be null" : ""}): ${p.help}`;
}

/** Renders the facts as Markdown (docs/facts.md). */
export function factsMarkdown(): string {
  const out = [
    "# Facts for rule authors",
    "",
    "<!-- Generated from the facts in src/engine/facts/ by `node --import tsx scripts/gen-engine-docs.ts`; do not edit by hand. -->",
    "",
    "A condition names a fact, optionally `params` and a `path` into its value, an `operator` and a `value`:",
    "`{ fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.share, operator: greaterThanInclusive, value: 0.5 }`.",
    "Facts are computed once per evaluation (and per params) and shared by every rule. Paths use a small JSONPath subset: `$`, `.name`, `['name']`, `[N]` (no wildcards, no filters).",
    "",
    "**Paths and types.** Each fact lists the paths of its value with their types; `rules validate` refuses a path the fact does not have (with a did-you-mean) and a comparison that can never hold (text against a number, a list with `greaterThan`). `<STATE>` and the like stand for a name; `[N]` for a position in a list, from 0.",
    "",
    "**Unknown is not zero.** When the inputs cannot supply a value (no process column, no counters, no backlog) the fact or the path reads `null`/undefined. A condition on an unknown value is neither true nor false: `all` is false if any part is false, else unknown if any part is unknown; `any` is true if any part is true, else unknown if any part is unknown; `not` keeps unknown. A rule whose conditions end up unknown raises nothing, unless some known condition supports it: then it raises a lower-confidence finding (`partial`, severity per `when_unknown`), listing what was missing.",
    "",
    `State names: ${[...STATES, "UNKNOWN", "TOTAL"].map((s) => `\`${s}\``).join(", ")}.`,
    "",
  ];
  for (const { spec: f } of FACTS) {
    out.push(`## \`${f.id}\``, "", f.summary, "");
    if (f.params.length) {
      out.push("Params:", "");
      for (const p of f.params) {
        out.push(`- \`${p.name}\`${p.required ? " (required)" : ""}: ${p.help}${p.choices ? ` (one of ${p.choices.map((c) => `\`${c}\``).join(", ")})` : ""}`);
      }
      out.push("");
    }
    out.push("Paths:", "");
    if (f.paths.length === 0) out.push(`- (no path: the value itself, ${typeWords(f.type)})`);
    for (const p of f.paths) out.push(pathLine(p));
    if (f.names) {
      for (const [name, values] of Object.entries(f.names)) {
        if (values.length <= 12) out.push("", `\`<${name}>\` is one of ${values.map((v) => `\`${v}\``).join(", ")}.`);
      }
    }
    out.push("", `Unknown: ${f.unknown}`, "", "Example:", "", "```yaml", `- ${f.example}`, "```", "");
  }
  return out.join("\n");
}

/**
 * Every generated file, keyed by its path relative to the package root.
 * scripts/gen-engine-docs.ts writes them; a test checks they are current.
 */
export function engineDocs(): Record<string, string> {
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  return {
    "docs/facts.md": factsMarkdown(),
    "rules/rule.schema.json": json(ruleJsonSchema()),
    "rules/conditions.schema.json": json(conditionsJsonSchema()),
    "rules/rule-test.schema.json": json(testJsonSchema()),
  };
}
