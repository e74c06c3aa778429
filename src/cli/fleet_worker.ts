/**
 * Thread entry of the fleet's per-host analysis (fleet.ts): loads the
 * rules the flags name once, then answers each host job with the host's
 * summary.
 */

import { parentPort, workerData } from "node:worker_threads";
import { analyzeHost, type HostJob } from "../fleet/analyze_host.ts";
import { readInputs } from "../sources/mod.ts";
import { loadRules, withoutDisabled } from "./rule_set.ts";

const { rules: ruleDirs, noUserRules, disable } = workerData as { rules: string[]; noUserRules: boolean; disable: string[] };
const set = loadRules({ rules: ruleDirs, noUserRules }).then((s) => withoutDisabled(s, disable));
parentPort!.on("message", async (m: { id: number; job: HostJob }) => {
  const summary = await analyzeHost(m.job, await set, (files, max) => readInputs(files, undefined, { maxInputBytes: max }));
  parentPort!.postMessage({ id: m.id, summary });
});
parentPort!.postMessage({ ready: true });
