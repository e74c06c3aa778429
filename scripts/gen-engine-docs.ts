// Regenerates what the rule engine documents from its own tables:
// docs/facts.md (the facts in src/engine/facts/) and the JSON Schemas in rules/ (the rule format).
// Run: node --import tsx scripts/gen-engine-docs.ts   (test/engine/docs.test.ts checks they are current)
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { engineDocs } from "../src/engine/docs.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
for (const [rel, text] of Object.entries(engineDocs())) {
  fs.writeFileSync(path.join(root, rel), text);
  console.log(`wrote ${rel}`);
}
