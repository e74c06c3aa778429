// In-process split of the rule cost: loading (read, YAML, validate) and
// evaluation (facts + conditions + findings), each timed on its own.
// Bundles a tiny entry over the sources with esbuild (as npm run build does).
//
//   node bench/rules_eval.mjs DUMP [RULEDIR] [REPS=5]   -> JSON

import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLE_OPTIONS } from "../scripts/bundle_config.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const entry = `
import { readInputs } from ${JSON.stringify(path.join(ROOT, "src/sources/mod.ts"))};
import { Diagnoser, loadRuleSet } from ${JSON.stringify(path.join(ROOT, "src/engine/mod.ts"))};
import { ruleLoadOptions } from ${JSON.stringify(path.join(ROOT, "src/sources/rule_files.ts"))};
const [dump, dir, reps] = process.argv.slice(2);
const snap = readInputs([dump]);
const load = [], evaluate = [];
let rules = 0, findings = 0;
for (let i = 0; i < Number(reps); i++) {
  const t0 = performance.now();
  const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: dir ? [dir] : [], userRules: false, disabled: [] }));
  const t1 = performance.now();
  const f = await new Diagnoser(snap, set).run({});
  const t2 = performance.now();
  load.push((t1 - t0) / 1000);
  evaluate.push((t2 - t1) / 1000);
  rules = set.rules.length;
  findings = f.length;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
process.stdout.write(JSON.stringify({ rules, findings, load: median(load), evaluate: median(evaluate) }) + "\\n");
`;

const [dump, dir = "", reps = "5"] = process.argv.slice(2);
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-rules-eval-")), "entry.mjs");
await build({ ...BUNDLE_OPTIONS, stdin: { contents: entry, resolveDir: ROOT, loader: "ts" }, outfile: out });
const r = spawnSync(process.execPath, [out, dump, dir, reps], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
fs.rmSync(path.dirname(out), { recursive: true, force: true });
process.stdout.write(r.stdout);
process.exit(r.status ?? 1);
