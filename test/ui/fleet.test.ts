// The fleet overview of the guided session (src/ui/fleet_doc.ts and
// components/FleetOverview.tsx) over the lab's 22 real hosts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { createElement } from "react";
import { render } from "ink-testing-library";
import { analyzeHosts, loadFleetRules } from "../../src/cli/fleet.ts";
import type { Flags } from "../../src/cli/options.ts";
import { loadRules } from "../../src/cli/rule_set.ts";
import { analyzeFleet } from "../../src/fleet/evaluate.ts";
import { openFleet } from "../../src/sources/fleet.ts";
import { FleetOverview } from "../../src/ui/components/FleetOverview.tsx";
import { fleetOverviewLines } from "../../src/ui/fleet_doc.ts";
import { lineText } from "../../src/ui/lines.ts";
import { plain, ROOT, tick } from "./_harness.ts";

async function fleet() {
  const rules = await loadRules({ rules: [], noUserRules: true });
  const src = openFleet(path.join(ROOT, "samples", "fleet"));
  const hosts = await analyzeHosts(src.hosts, rules, { rules: [], noUserRules: true, disable: [] } as unknown as Flags, {}, 1);
  return await analyzeFleet("samples/fleet", hosts, await loadFleetRules());
}

describe("the fleet overview", () => {
  it("a document with each fleet finding and each host as an item", async () => {
    const a = await fleet();
    const lines = fleetOverviewLines(a, 100);
    const items = new Set(lines.flatMap((l) => (l.item === undefined ? [] : [l.item])));
    assert.equal(items.size, a.findings.length + a.hosts.length);
    assert.ok(lines.some((l) => lineText(l).includes("30 x lb01 FIN_WAIT_2 -> web07 10.77.0.17:8080 CLOSE_WAIT, held by api")));
  });

  it("renders, scrolls and quits with q", async () => {
    const a = await fleet();
    let quit = 0;
    const r = render(createElement(FleetOverview, { analysis: a, color: false, onQuit: () => quit++, size: { columns: 100, rows: 20 } }));
    await tick();
    assert.match(plain(r.lastFrame()), /Fleet findings \(4\)/);
    assert.match(plain(r.lastFrame()), /CRITICAL Most hosts hang in SYN_SENT/);
    for (let i = 0; i < 8; i++) {
      r.stdin.write("\x1b[6~"); // PgDn
      await tick(20);
    }
    assert.match(plain(r.lastFrame()), /web\d\d/);
    r.stdin.write("q");
    await tick();
    assert.equal(quit, 1);
    r.unmount();
  });
});
