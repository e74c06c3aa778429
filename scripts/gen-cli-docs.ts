// Regenerates what the command line documents from its own tables: the man
// page docs/tcpdoc.1 and the command reference in README.md.
// Run: node --import tsx scripts/gen-cli-docs.ts   (test/cli/docs.test.ts checks they are current)
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { cliDocs } from "../src/cli/docs.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
for (const [rel, text] of Object.entries(cliDocs(fs.readFileSync(path.join(root, "README.md"), "utf8")))) {
  fs.writeFileSync(path.join(root, rel), text);
  console.log(`wrote ${rel}`);
}
