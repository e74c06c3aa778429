// The generated documentation (docs/facts.md, the JSON Schemas) is current.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { engineDocs } from "../../src/engine/mod.ts";
import { ROOT } from "./_helpers.ts";

describe("generated documentation", () => {
  for (const [rel, text] of Object.entries(engineDocs())) {
    it(`${rel} is up to date (node --import tsx scripts/gen-engine-docs.ts)`, () => {
      assert.equal(fs.readFileSync(path.join(ROOT, rel), "utf8"), text);
    });
  }
});
