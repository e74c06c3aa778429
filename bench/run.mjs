// tcpdoc benchmark harness (plain Node ESM: needs no compiler).
//
//   npm run bench                       # everything, results printed as Markdown
//   npm run bench -- --write            # ...and recorded in bench/README.md
//   npm run bench -- --only dumps --reps 3 --sizes 100000
//
// Sections: dumps (analyze --json on generated netstat/ss dumps vs the awk
// pipeline, peak RSS; also under Deno on the sources), startup (a small real
// dump vs `node -e 0`), imports (what the installed command loads), live
// (100k real sockets in a throwaway network namespace: `--no-owners` vs
// `ss -tan | wc -l`, with owners vs `ss -tanp | wc -l`),
// rules (1,000 generated user rules through --rules DIR).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { writeNetstat, writeSs } from "./gen.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = path.join(ROOT, "bin", "tcpdoc.js");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
// The small real dump for start-up: the first of these that exists (the lab re-captures samples/linux/).
const SMALL_DUMPS = ["samples/linux/healthy/ss-tan.txt", "samples/linux/close-wait-leak/ss-tan.txt", "samples/other/netdata2169-ss-ant-synsent.txt"];
const SMALL_DUMP = SMALL_DUMPS.find((f) => fs.existsSync(path.join(ROOT, f))) ?? SMALL_DUMPS[0];

// ---- options ----------------------------------------------------------------

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? dflt : argv[i + 1];
};
const REPS = Number(opt("reps", 5));
const SIZES = String(opt("sizes", "100000,1000000")).split(",").map(Number);
const ONLY = opt("only", "dumps,startup,imports,live,rules").split(",");
const WRITE = argv.includes("--write");
const NO_BUILD = argv.includes("--no-build");
const NO_DENO = argv.includes("--no-deno");
const LIVE_SOCKETS = Number(opt("live-sockets", 100000));

// ---- helpers ----------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (x) => (x === undefined ? "n/a" : x.toFixed(3));
const mb = (kb) => (kb === undefined ? "n/a" : (kb / 1024).toFixed(0));
const log = (s) => process.stderr.write(`[bench] ${s}\n`);
/** Each target with what was measured: the summary table at the top of the results. */
const verdicts = [];
/** `pass` undefined: measured for reference, no target. */
const verdict = (target, measured, pass) => verdicts.push({ target, measured, pass });

/**
 * Runs `cmd args` once with stdout to /dev/null (or captured), returning
 * wall seconds, peak RSS in KiB (from /usr/bin/time -v when present), the
 * exit status and stdout/stderr when asked.
 */
function run(cmd, args, { capture = false, env, input } = {}) {
  const rssFile = path.join(os.tmpdir(), `tcpdoc-bench-rss-${process.pid}`);
  const full = TIME ? [TIME, ["-f", "%M", "-o", rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: [input === undefined ? "ignore" : "pipe", capture ? "pipe" : "ignore", "pipe"],
    input,
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let rss;
  if (TIME) {
    const lines = fs.readFileSync(rssFile, "utf8").trim().split("\n");
    rss = Number(lines[lines.length - 1]);
    fs.rmSync(rssFile, { force: true });
  }
  return { wall, rss, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a shell pipeline through sh -c (the baseline). */
const sh = (script, opts) => run("sh", ["-c", script], opts);

/** Times the commands interleaved `reps` times; returns per-name {wall: median, rss: max}. */
function race(commands, reps = REPS) {
  const res = Object.fromEntries(Object.keys(commands).map((k) => [k, { walls: [], rss: 0, status: 0 }]));
  for (let i = 0; i < reps; i++) {
    for (const [k, f] of Object.entries(commands)) {
      const r = f();
      if (r.status !== 0 && r.status !== 1) throw new Error(`${k} exited ${r.status}: ${r.stderr}`);
      res[k].walls.push(r.wall);
      res[k].rss = Math.max(res[k].rss, r.rss ?? 0);
    }
  }
  for (const v of Object.values(res)) v.wall = median(v.walls);
  return res;
}

function machine() {
  const cpu = os.cpus()[0]?.model ?? "unknown";
  const deno = fs.existsSync(DENO) ? spawnSync(DENO, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] : "absent";
  const awk = spawnSync("sh", ["-c", "readlink -f $(command -v awk)"], { encoding: "utf8" }).stdout.trim();
  const sort = spawnSync("sort", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    deno,
    awk: `${awk} (${process.env.LC_ALL || process.env.LANG || "no locale set"})`,
    sort,
  };
}

// ---- sections ---------------------------------------------------------------

const STATE_FROM_NETSTAT = {
  ESTABLISHED: "ESTABLISHED", TIME_WAIT: "TIME_WAIT", CLOSE_WAIT: "CLOSE_WAIT", FIN_WAIT1: "FIN_WAIT_1",
  FIN_WAIT2: "FIN_WAIT_2", SYN_SENT: "SYN_SENT", SYN_RECV: "SYN_RECV", LAST_ACK: "LAST_ACK", CLOSING: "CLOSING",
  LISTEN: "LISTEN",
};
const STATE_FROM_SS = {
  ESTAB: "ESTABLISHED", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT", "FIN-WAIT-1": "FIN_WAIT_1",
  "FIN-WAIT-2": "FIN_WAIT_2", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "LAST-ACK": "LAST_ACK", CLOSING: "CLOSING",
  LISTEN: "LISTEN",
};

/** Checks tcpdoc's JSON state counts against the awk pipeline's. */
function checkCounts(json, awkOut, map) {
  const want = {};
  for (const line of awkOut.trim().split("\n")) {
    const [n, word] = line.trim().split(/\s+/);
    if (map[word]) want[map[word]] = Number(n);
  }
  const got = JSON.parse(json).summary.states;
  for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if (want[k] !== got[k]) throw new Error(`state ${k}: tcpdoc says ${got[k]}, awk says ${want[k]}`);
  }
}

function dumps(tmp, out) {
  const rows = [];
  const cases = [];
  for (const n of SIZES) for (const kind of ["netstat", "ss"]) cases.push({ kind, n, unique: false });
  // The worst case for interning: every socket a different peer.
  if (SIZES.includes(1000000)) cases.push({ kind: "netstat", n: 1000000, unique: true });
  for (const { kind, n, unique } of cases) {
    {
      const file = path.join(tmp, `${kind}-${n}${unique ? "-unique" : ""}.txt`);
      const t0 = Date.now();
      const bytes = (kind === "ss" ? writeSs : writeNetstat)(file, n, 42, { uniquePeers: unique });
      log(`generated ${file} (${(bytes / 1e6).toFixed(1)} MB) in ${Date.now() - t0} ms`);
      const col = kind === "ss" ? "$1" : "$6";
      const awk = `awk '{print ${col}}' '${file}' | sort | uniq -c`;
      // Correctness first: the same counts as the baseline.
      const base = sh(awk, { capture: true });
      const mine = run(process.execPath, [BIN, "analyze", file, "--json"], { capture: true });
      checkCounts(mine.stdout, base.stdout, kind === "ss" ? STATE_FROM_SS : STATE_FROM_NETSTAT);
      const commands = {
        awk: () => sh(`${awk} > /dev/null`),
        tcpdoc: () => run(process.execPath, [BIN, "analyze", file, "--json"]),
      };
      if (!NO_DENO && fs.existsSync(DENO)) {
        commands.deno = () => run(DENO, ["run", "--allow-read", "--allow-env", "--allow-sys", "src/cli/entry.ts", "analyze", file, "--json"]);
      }
      log(`timing ${kind} ${n} (${REPS} reps)`);
      const r = race(commands);
      rows.push({ kind, n, unique, mb: bytes / 1e6, ...r });
      if (n === 1000000) {
        const name = `${kind === "ss" ? "ss -tan" : "netstat -nat"} 1M${unique ? ", every peer distinct" : ""}`;
        const ratio = r.tcpdoc.wall / r.awk.wall;
        // The target is for the realistic mix; the worst case for interning is timed to show its cost.
        verdict(
          unique ? `${name}: time against the awk pipeline` : `${name}: ≤ 2x the awk pipeline`,
          `${ratio.toFixed(2)}x (${sec(r.tcpdoc.wall)} s vs ${sec(r.awk.wall)} s)`,
          unique ? undefined : ratio <= 2,
        );
        if (r.tcpdoc.rss) verdict(`${name}: peak memory ≤ 250 MB`, `${mb(r.tcpdoc.rss)} MB`, r.tcpdoc.rss / 1024 <= 250);
      }
      log(`  awk ${sec(r.awk.wall)} s, tcpdoc ${sec(r.tcpdoc.wall)} s (${(r.tcpdoc.wall / r.awk.wall).toFixed(2)}x), ${mb(r.tcpdoc.rss)} MB` +
        (r.deno ? `, deno ${sec(r.deno.wall)} s ${mb(r.deno.rss)} MB` : ""));
      fs.rmSync(file);
    }
  }
  out.push(
    "### Dumps: `tcpdoc analyze FILE --json` vs the awk pipeline",
    "",
    "| dump | sockets | MB | awk pipeline s | tcpdoc s | ratio (target ≤ 2) | tcpdoc peak RSS MB (target ≤ 250) | deno run s | deno peak RSS MB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of rows) {
    out.push(`| ${r.kind === "ss" ? "ss -tan" : "netstat -nat"}${r.unique ? " (every peer distinct)" : ""} | ${r.n.toLocaleString("en")} | ${r.mb.toFixed(0)} | ${sec(r.awk.wall)} | ` +
      `${sec(r.tcpdoc.wall)} | ${(r.tcpdoc.wall / r.awk.wall).toFixed(2)} | ${mb(r.tcpdoc.rss)} | ${sec(r.deno?.wall)} | ${mb(r.deno?.rss)} |`);
  }
  out.push(
    "",
    `Medians of ${REPS} interleaved runs; peak RSS is the largest over the runs (\`/usr/bin/time -f %M\`). ` +
      "tcpdoc's state counts are checked against the awk pipeline's before timing.",
    "",
    "Peers come from a pool of n/10 client addresses (about ten sockets a client, skewed), the realistic mix " +
      "the targets are for; the last row gives every socket its own peer address, the worst case for interning, " +
      "timed to show its cost and held to the memory target.",
    "",
    "Commands (FILE generated by `node bench/gen.mjs netstat|ss N FILE 42 [--unique-peers]`):",
    "",
    "```sh",
    "awk '{print $6}' FILE | sort | uniq -c      # netstat -nat dumps ($1 for ss -tan)",
    "node bin/tcpdoc.js analyze FILE --json",
    "deno run --allow-read --allow-env --allow-sys src/cli/entry.ts analyze FILE --json",
    "```",
    "",
  );
}

function startup(out) {
  const small = path.join(ROOT, SMALL_DUMP);
  const reps = Math.max(REPS * 4, 20);
  log(`start-up on ${SMALL_DUMP} (${reps} reps)`);
  const commands = {
    node0: () => run(process.execPath, ["-e", "0"]),
    tcpdoc: () => run(process.execPath, [BIN, "analyze", small, "--json"]),
    help: () => run(process.execPath, [BIN, "--help"]),
  };
  if (!NO_DENO && fs.existsSync(DENO)) {
    commands.deno = () => run(DENO, ["run", "--allow-read", "--allow-env", "--allow-sys", "src/cli/entry.ts", "analyze", small, "--json"]);
  }
  const r = race(commands, reps);
  log(`  node -e 0 ${sec(r.node0.wall)} s, tcpdoc ${sec(r.tcpdoc.wall)} s (${(r.tcpdoc.wall / r.node0.wall).toFixed(2)}x)`);
  verdict("small real dump: ≤ 4x `node -e 0`", `${(r.tcpdoc.wall / r.node0.wall).toFixed(2)}x (${sec(r.tcpdoc.wall)} s vs ${sec(r.node0.wall)} s)`, r.tcpdoc.wall / r.node0.wall <= 4);
  out.push(
    "### Start-up: a small real dump vs `node -e 0`",
    "",
    "| command | median s | ratio to `node -e 0` (target ≤ 4) | peak RSS MB |",
    "|---|---:|---:|---:|",
    `| \`node -e 0\` | ${sec(r.node0.wall)} | 1.00 | ${mb(r.node0.rss)} |`,
    `| \`node bin/tcpdoc.js analyze ${SMALL_DUMP} --json\` | ${sec(r.tcpdoc.wall)} | ${(r.tcpdoc.wall / r.node0.wall).toFixed(2)} | ${mb(r.tcpdoc.rss)} |`,
    `| \`node bin/tcpdoc.js --help\` | ${sec(r.help.wall)} | ${(r.help.wall / r.node0.wall).toFixed(2)} | ${mb(r.help.rss)} |`,
  );
  if (r.deno) {
    out.push(`| \`deno run ... src/cli/entry.ts analyze ${SMALL_DUMP} --json\` | ${sec(r.deno.wall)} | ${(r.deno.wall / r.node0.wall).toFixed(2)} | ${mb(r.deno.rss)} |`);
  }
  out.push("", `Medians of ${reps} interleaved runs.`, "");
}

/** What the installed command loads when not interactive: the static import graph of dist/. */
function imports(out) {
  const dist = path.join(ROOT, "dist");
  const staticFiles = new Map();
  const lazy = new Set();
  const edges = (file) => {
    const text = fs.readFileSync(path.join(dist, file), "utf8");
    const st = [...text.matchAll(/(?:^|[;\n])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+)["']/g)].map((m) => path.basename(m[1]));
    const dyn = [...text.matchAll(/\bimport\(\s*["'](\.\/[^"']+)["']\s*\)/g)].map((m) => path.basename(m[1]));
    return { text, st, dyn };
  };
  const visitStatic = (file) => {
    if (staticFiles.has(file)) return;
    const e = edges(file);
    staticFiles.set(file, e.text);
    e.st.forEach(visitStatic);
    e.dyn.forEach((f) => lazy.add(f));
  };
  visitStatic("tcpdoc.js");
  // Everything reachable from the dynamic imports loads only on demand.
  const lazyAll = new Map();
  const visitLazy = (file) => {
    if (staticFiles.has(file) || lazyAll.has(file)) return;
    const e = edges(file);
    lazyAll.set(file, e.text.length);
    [...e.st, ...e.dyn].forEach(visitLazy);
  };
  lazy.forEach(visitLazy);
  // Markers of what must not load at start-up: the UI (ink, react, yoga) and a TypeScript compiler.
  const markers = { ink: /\bfunction render\(node, options\)|ink-text|useInput/, react: /react\.production|__SECRET_INTERNALS|react-reconciler/, yoga: /yoga|Yoga/, "TypeScript compiler": /\bts\.createProgram|function createSourceFile\(|transpileModule/, esbuild: /esbuild/ };
  const loaded = [...staticFiles].map(([f, text]) => {
    const found = Object.entries(markers).filter(([, re]) => re.test(text)).map(([k]) => k);
    return `| ${f} | ${(text.length / 1024).toFixed(1)} | ${found.join(", ") || "none"} |`;
  });
  const total = [...staticFiles.values()].reduce((a, t) => a + t.length, 0);
  const lazyTotal = [...lazyAll.values()].reduce((a, b) => a + b, 0);
  log(`  start-up loads ${staticFiles.size} file(s), ${(total / 1024).toFixed(1)} KiB; ${lazyAll.size} lazy file(s), ${(lazyTotal / 1024).toFixed(0)} KiB`);
  out.push(
    "### What the installed command loads when not interactive",
    "",
    `Static import graph of \`dist/tcpdoc.js\`: ${staticFiles.size} file(s), ${(total / 1024).toFixed(1)} KiB of JavaScript ` +
      `(plus Node built-ins). ${lazyAll.size} more file(s), ${(lazyTotal / 1024).toFixed(0)} KiB, are reached only through \`import()\` ` +
      `(the interactive session) and load on demand: ${[...lazyAll.keys()].map((f) => `\`${f}\``).join(", ") || "none"}.`,
    "",
    "| file loaded at start-up | KiB | UI or compiler code found in it |",
    "|---|---:|---|",
    ...loaded,
    "",
  );
}

function live(out) {
  const script = path.join(ROOT, "bench", "live.sh");
  if (process.getuid?.() !== 0 || !spawnSync("sh", ["-c", "command -v ip"]).stdout.length) {
    out.push("### Live snapshot", "", "Pending: needs root and iproute2 (`ip netns`).", "");
    return;
  }
  log(`live: ${LIVE_SOCKETS} real sockets in a network namespace`);
  const r = spawnSync("bash", [script, String(LIVE_SOCKETS), String(REPS)], {
    cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 600_000,
  });
  if (r.status !== 0) {
    out.push("### Live snapshot", "", `Failed: bench/live.sh exited ${r.status}.`, "");
    return;
  }
  const res = JSON.parse(r.stdout.trim().split("\n").pop());
  const n = res.sockets.toLocaleString("en");
  const ratio = res.live.wall / res.ss.wall, ratioOwners = res.liveOwners.wall / res.ssOwners.wall;
  verdict(`live snapshot of ${n} sockets, \`--no-owners\`: ≤ 2x \`ss -tan \\| wc -l\``, `${ratio.toFixed(2)}x (${sec(res.live.wall)} s vs ${sec(res.ss.wall)} s)`, ratio <= 2);
  verdict(`live snapshot of ${n} sockets with their processes, against \`ss -tanp \\| wc -l\``, `${ratioOwners.toFixed(2)}x (${sec(res.liveOwners.wall)} s vs ${sec(res.ssOwners.wall)} s)`);
  log(`  ss -tan ${sec(res.ss.wall)} s, --no-owners ${sec(res.live.wall)} s (${ratio.toFixed(2)}x); ` +
    `ss -tanp ${sec(res.ssOwners.wall)} s, owners ${sec(res.liveOwners.wall)} s (${ratioOwners.toFixed(2)}x)`);
  const row = (name, x, base) =>
    `| ${name} | ${sec(x.wall)} | ${base ? (x.wall / base.wall).toFixed(2) : ""} | ${mb(x.rss)} | ${x.sockets ?? ""} |`;
  out.push(
    `### Live snapshot: ${n} real sockets vs \`ss -tan | wc -l\` and \`ss -tanp | wc -l\``,
    "",
    "Inside a throwaway network namespace (`bench/live.sh`: lo up, workers each with a listener and clients on " +
      "127.0.0.1, nine connections in ten ESTABLISHED, the tenth half-closed into CLOSE-WAIT / FIN-WAIT-2; " +
      "cleaned up afterwards). Two pairs, each tcpdoc row against the `ss` row above it: without owners, " +
      "and with each socket mapped to its process (`ss -p` and tcpdoc both walk /proc/PID/fd).",
    "",
    "| command (in the namespace) | median s | ratio to the ss above (target ≤ 2 without owners) | peak RSS MB | sockets seen |",
    "|---|---:|---:|---:|---:|",
    row("`ss -tan \\| wc -l`", res.ss),
    row("`node bin/tcpdoc.js analyze --json --no-owners`", res.live, res.ss),
    row("`ss -tanp \\| wc -l`", res.ssOwners),
    row("`node bin/tcpdoc.js analyze --json` (with owners)", res.liveOwners, res.ssOwners),
    "",
    `Medians of ${REPS} runs, the four commands interleaved.`,
    "",
  );
}

function rules(tmp, out) {
  const status = fs.existsSync(path.join(ROOT, ".engine-status")) ? fs.readFileSync(path.join(ROOT, ".engine-status"), "utf8").trim() : "";
  if (!fs.existsSync(path.join(ROOT, "src", "engine", "diagnose.ts"))) {
    out.push("### Rules", "", `Pending: the rule engine has not landed (.engine-status: ${status || "absent"}).`, "");
    return;
  }
  const dir = path.join(tmp, "rules-1000");
  const small = path.join(ROOT, SMALL_DUMP);
  const big = path.join(tmp, "netstat-100000-rules.txt");
  writeNetstat(big, 100000, 42);
  const g = spawnSync(process.execPath, [path.join(ROOT, "bench", "rules.mjs"), dir, "1000"], { encoding: "utf8" });
  if (g.status !== 0) {
    out.push("### Rules", "", `Pending: bench/rules.mjs failed: ${g.stderr.trim().split("\n")[0]}`, "");
    return;
  }
  const v = run(process.execPath, [BIN, "rules", "validate", dir], { capture: true });
  log(`rules validate: exit ${v.status}, ${v.stdout.trim().split("\n").pop()}`);
  log(`rules: CLI end to end (${REPS} reps)`);
  const r = race({
    none: () => run(process.execPath, [BIN, "analyze", small, "--json", "--no-user-rules"]),
    rules: () => run(process.execPath, [BIN, "analyze", small, "--json", "--no-user-rules", "--rules", dir]),
    noneBig: () => run(process.execPath, [BIN, "analyze", big, "--json", "--no-user-rules"]),
    rulesBig: () => run(process.execPath, [BIN, "analyze", big, "--json", "--no-user-rules", "--rules", dir]),
  });
  const split = (dump, d) => {
    const x = spawnSync(process.execPath, [path.join(ROOT, "bench", "rules_eval.mjs"), dump, d, String(REPS)], { cwd: ROOT, encoding: "utf8" });
    return x.status === 0 ? JSON.parse(x.stdout.trim()) : undefined;
  };
  log("rules: in-process split (load vs evaluate)");
  const s0 = split(small, ""), s1 = split(small, dir), b0 = split(big, ""), b1 = split(big, dir);
  if (s0 && s1 && b0 && b1) {
    const worst = Math.max(s1.evaluate - s0.evaluate, b1.evaluate - b0.evaluate);
    verdict("1,000 user rules evaluated: < 0.5 s", `${sec(worst)} s to evaluate (worst of the two dumps); loading them: ${sec(Math.max(s1.load - s0.load, b1.load - b0.load))} s more; CLI end to end: +${sec(r.rules.wall - r.none.wall)} s`, worst < 0.5);
  }
  const row = (name, a, b, c, d) =>
    `| ${name} | ${sec(c.wall)} | ${sec(d.wall)} | ${sec(d.wall - c.wall)} | ${a ? sec(b.load - a.load) : "n/a"} | ${a ? sec(b.evaluate) : "n/a"} | ${a ? sec(b.evaluate - a.evaluate) : "n/a"} | ${mb(d.rss)} |`;
  out.push(
    "### Rules: 1,000 generated user rules (`--rules DIR`)",
    "",
    "`bench/rules.mjs` writes 1,000 rule files (one rule each, the facts the built-in rules use with varied " +
      `parameters: about a hundred distinct facts); \`tcpdoc rules validate\` accepts them (exit ${v.status}).`,
    "",
    "| dump | CLI, built-in rules s | CLI, + 1,000 rules s | CLI difference s | loading the 1,000 files s | evaluating all rules s | evaluating the 1,000 s (target < 0.5) | peak RSS MB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row(SMALL_DUMP, s0, s1, r.none, r.rules),
    row("netstat -nat, 100,000 sockets", b0, b1, r.noneBig, r.rulesBig),
    "",
    "CLI columns: `node bin/tcpdoc.js analyze DUMP --json --no-user-rules [--rules DIR]`, medians. The split columns " +
      "come from `node bench/rules_eval.mjs DUMP [DIR]` (in one process: `loadRuleSet` timed apart from `Diagnoser.run`).",
    "",
  );
  fs.rmSync(big);
}

// ---- main -------------------------------------------------------------------

if (!NO_BUILD) {
  log("npm run build");
  const b = spawnSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-bench-"));
const m = machine();
const out = [
  `Run ${m.date} on ${m.nproc} CPU(s) (${m.cpu}), ${m.memory} RAM, ${m.kernel}; Node ${m.node}, ${m.deno}; ` +
    `baseline tools ${m.awk}, ${m.sort}.`,
  "",
];
try {
  if (ONLY.includes("dumps")) dumps(tmp, out);
  if (ONLY.includes("startup")) startup(out);
  if (ONLY.includes("imports")) imports(out);
  if (ONLY.includes("live")) live(out);
  if (ONLY.includes("rules")) rules(tmp, out);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (verdicts.length) {
  out.splice(2, 0,
    "### Targets",
    "",
    "| target | measured | met |",
    "|---|---|---|",
    ...verdicts.map((v) => `| ${v.target} | ${v.measured} | ${v.pass === undefined ? "no target" : v.pass ? "yes" : "**no**"} |`),
    "",
  );
}
const md = out.join("\n");
process.stdout.write(md + "\n");
if (WRITE) {
  const readme = path.join(ROOT, "bench", "README.md");
  const text = fs.readFileSync(readme, "utf8");
  const start = "<!-- bench:results:start -->", end = "<!-- bench:results:end -->";
  const a = text.indexOf(start), b = text.indexOf(end);
  if (a === -1 || b === -1) throw new Error("bench/README.md lacks the results markers");
  fs.writeFileSync(readme, text.slice(0, a + start.length) + "\n" + md + "\n" + text.slice(b));
  log("results written to bench/README.md");
}
