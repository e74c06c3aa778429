/** Generated documentation of the engine: the facts for rule authors and the JSON Schemas of the files. */

import { factsMarkdown } from "./facts.ts";
import { conditionsJsonSchema, ruleJsonSchema, testJsonSchema } from "./rule_file.ts";

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
