// The error catalogue (src/engine/errors.ts) covers every symptom kind the
// model defines (src/model/snapshot.ts), and no other.
import { it } from "node:test";
import assert from "node:assert/strict";
import { ERRORS } from "../../src/engine/mod.ts";
import { SYMPTOM_KINDS } from "../../src/model/snapshot.ts";

it("the error catalogue has one entry per symptom kind", () => {
  assert.deepEqual(ERRORS.map((e) => e.kind).sort(), [...SYMPTOM_KINDS].sort());
});
