// Where the time of one `analyze` goes, in one process: reading the inputs
// (as the CLI reads them: on two threads only where splitReadingHelps says
// so; --one-thread: always on one), the facts and rules, the summary and
// the JSON, each timed apart, with the main thread's CPU time beside the
// wall time (less noisy on a shared machine). Bundles a small entry over
// the sources with esbuild, like rules_eval.mjs.
//
//   node bench/phases.mjs [--one-thread] [--reps N] FILE...   -> one JSON line per rep

import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const src = (p) => JSON.stringify(path.join(ROOT, p));
const entry = `
import { readInputs } from ${src("src/sources/mod.ts")};
import { Diagnoser, loadRuleSet } from ${src("src/engine/mod.ts")};
import { ruleLoadOptions } from ${src("src/sources/rule_files.ts")};
import { summarize } from ${src("src/report/analysis.ts")};
const args = process.argv.slice(2);
const oneThread = args.includes("--one-thread");
const reps = args.includes("--reps") ? Number(args[args.indexOf("--reps") + 1]) : 1;
const files = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--reps");
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: [], userRules: false, disabled: [] }));
for (let k = 0; k < reps; k++) {
  const w0 = performance.now(), c0 = cpu();
  const snap = readInputs(files, undefined, oneThread ? { readAheadFrom: Infinity } : {});
  const w1 = performance.now(), c1 = cpu();
  const afterRead = process.memoryUsage();
  const findings = await new Diagnoser(snap, set).run({});
  const w2 = performance.now(), c2 = cpu();
  const json = JSON.stringify({ summary: summarize(snap), findings });
  const w3 = performance.now(), c3 = cpu();
  const mem = process.memoryUsage();
  console.log(JSON.stringify({
    sockets: snap.sockets.length, strings: snap.sockets.strings.size, findings: findings.length,
    read: Math.round(w1 - w0), facts: Math.round(w2 - w1), json: Math.round(w3 - w2),
    readCpu: Math.round(c1 - c0), factsCpu: Math.round(c2 - c1), jsonCpu: Math.round(c3 - c2),
    readRssMB: Math.round(afterRead.rss / 2 ** 20), readArrayBuffersMB: Math.round(afterRead.arrayBuffers / 2 ** 20),
    rssMB: Math.round(mem.rss / 2 ** 20), heapMB: Math.round(mem.heapUsed / 2 ** 20),
    arrayBuffersMB: Math.round(mem.arrayBuffers / 2 ** 20), bytes: json.length,
  }));
}
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-phases-"));
const out = path.join(dir, "entry.js");
try {
  fs.writeFileSync(path.join(dir, "entry.ts"), entry);
  // The read-ahead thread's module beside the entry, named as in dist/ (src/sources/read_ahead.ts finds it there).
  await build({
    entryPoints: { entry: path.join(dir, "entry.ts"), "read-ahead-worker": path.join(ROOT, "src/sources/read_ahead_worker.ts") },
    outdir: dir,
    outExtension: { ".js": ".js" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    alias: { "react-devtools-core": "./scripts/devtools-stub.mjs" },
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    nodePaths: [path.join(ROOT, "node_modules")],
  });
  const r = spawnSync(process.execPath, [...(process.env.NODE_FLAGS ?? "").split(" ").filter(Boolean), out, ...process.argv.slice(2)], {
    cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(r.stdout);
  process.exitCode = r.status ?? 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
