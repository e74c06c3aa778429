// tcpdoc benchmark harness (plain Node ESM: needs no compiler).
//
//   npm run bench                       # everything, results printed as Markdown
//   npm run bench -- --write            # ...and recorded in bench/README.md
//   npm run bench -- --only dumps --reps 3 --sizes 100000
//   npm run bench -- --only dumps --baseline ../main   # another built tree, timed in the same run
//   npm run bench -- --only startup --node /opt/node24/bin/node   # tcpdoc and `node -e 0` on another Node
//
// Sections: dumps (analyze --json on generated netstat/ss dumps vs the awk
// pipeline, peak RSS; also under Deno on the sources), startup (a small real
// dump vs `node -e 0`), imports (what the installed command loads), live
// (100k real sockets in a throwaway network namespace: `--no-owners` vs
// `ss -tan | wc -l`, with owners vs `ss -tanp | wc -l`), watch (the share
// of a core `tcpdoc watch` takes among those sockets every 2 s),
// rules (1,000 generated user rules through --rules DIR).

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BUNDLE_OPTIONS, compileBuiltinRules } from "../scripts/bundle_config.mjs";
import { shapeFiles, SHAPES, writeNetstat } from "./gen.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = path.join(ROOT, "bin", "tcpdoc.js");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const FLOOR = path.join(ROOT, "bench", "dump_floor.mjs");
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
const SIZES = String(opt("sizes", "1000000")).split(",").map(Number);
const SHAPE_LIST = String(opt("shapes", Object.keys(SHAPES).join(","))).split(",");
for (const s of SHAPE_LIST) if (!SHAPES[s]) throw new Error(`--shapes: no shape "${s}" (${Object.keys(SHAPES).join(", ")})`);
/** Where generated dumps are kept between runs (they are regenerated when missing); default: a temporary directory. */
const DATA = opt("data", undefined);
const ONLY = opt("only", "dumps,startup,imports,live,watch,rules").split(",");
const WRITE = argv.includes("--write");
const NO_BUILD = argv.includes("--no-build");
const NO_DENO = argv.includes("--no-deno");
const LIVE_SOCKETS = Number(opt("live-sockets", 100000));
/** Repetitions of the watch-cost runs (each 40 s of watching, per mode and namespace; then one run of 11 minutes per mode with the series full). */
const WATCH_REPS = Number(opt("watch-reps", 3));
/**
 * Another built tcpdoc tree (its bin/tcpdoc.js and dist/), timed beside this
 * one in the same interleaved runs: before and after on the same machine
 * load, which a comparison across runs on a shared machine cannot give.
 */
const BASELINE = opt("baseline", undefined);
/** The Node binary that runs tcpdoc and `node -e 0` (default: the one running this script). */
const NODE = path.resolve(opt("node", process.execPath));
if (!fs.existsSync(NODE)) throw new Error(`--node: no ${NODE}`);
/**
 * Variables that change what every Node process does before its first line,
 * removed from the environment of every timed command: with
 * NODE_EXTRA_CA_CERTS set, Node 20 reads and parses that certificate file at
 * each start (`node -e 0` 69 ms against 32 ms here), which made tcpdoc's
 * start-up look smaller next to `node -e 0` than it is.
 */
const NODE_START_VARS = ["NODE_OPTIONS", "NODE_EXTRA_CA_CERTS"];
const BENCH_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !NODE_START_VARS.includes(k)));
const removedVars = NODE_START_VARS.filter((k) => process.env[k] !== undefined);
const BASE_BIN = BASELINE && path.resolve(BASELINE, "bin", "tcpdoc.js");
if (BASE_BIN && !fs.existsSync(BASE_BIN)) throw new Error(`--baseline: no ${BASE_BIN}`);

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
    env: { ...BENCH_ENV, NO_COLOR: "1", ...env },
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
    node: NODE === process.execPath ? process.version : `${spawnSync(NODE, ["--version"], { encoding: "utf8" }).stdout.trim()} (${NODE})`,
    deno,
    awk: `${awk} (${process.env.LC_ALL || process.env.LANG || "no locale set"})`,
    sort,
  };
}

// ---- sections ---------------------------------------------------------------

/** Each tool's state words (the column the awk pipeline counts) as tcpdoc's JSON names the states. */
const STATE_WORDS = {
  netstat: {
    ESTABLISHED: "ESTABLISHED", TIME_WAIT: "TIME_WAIT", CLOSE_WAIT: "CLOSE_WAIT", FIN_WAIT1: "FIN_WAIT_1",
    FIN_WAIT2: "FIN_WAIT_2", SYN_SENT: "SYN_SENT", SYN_RECV: "SYN_RECV", LAST_ACK: "LAST_ACK", CLOSING: "CLOSING",
    LISTEN: "LISTEN",
  },
  ss: {
    ESTAB: "ESTABLISHED", "TIME-WAIT": "TIME_WAIT", "CLOSE-WAIT": "CLOSE_WAIT", "FIN-WAIT-1": "FIN_WAIT_1",
    "FIN-WAIT-2": "FIN_WAIT_2", "SYN-SENT": "SYN_SENT", "SYN-RECV": "SYN_RECV", "LAST-ACK": "LAST_ACK", CLOSING: "CLOSING",
    LISTEN: "LISTEN",
  },
  proc: {
    "01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT_1", "05": "FIN_WAIT_2", "06": "TIME_WAIT",
    "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING",
  },
};
const wordsOf = (shape) => STATE_WORDS[shape.startsWith("ss") ? "ss" : shape.startsWith("netstat") ? "netstat" : "proc"];

/** Checks tcpdoc's JSON state counts against the awk pipeline's, exactly. */
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

/**
 * Checks bench/dump_floor.mjs's `COUNT WORD` lines against the awk
 * pipeline's, word for word: a word is what follows the count and one
 * space, exactly (a CR at its end, or nothing: awk prints an empty line for
 * a line without that column).
 */
function checkSameCounts(floorOut, awkOut) {
  const counts = (text) => {
    const m = new Map();
    for (const line of text.split("\n")) {
      const r = /^ *(\d+) ([^\n]*)$/.exec(line);
      if (r) m.set(r[2], (m.get(r[2]) ?? 0) + Number(r[1]));
    }
    return m;
  };
  const want = counts(awkOut), got = counts(floorOut);
  for (const w of new Set([...want.keys(), ...got.keys()])) {
    if (want.get(w) !== got.get(w)) throw new Error(`dump_floor: "${w}" counted ${got.get(w)} times, awk says ${want.get(w)}`);
  }
}

/** The dump cases: every shape with clients from a skewed pool and with every client distinct, and CRLF line ends. */
function dumpCases() {
  const cases = [];
  for (const n of SIZES) {
    for (const shape of SHAPE_LIST) {
      for (const unique of [false, true]) cases.push({ shape, n, unique, crlf: false });
    }
    if (SHAPE_LIST.includes("netstat")) for (const unique of [false, true]) cases.push({ shape: "netstat", n, unique, crlf: true });
  }
  return cases;
}

const caseName = (c) => `${SHAPES[c.shape].title}${c.crlf ? ", CRLF" : ""}${c.unique ? ", every client distinct" : ""}`;

/** Generates a case's files (kept in --data DIR across runs, else in `tmp`); returns their paths and size. */
function caseFiles(c, tmp) {
  const dir = DATA ?? tmp;
  const base = path.join(dir, `${c.shape}-${c.n}${c.unique ? "-unique" : ""}${c.crlf ? "-crlf" : ""}.txt`);
  const files = shapeFiles(c.shape, base);
  if (!DATA || !files.every((f) => fs.existsSync(f))) {
    const t0 = Date.now();
    fs.mkdirSync(dir, { recursive: true });
    SHAPES[c.shape].write(base, c.n, 42, { uniquePeers: c.unique, crlf: c.crlf });
    log(`generated ${files.join(", ")} in ${Date.now() - t0} ms`);
  }
  return { files, bytes: files.reduce((a, f) => a + fs.statSync(f).size, 0), temporary: !DATA };
}

function dumps(tmp, out) {
  const rows = [];
  for (const c of dumpCases()) {
    const { files, bytes, temporary } = caseFiles(c, tmp);
    const quoted = files.map((f) => `'${f}'`).join(" ");
    const awk = `awk '{print $${SHAPES[c.shape].stateColumn}}' ${quoted} | sort | uniq -c`;
    // Correctness first: the same counts as the baseline, exactly.
    const base = sh(awk, { capture: true });
    const mine = run(NODE, [BIN, "analyze", ...files, "--json"], { capture: true });
    checkCounts(mine.stdout, base.stdout, wordsOf(c.shape));
    const column = String(SHAPES[c.shape].stateColumn);
    checkSameCounts(run(NODE, [FLOOR, column, ...files], { capture: true }).stdout, base.stdout);
    const commands = {
      awk: () => sh(`${awk} > /dev/null`),
      floor: () => run(NODE, [FLOOR, column, ...files]),
      tcpdoc: () => run(NODE, [BIN, "analyze", ...files, "--json"]),
    };
    if (BASE_BIN) commands.base = () => run(NODE, [BASE_BIN, "analyze", ...files, "--json"]);
    if (!NO_DENO && fs.existsSync(DENO)) {
      commands.deno = () => run(DENO, ["run", "--allow-read", "--allow-env", "--allow-sys", "src/cli/entry.ts", "analyze", ...files, "--json"]);
    }
    log(`timing ${caseName(c)}, ${c.n} (${REPS} reps)`);
    const r = race(commands);
    rows.push({ ...c, mb: bytes / 1e6, ...r });
    log(`  awk ${sec(r.awk.wall)} s, Node doing its job ${sec(r.floor.wall)} s, tcpdoc ${sec(r.tcpdoc.wall)} s (${(r.tcpdoc.wall / r.awk.wall).toFixed(2)}x), ${mb(r.tcpdoc.rss)} MB` +
      (r.deno ? `, deno ${sec(r.deno.wall)} s (${(r.deno.wall / r.tcpdoc.wall).toFixed(2)}x node) ${mb(r.deno.rss)} MB` : "") +
      (r.base ? `; baseline ${sec(r.base.wall)} s (${(r.base.wall / r.awk.wall).toFixed(2)}x), ${mb(r.base.rss)} MB` : ""));
    if (temporary) for (const f of files) fs.rmSync(f);
  }
  // The targets are quoted for the worst shape at 1M sockets: every shape must meet them.
  const big = rows.filter((r) => r.n === 1000000);
  if (big.length) {
    const worst = (f) => big.reduce((w, r) => (f(r) > f(w) ? r : w));
    const t = worst((r) => r.tcpdoc.wall / r.awk.wall);
    const ratio = t.tcpdoc.wall / t.awk.wall;
    verdict(`every shape at 1M sockets: ≤ 1.5x the awk pipeline (worst shown: ${caseName(t)})`,
      `${ratio.toFixed(2)}x (${sec(t.tcpdoc.wall)} s vs ${sec(t.awk.wall)} s); best ${Math.min(...big.map((r) => r.tcpdoc.wall / r.awk.wall)).toFixed(2)}x`, ratio <= 1.5);
    verdict("stretch: every shape at 1M sockets ≤ 1.0x the awk pipeline", `${ratio.toFixed(2)}x at worst`, ratio <= 1.0);
    const f = worst((r) => r.floor.wall / r.awk.wall);
    verdict(`Node itself doing the awk pipeline's job, the state column counted (bench/dump_floor.mjs; worst shown: ${caseName(f)})`,
      `${(f.floor.wall / f.awk.wall).toFixed(2)}x the awk pipeline (${sec(f.floor.wall)} s vs ${sec(f.awk.wall)} s); best ` +
        `${Math.min(...big.map((r) => r.floor.wall / r.awk.wall)).toFixed(2)}x`, undefined);
    if (TIME) {
      const m = worst((r) => r.tcpdoc.rss);
      verdict(`every shape at 1M sockets: peak memory ≤ 200 MB (worst shown: ${caseName(m)})`, `${mb(m.tcpdoc.rss)} MB`, m.tcpdoc.rss / 1024 <= 200);
    }
    if (big.every((r) => r.deno)) {
      const d = worst((r) => r.deno.wall / r.tcpdoc.wall);
      verdict(`Deno within 1.5x of Node on every shape at 1M sockets (worst shown: ${caseName(d)})`,
        `${(d.deno.wall / d.tcpdoc.wall).toFixed(2)}x (${sec(d.deno.wall)} s vs ${sec(d.tcpdoc.wall)} s); peak ${mb(Math.max(...big.map((r) => r.deno.rss)))} MB at worst`,
        d.deno.wall / d.tcpdoc.wall <= 1.5);
    }
    if (big.every((r) => r.base)) {
      const b = worst((r) => r.base.wall / r.awk.wall), bm = worst((r) => r.base.rss);
      verdict(`baseline \`${BASELINE}\` in the same runs, every shape at 1M sockets (worst shown: ${caseName(b)})`,
        `${(b.base.wall / b.awk.wall).toFixed(2)}x the awk pipeline at worst (${sec(b.base.wall)} s); peak ${mb(bm.base.rss)} MB at worst (${caseName(bm)})`);
    }
  }
  out.push(
    "### Dumps: `tcpdoc analyze FILE --json` vs the awk pipeline",
    "",
    "| dump | sockets | MB | awk pipeline s | Node, the same job s | tcpdoc s | ratio (target ≤ 1.5) | tcpdoc peak RSS MB (target ≤ 200) | deno run s | deno / node | deno peak RSS MB |" +
      (BASE_BIN ? " baseline s | baseline ratio | baseline peak RSS MB |" : ""),
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + (BASE_BIN ? "---:|---:|---:|" : ""),
  );
  for (const r of rows) {
    out.push(`| ${caseName(r)} | ${r.n.toLocaleString("en")} | ${r.mb.toFixed(0)} | ${sec(r.awk.wall)} | ${sec(r.floor.wall)} | ` +
      `${sec(r.tcpdoc.wall)} | ${(r.tcpdoc.wall / r.awk.wall).toFixed(2)} | ${mb(r.tcpdoc.rss)} | ${sec(r.deno?.wall)} | ` +
      `${r.deno ? (r.deno.wall / r.tcpdoc.wall).toFixed(2) : "n/a"} | ${mb(r.deno?.rss)} |` +
      (r.base ? ` ${sec(r.base.wall)} | ${(r.base.wall / r.awk.wall).toFixed(2)} | ${mb(r.base.rss)} |` : ""));
  }
  out.push(
    "",
    `Medians of ${REPS} interleaved runs; peak RSS is the largest over the runs (\`/usr/bin/time -f %M\`). ` +
      "Before timing, tcpdoc's state counts are checked against the awk pipeline's on the same files (exactly), " +
      "and so are those of \"Node, the same job\": `node bench/dump_floor.mjs COL FILE...`, the awk pipeline's job done " +
      "by Node itself (the state column's words counted, nothing else kept), the floor under any Node program that " +
      "reads every line.",
    "",
    "Shapes (`bench/gen.mjs`, README \"Shapes\"): `netstat -nat` of a dual-stack host (10% `tcp6` rows with IPv4-mapped " +
      "`::ffff:a.b.c.d` addresses, as Java and Go servers have them, 5% IPv6; netstat cuts long addresses to fit its " +
      "columns), `netstat -antp` (PID/Program name), `ss -tan` (bracketed IPv6 and IPv4-mapped), `ss -tanp` " +
      "(`users:((...))` on every owned socket), `/proc/net/tcp` + `tcp6` (two files), and `netstat -nat` with CRLF line ends. " +
      "Clients come from a pool of n/10 addresses, skewed (about ten sockets a client), or are all distinct (the worst case " +
      "for interning).",
    "",
    "Commands (FILE generated by `node bench/gen.mjs SHAPE N FILE 42 [--unique-peers] [--crlf]`):",
    "",
    "```sh",
    "awk '{print $COL}' FILE... | sort | uniq -c      # COL: the state column, $6 netstat, $1 ss, $4 /proc",
    "node bench/dump_floor.mjs COL FILE...               # the same counts from Node",
    "node bin/tcpdoc.js analyze FILE... --json",
    "deno run --allow-read --allow-env --allow-sys src/cli/entry.ts analyze FILE... --json",
    "```",
    "",
  );
}

/**
 * bench/engine_floor.mjs bundled as dist/ is (the same aliases), and the
 * built-in rules compiled as the bundle carries them: what it needs to run.
 */
async function engineFloor(tmp) {
  const rules = path.join(tmp, "builtin-rules.json"), bundle = path.join(tmp, "engine-floor.mjs");
  fs.writeFileSync(rules, (await compileBuiltinRules()).rules);
  await build({ ...BUNDLE_OPTIONS, entryPoints: ["bench/engine_floor.mjs"], outfile: bundle });
  return { rules, bundle, count: JSON.parse(fs.readFileSync(rules, "utf8")).rules.length };
}

async function startup(tmp, out) {
  const small = path.join(ROOT, SMALL_DUMP);
  const reps = Math.max(REPS * 4, 20);
  const floor = await engineFloor(tmp);
  log(`start-up on ${SMALL_DUMP} (${reps} reps)`);
  const commands = {
    node0: () => run(NODE, ["-e", "0"]),
    tcpdoc: () => run(NODE, [BIN, "analyze", small, "--json"]),
    help: () => run(NODE, [BIN, "--help"]),
    floor: () => run(NODE, [floor.bundle, floor.rules]),
  };
  if (BASE_BIN) commands.base = () => run(NODE, [BASE_BIN, "analyze", small, "--json"]);
  if (!NO_DENO && fs.existsSync(DENO)) {
    commands.deno = () => run(DENO, ["run", "--allow-read", "--allow-env", "--allow-sys", "src/cli/entry.ts", "analyze", small, "--json"]);
  }
  const r = race(commands, reps);
  log(`  node -e 0 ${sec(r.node0.wall)} s, tcpdoc ${sec(r.tcpdoc.wall)} s (${(r.tcpdoc.wall / r.node0.wall).toFixed(2)}x), the engine alone ${sec(r.floor.wall)} s (${(r.floor.wall / r.node0.wall).toFixed(2)}x)`);
  verdict("small real dump: ≤ 3x `node -e 0`", `${(r.tcpdoc.wall / r.node0.wall).toFixed(2)}x (${sec(r.tcpdoc.wall)} s vs ${sec(r.node0.wall)} s)`, r.tcpdoc.wall / r.node0.wall <= 3);
  verdict("json-rules-engine alone, the built-in rules on constant facts (the floor under a small dump's start-up)", `${(r.floor.wall / r.node0.wall).toFixed(2)}x \`node -e 0\` (${sec(r.floor.wall)} s)`, undefined);
  out.push(
    "### Start-up: a small real dump vs `node -e 0`",
    "",
    "| command | median s | ratio to `node -e 0` (target ≤ 3) | peak RSS MB |",
    "|---|---:|---:|---:|",
    `| \`node -e 0\` | ${sec(r.node0.wall)} | 1.00 | ${mb(r.node0.rss)} |`,
    `| \`node bin/tcpdoc.js analyze ${SMALL_DUMP} --json\` | ${sec(r.tcpdoc.wall)} | ${(r.tcpdoc.wall / r.node0.wall).toFixed(2)} | ${mb(r.tcpdoc.rss)} |`,
    `| \`node bin/tcpdoc.js --help\` | ${sec(r.help.wall)} | ${(r.help.wall / r.node0.wall).toFixed(2)} | ${mb(r.help.rss)} |`,
    `| json-rules-engine alone: \`node engine-floor.mjs builtin-rules.json\` (bench/engine_floor.mjs bundled) | ${sec(r.floor.wall)} | ${(r.floor.wall / r.node0.wall).toFixed(2)} | ${mb(r.floor.rss)} |`,
  );
  if (r.base) {
    out.push(`| baseline \`${BASELINE}\`: \`node bin/tcpdoc.js analyze ${SMALL_DUMP} --json\` | ${sec(r.base.wall)} | ${(r.base.wall / r.node0.wall).toFixed(2)} | ${mb(r.base.rss)} |`);
  }
  if (r.deno) {
    out.push(`| \`deno run ... src/cli/entry.ts analyze ${SMALL_DUMP} --json\` | ${sec(r.deno.wall)} | ${(r.deno.wall / r.node0.wall).toFixed(2)} | ${mb(r.deno.rss)} |`);
  }
  out.push(
    "",
    `Medians of ${reps} interleaved runs. The engine alone loads json-rules-engine, bundled as dist/ bundles it, and ` +
      `evaluates the ${floor.count} built-in rules once in one engine with every fact a constant (bench/engine_floor.mjs): ` +
      "tcpdoc does that work and more (an engine per rule, real facts), so its start-up does not go below it.",
    "",
  );
}

/**
 * What the installed command loads when not interactive: dist/tcpdoc.js, one
 * script, and its code cache (scripts/build.mjs); the other files of dist/
 * load only when needed.
 */
function imports(out) {
  const dist = path.join(ROOT, "dist");
  const script = fs.readFileSync(path.join(dist, "tcpdoc.js"), "latin1");
  const id = /^\/\/ tcpdoc bundle ([0-9a-f]+)/.exec(script)?.[1];
  const cacheFile = id && path.join(dist, `tcpdoc-${id}.cache`);
  const cache = cacheFile && fs.existsSync(cacheFile) ? fs.statSync(cacheFile).size : 0;
  // Markers of what must not load at start-up: the UI's libraries (ink, react, yoga) and a compiler.
  const markers = { ink: /ink-text|function render\(node, options\)/, react: /react\.production|__SECRET_INTERNALS|react-reconciler/, yoga: /yoga-layout|YGNode|Yoga\b/, "TypeScript compiler": /\bts\.createProgram|function createSourceFile\(|transpileModule/, esbuild: /ESBUILD_BINARY_PATH|esbuild-wasm/ };
  const found = Object.entries(markers).filter(([, re]) => re.test(script)).map(([k]) => k);
  const lazy = fs.readdirSync(dist).filter((f) => f.endsWith(".js") && f !== "tcpdoc.js").sort()
    .map((f) => `\`${f}\` (${(fs.statSync(path.join(dist, f)).size / 1024).toFixed(0)} KiB)`);
  log(`  start-up loads dist/tcpdoc.js ${(script.length / 1024).toFixed(1)} KiB and a code cache of ${(cache / 1024).toFixed(0)} KiB; ${found.length ? `found: ${found.join(", ")}` : "no UI or compiler code in it"}`);
  out.push(
    "### What the installed command loads when not interactive",
    "",
    `\`dist/tcpdoc.js\`, one script of ${(script.length / 1024).toFixed(1)} KiB (tcpdoc's code and the packages it uses but ink and React), ` +
      (cache ? `compiled with the code cache the build made beside it (${(cache / 1024).toFixed(0)} KiB)` : "**without a code cache** (the build made none)") +
      `, plus Node built-ins. UI or compiler code found in it: ${found.join(", ") || "none"}. ` +
      `Loaded only when needed: ${lazy.join(", ") || "nothing"} (ink and React for an interactive session, the helper threads' modules).`,
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
    // the baseline's live snapshot is timed in the same rounds (bench/live.mjs)
    env: { ...BENCH_ENV, TCPDOC_BENCH_NODE: NODE, ...(BASE_BIN ? { TCPDOC_BASE_BIN: BASE_BIN } : {}) },
  });
  if (r.status !== 0) {
    out.push("### Live snapshot", "", `Failed: bench/live.sh exited ${r.status}.`, "");
    return;
  }
  const res = JSON.parse(r.stdout.trim().split("\n").pop());
  const n = res.sockets.toLocaleString("en");
  const ratio = res.live.wall / res.ss.wall, ratioOwners = res.liveOwners.wall / res.ssOwners.wall;
  verdict(`live snapshot of ${n} sockets, \`--no-owners\`: ≤ 1.5x \`ss -tan \\| wc -l\``, `${ratio.toFixed(2)}x (${sec(res.live.wall)} s vs ${sec(res.ss.wall)} s)`, ratio <= 1.5);
  verdict(`live snapshot of ${n} sockets with their processes, against \`ss -tanp \\| wc -l\``, `${ratioOwners.toFixed(2)}x (${sec(res.liveOwners.wall)} s vs ${sec(res.ssOwners.wall)} s)`);
  log(`  ss -tan ${sec(res.ss.wall)} s, --no-owners ${sec(res.live.wall)} s (${ratio.toFixed(2)}x); ` +
    `ss -tanp ${sec(res.ssOwners.wall)} s, owners ${sec(res.liveOwners.wall)} s (${ratioOwners.toFixed(2)}x); ` +
    `cat /proc/net/tcp{,6} ${sec(res.cat.wall)} s (${(res.cat.wall / res.ss.wall).toFixed(2)}x)` +
    (res.base ? `; baseline --no-owners ${sec(res.base.wall)} s (${(res.base.wall / res.ss.wall).toFixed(2)}x)` : ""));
  const row = (name, x, base) =>
    `| ${name} | ${sec(x.wall)} | ${base ? (x.wall / base.wall).toFixed(2) : ""} | ${mb(x.rss)} | ${x.sockets ?? ""} |`;
  out.push(
    `### Live snapshot: ${n} real sockets vs \`ss -tan | wc -l\` and \`ss -tanp | wc -l\``,
    "",
    "Inside a throwaway network namespace (`bench/live.sh`: lo up, workers each with a listener and clients on " +
      "127.0.0.1, nine connections in ten ESTABLISHED, the tenth half-closed into CLOSE-WAIT / FIN-WAIT-2; " +
      "cleaned up afterwards). Two pairs, each tcpdoc row against the `ss` row above it: without owners, " +
      "and with each socket mapped to its process (`ss -p` and tcpdoc both walk /proc/PID/fd). The `cat` row " +
      "is the kernel formatting the tables tcpdoc reads, with no program reading them: a floor for any reader of /proc.",
    "",
    "| command (in the namespace) | median s | ratio to the ss above (target ≤ 1.5 without owners) | peak RSS MB | sockets seen |",
    "|---|---:|---:|---:|---:|",
    row("`ss -tan \\| wc -l`", res.ss),
    row("`cat /proc/net/tcp /proc/net/tcp6 \\| wc -l` (the kernel's formatting alone)", res.cat, res.ss),
    row("`node bin/tcpdoc.js analyze --json --no-owners`", res.live, res.ss),
    ...(res.base ? [row(`baseline \`${BASELINE}\`: \`node bin/tcpdoc.js analyze --json --no-owners\``, res.base, res.ss)] : []),
    row("`ss -tanp \\| wc -l`", res.ssOwners),
    row("`node bin/tcpdoc.js analyze --json` (with owners)", res.liveOwners, res.ssOwners),
    "",
    `Medians of ${REPS} runs, the commands interleaved.`,
    "",
  );
}

/** The share of one core `tcpdoc watch` takes among LIVE_SOCKETS real sockets every 2 s (issue 14: under 25%). */
function watch(out) {
  const script = path.join(ROOT, "bench", "live.sh");
  const title = `### Watch cost: ${LIVE_SOCKETS.toLocaleString("en")} real sockets every 2 s`;
  if (process.getuid?.() !== 0 || !spawnSync("sh", ["-c", "command -v ip && command -v script"]).stdout.length) {
    out.push(title, "", "Pending: needs root, iproute2 (`ip netns`) and `script` (util-linux).", "");
    return;
  }
  log(`watch: ${LIVE_SOCKETS} real sockets in a network namespace, --json and the screen, ${WATCH_REPS} rep(s)`);
  const r = spawnSync("bash", [script, String(LIVE_SOCKETS), String(WATCH_REPS), "watch"], {
    cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 2_700_000,
    env: { ...BENCH_ENV, TCPDOC_BENCH_NODE: NODE },
  });
  if (r.status !== 0) {
    out.push(title, "", `Failed: bench/live.sh exited ${r.status}.`, "");
    return;
  }
  const res = JSON.parse(r.stdout.trim().split("\n").pop());
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  for (const [k, name] of [["json", "`--json`"], ["screen", "the screen"]]) {
    verdict(`\`tcpdoc watch\` (${name}) on ${res.sockets.toLocaleString("en")} sockets every 2 s: under 25% of one core`, `${pct(res[k].share)} (idle namespace ${pct(res[k + "Idle"].share)})`, res[k].share < 0.25);
    verdict(`\`tcpdoc watch\` (${name}), its series full (300 moments): under 25% of one core`, pct(res[k + "Full"].share), res[k + "Full"].share < 0.25);
  }
  const row = (name, x) =>
    `| ${name} | ${pct(x.share)} | ${pct(x.fromStart)} | ${(1000 * x.userPerTick).toFixed(0)} | ${(1000 * x.sysPerTick).toFixed(0)} | ${mb(x.rss)} |`;
  out.push(
    title,
    "",
    "`bench/live.sh N REPS watch`: the sockets of the live benchmark in one namespace, a second namespace with none " +
      "(idle); `node bin/tcpdoc.js watch --interval 2s --count 20` under `/usr/bin/time`, with `--json` (stdout a pipe) " +
      "and as the screen on an 80x24 pseudo-terminal (`script`). The share of one core is the CPU (user + system, all " +
      "threads, from /proc/PID/stat) the process takes from 12.5 to 32.5 s after it starts, ten ticks after the JIT " +
      "has warmed up, as in any watch that lasts; from the start: the whole run's CPU over its wall time.",
    "",
    "| run | share of one core (10 ticks, warm) | from the start (20 ticks) | user ms a tick | system ms a tick | peak RSS MB |",
    "|---|---:|---:|---:|---:|---:|",
    row("`--json`, idle namespace", res.jsonIdle),
    row(`\`--json\`, ${res.sockets.toLocaleString("en")} sockets`, res.json),
    row("screen, idle namespace", res.screenIdle),
    row(`screen, ${res.sockets.toLocaleString("en")} sockets`, res.screen),
    "",
    `Medians of ${WATCH_REPS} run(s) of each.`,
    "",
    "A watch that lasts keeps 300 moments, and the facts over the series (trends, rates, exhaustion, persistence) " +
      "grow with them: one run each of `--interval 2s --count 330`, its CPU from 616 to 652 s (the series full, " +
      "after the owner scan a watch repeats every 5 minutes):",
    "",
    "| run | share of one core, series full | user ms a tick | system ms a tick | peak RSS MB |",
    "|---|---:|---:|---:|---:|",
    ...[["`--json`", res.jsonFull], ["screen", res.screenFull]].map(([name, x]) =>
      `| ${name}, ${res.sockets.toLocaleString("en")} sockets | ${pct(x.share)} | ${(1000 * x.userPerTick).toFixed(0)} | ${(1000 * x.sysPerTick).toFixed(0)} | ${mb(x.rss)} |`
    ),
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
    none: () => run(NODE, [BIN, "analyze", small, "--json", "--no-user-rules"]),
    rules: () => run(NODE, [BIN, "analyze", small, "--json", "--no-user-rules", "--rules", dir]),
    noneBig: () => run(NODE, [BIN, "analyze", big, "--json", "--no-user-rules"]),
    rulesBig: () => run(NODE, [BIN, "analyze", big, "--json", "--no-user-rules", "--rules", dir]),
  });
  const split = (dump, d) => {
    const x = spawnSync(NODE, [path.join(ROOT, "bench", "rules_eval.mjs"), dump, d, String(REPS)], { cwd: ROOT, encoding: "utf8", env: BENCH_ENV });
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
    `baseline tools ${m.awk}, ${m.sort}.` +
    (removedVars.length ? ` Removed from every timed command's environment: ${removedVars.join(", ")}.` : ""),
  "",
];
try {
  if (ONLY.includes("dumps")) dumps(tmp, out);
  if (ONLY.includes("startup")) await startup(tmp, out);
  if (ONLY.includes("imports")) imports(out);
  if (ONLY.includes("live")) live(out);
  if (ONLY.includes("watch")) watch(out);
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
