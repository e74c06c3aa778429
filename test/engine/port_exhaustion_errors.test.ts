// time-wait-port-exhaustion on an error line alone: WSAENOBUFS (10055) counts
// as a sign of exhausted dynamic ports on Windows only; elsewhere ENOBUFS is
// about buffer memory. Inputs are field corpus pastes (test/field/cases/).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Diagnoser } from "../../src/engine/mod.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { builtinRules, field } from "./_helpers.ts";

const TAILSCALE = "ho-gh-tailscale-windows-time-wait-8080-10055";

async function rules(files: string[]): Promise<string[]> {
  const d = await new Diagnoser(readInputs(files), await builtinRules()).diagnose();
  return d.findings.map((f) => f.rule);
}

describe("WSAENOBUFS and the ephemeral ports", () => {
  it("on Windows, a 10055 line with the netstat table says the dynamic ports ran out", async () => {
    assert.ok((await rules(field(TAILSCALE, "paste.txt", "error.txt"))).includes("time-wait-port-exhaustion"));
  });

  it("the same seven TIME_WAIT rows without the error are no exhaustion", async () => {
    assert.ok(!(await rules(field(TAILSCALE, "paste.txt"))).includes("time-wait-port-exhaustion"));
  });

  it("ENOBUFS from a FreeBSD daemon (buffer memory) says nothing about ports", async () => {
    const found = await rules(field("web-freebsdq-maxsockets-fin-wait-2-enobufs", "daemons.log", "netstat-m.txt", "sysctl.txt"));
    assert.ok(!found.includes("time-wait-port-exhaustion"), found.join(", "));
  });
});
