// Runs one check's probe in this process's network namespace and prints the
// plan's action and the result as JSON: probes.test.ts starts it with
// `ip netns exec` to read a namespace's own /proc/net.
import process from "node:process";
import { planCheck } from "../../src/checks/mod.ts";
import { runProbe } from "../../src/sources/probes.ts";

const { probe, figures } = JSON.parse(process.argv[2]);
const p = planCheck({ probe, platforms: [] }, true, "linux", figures ?? {});
if (!p.ok) {
  process.stdout.write(JSON.stringify({ error: p.reason }));
} else {
  const r = await runProbe(p.plan);
  process.stdout.write(JSON.stringify({ action: p.plan.action, ...r }));
}
