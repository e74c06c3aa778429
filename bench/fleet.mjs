// Fleet memory and time (tcpdoc analyze --fleet): a generated fleet of HOSTS
// hosts with N sockets each (ss -tan dumps from bench/gen.mjs, a different
// seed per host), against the analysis of one such host alone. Peak RSS is
// the whole process, helper threads included (/usr/bin/time -f %M).
//
//   node bench/fleet.mjs [--hosts 16] [--sockets 200000] [--jobs 1,2,4]

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { writeSs } from "./gen.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = path.join(ROOT, "bin", "tcpdoc.js");
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : process.argv[i + 1];
};
const HOSTS = Number(arg("hosts", 16));
const N = Number(arg("sockets", 200000));
const JOBS = String(arg("jobs", "1,2,4")).split(",").map(Number);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-fleet-bench-"));
try {
  for (let h = 0; h < HOSTS; h++) {
    fs.mkdirSync(path.join(dir, `h${String(h).padStart(2, "0")}`));
    writeSs(path.join(dir, `h${String(h).padStart(2, "0")}`, "ss.txt"), N, h + 1);
  }
  const run = (args) => {
    const t0 = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, BIN, "analyze", "--no-config", "--json", ...args], { encoding: "utf8", maxBuffer: 1 << 30 });
    const ms = performance.now() - t0;
    const rss = Number(r.stderr.trim().split("\n").pop()) / 1024;
    if (r.status !== 0 && r.status !== 1) throw new Error(r.stderr);
    return { ms, rss };
  };
  const rows = [];
  const one = run([path.join(dir, "h00", "ss.txt")]);
  rows.push([`one host alone (${N.toLocaleString("en-US")} sockets)`, one]);
  for (const j of JOBS) rows.push([`--fleet, ${HOSTS} hosts, --jobs ${j}`, run(["--fleet", dir, "--jobs", String(j)])]);
  console.log(`| run | wall s | peak RSS MiB |\n|---|---|---|`);
  for (const [name, r] of rows) console.log(`| ${name} | ${(r.ms / 1000).toFixed(1)} | ${r.rss.toFixed(0)} |`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
