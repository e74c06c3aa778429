// Mutation fuzzer: mutates the real samples and runs the built CLI on them
// (`node bin/tcpdoc.js analyze --json`), failing on anything a user must
// never see.
//
//   npm run fuzz                          60 seconds, a random seed
//   npm run fuzz -- --seconds 600         longer (docs/safety.md has the last long run)
//   npm run fuzz -- --seed 1234           the same runs again
//   npm run fuzz -- --seed 1234 --run 87  only run 87 of that seed (to reproduce a failure)
//   npm run fuzz -- --runs 200            stop after 200 runs (whichever of --runs and --seconds comes first)
//
// A run fails on: an exit code other than 0, 1 or 2; a signal or a run over
// 10 s; a stack trace or "internal error" on stderr; stdout that is not one
// JSON object (exit 0 or 1); more than one line on stderr with exit 2; counts
// that do not add up (an input's line kinds against its lines, and for UTF-8
// input its lines against the newlines in the bytes; the states plus
// stateUnknown against the sockets; the inputs' sockets against the summary's;
// scripts/fuzz_check.mjs, tested by test/scripts/fuzz_check.test.ts).
// Each failing input is saved under a temporary directory with the reason and
// the command that reproduces it. Exit code: 0 when no run failed, 1 otherwise.

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { checkReport } from "./fuzz_check.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = path.join(root, "bin/tcpdoc.js");
const TIMEOUT_MS = 10_000;
/** Samples are cut to this many bytes (whole lines): a run should take a fraction of a second. */
const MAX_SAMPLE = 64 * 1024;

function usage(message) {
  if (message) console.error(`fuzz: ${message}`);
  console.error("usage: npm run fuzz -- [--seconds N] [--runs N] [--seed N] [--run I]");
  process.exit(2);
}

function parseArgs(argv) {
  const o = { seconds: 60, runs: Infinity, seed: undefined, run: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || !/^\d+$/.test(v)) usage(`${flag} needs a whole number`);
      return Number(v);
    };
    if (flag === "--seconds") o.seconds = value();
    else if (flag === "--runs") o.runs = value();
    else if (flag === "--seed") o.seed = value();
    else if (flag === "--run") o.run = value();
    else if (flag === "--help" || flag === "-h") usage();
    else usage(`unknown option ${argv[i]}`);
  }
  o.seed ??= Math.floor(Math.random() * 2 ** 31);
  return o;
}

/** mulberry32: small, fast, and the same on every platform. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (xs) => xs[int(xs.length)] };
}

/** Every text sample (the expectations and READMEs are not inputs), cut to MAX_SAMPLE. */
function loadSamples() {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(json|md)$/.test(e.name)) {
        let bytes = fs.readFileSync(p);
        if (bytes.length > MAX_SAMPLE) bytes = bytes.subarray(0, bytes.lastIndexOf(10, MAX_SAMPLE) + 1);
        out.push({ name: path.relative(root, p), bytes });
      }
    }
  };
  walk(path.join(root, "samples"));
  return out;
}

// What a paste picks up on its way: C0 and C1 controls, terminal sequences,
// bidi and zero-width characters, wide and combining characters, odd spaces,
// a replacement character, UTF-8 cut in the middle of a character, and
// long runs that catch backtracking regexes.
const INSERTS = [
  "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\t",
  "\x1b[31m", "\x1b[0m", "\x1b]52;c;cnk=\x07", "\x1b]0;title\x1b\\", "\x1bP1$r\x1b\\", "\x1b[?1049h",
  "\u0085", "\u009b", "\u00a0", "\u200b", "\u200d", "\u202e", "\u2066", "\u2069", "\ufeff", "\ufffd",
  "\u0301", "é", "ü", "中文", "😀", "\u3000", "\u2028",
  "::", "[", "]", "%", ":", ",", "\"", "'", "`", "```", "\\", "-", "*", "0", "65535", "4294967296",
  "99999999999999999999", "-1", "NaN", "ESTAB", "CLOSE_WAIT", "LISTEN", "users:((", "pid=", "comm=\"",
];
const RAW_INSERTS = [[0xff], [0xfe], [0xc3], [0xe4, 0xb8], [0xf0, 0x9f, 0x98], [0x80], [0xc0, 0xaf]];

const enc = new TextEncoder();

function lines(bytes) {
  const out = [];
  let from = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, from)) {
    out.push(bytes.subarray(from, nl + 1));
    from = nl + 1;
  }
  if (from < bytes.length) out.push(bytes.subarray(from));
  return out;
}

const concat = (parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));

/** The mutations: each takes the bytes and returns new ones. */
const MUTATIONS = {
  bitflip(b, r) {
    const out = Buffer.from(b);
    for (let n = 1 + r.int(4); n > 0 && out.length; n--) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  duplicateLine(b, r) {
    const ls = lines(b);
    if (!ls.length) return b;
    const i = r.int(ls.length);
    const copies = Array(1 + r.int(r.next() < 0.1 ? 500 : 3)).fill(ls[i]);
    return concat([...ls.slice(0, i + 1), ...copies, ...ls.slice(i + 1)]);
  },
  deleteLines(b, r) {
    const ls = lines(b);
    const i = r.int(ls.length + 1);
    return concat([...ls.slice(0, i), ...ls.slice(i + 1 + r.int(5))]);
  },
  truncateLine(b, r) {
    const ls = lines(b);
    if (!ls.length) return b;
    const i = r.int(ls.length);
    const keepNewline = r.next() < 0.5;
    ls[i] = concat([ls[i].subarray(0, r.int(ls[i].length)), keepNewline ? [10] : []]);
    return concat(ls);
  },
  truncateFile(b, r) {
    return b.subarray(0, r.int(b.length + 1));
  },
  swapFields(b, r) {
    const ls = lines(b);
    if (!ls.length) return b;
    const i = r.int(ls.length);
    const text = Buffer.from(ls[i]).toString("latin1");
    const parts = text.split(/(\s+)/);
    const fields = parts.map((p, k) => (/^\s*$/.test(p) ? -1 : k)).filter((k) => k >= 0);
    if (fields.length < 2) return b;
    const x = r.pick(fields), y = r.pick(fields);
    [parts[x], parts[y]] = [parts[y], parts[x]];
    ls[i] = Buffer.from(parts.join(""), "latin1");
    return concat(ls);
  },
  swapLines(b, r) {
    const ls = lines(b);
    if (ls.length < 2) return b;
    const i = r.int(ls.length), j = r.int(ls.length);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return concat(ls);
  },
  insertText(b, r) {
    const at = r.int(b.length + 1);
    const ins = r.next() < 0.2 ? RAW_INSERTS[r.int(RAW_INSERTS.length)] : enc.encode(r.pick(INSERTS).repeat(1 + r.int(r.next() < 0.1 ? 200 : 3)));
    return concat([b.subarray(0, at), ins, b.subarray(at)]);
  },
  longRun(b, r) {
    // a long run of one character with one odd character in or after it
    const at = r.int(b.length + 1);
    const run = r.pick([" ", "\t", "[", "`", "0", ":", "(", "a", "."]).repeat(100 + r.int(20_000));
    const odd = r.pick(["x", "]", "\u00a0", "\x01", "`", ")"]);
    return concat([b.subarray(0, at), enc.encode(run + odd), b.subarray(at)]);
  },
  lineEnds(b, r) {
    const s = Buffer.from(b).toString("latin1");
    const to = r.pick(["\r\n", "\r", "\n\n", "\n\r"]);
    return Buffer.from(r.next() < 0.5 ? s.replace(/\n/g, to) : s.replace(/\n/, to), "latin1");
  },
  splice(b, r, samples) {
    // a piece of another sample inside this one: a paste of two outputs
    const other = lines(r.pick(samples).bytes);
    const from = r.int(other.length + 1);
    const piece = other.slice(from, from + 1 + r.int(20));
    const ls = lines(b);
    const at = r.int(ls.length + 1);
    return concat([...ls.slice(0, at), ...piece, ...ls.slice(at)]);
  },
  utf16(b, r) {
    // Windows redirection, sometimes with a byte cut off
    const body = Buffer.from(Buffer.from(b).toString("latin1"), "utf16le");
    const out = concat([[0xff, 0xfe], body]);
    return r.next() < 0.3 ? out.subarray(0, out.length - 1) : out;
  },
};
const NAMES = Object.keys(MUTATIONS);

/** One run's inputs: one sample (sometimes two), each mutated one to four times. */
function makeRun(seed, index, samples) {
  const r = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const files = [];
  for (let n = r.next() < 0.15 ? 2 : 1; n > 0; n--) {
    const sample = r.pick(samples);
    let bytes = sample.bytes;
    const applied = [];
    for (let m = 1 + r.int(4); m > 0; m--) {
      const name = r.next() < 0.05 ? "utf16" : r.pick(NAMES.filter((x) => x !== "utf16"));
      bytes = MUTATIONS[name](bytes, r, samples);
      applied.push(name);
    }
    files.push({ sample: sample.name, mutations: applied, bytes });
  }
  return { files, stdin: files.length === 1 && r.next() < 0.2 };
}

/** What is wrong with one run's outcome: a list of reasons (empty when it passed). */
function judge(run, res, ms) {
  const why = [];
  if (res.error?.code === "ETIMEDOUT" || ms > TIMEOUT_MS) why.push(`took over ${TIMEOUT_MS / 1000} s`);
  else if (res.signal) why.push(`killed by ${res.signal}`);
  else if (![0, 1, 2].includes(res.status)) why.push(`exit code ${res.status}`);
  const err = res.stderr ?? "";
  if (/^\s+at .+(:\d+:\d+\)?|<anonymous>)$/m.test(err)) why.push("stack trace on stderr");
  if (/internal error/i.test(err)) why.push("internal error on stderr");
  if (why.length) return why;
  if (res.status === 2) {
    if (err.trim().split("\n").length > 1) why.push("exit 2 with more than one line on stderr");
    return why;
  }
  let report;
  try {
    report = JSON.parse(res.stdout);
  } catch (e) {
    return [`stdout is not JSON (${e.message})`];
  }
  why.push(...checkReport(report, run.files.map((f) => f.bytes)));
  return why;
}

// No colour, and no user config file (it could set --min-severity or --max-input).
const env = { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: os.tmpdir() + "/tcpdoc-fuzz-no-config" };
delete env.FORCE_COLOR;

function execute(run, dir) {
  const names = run.files.map((f, k) => {
    const p = path.join(dir, `input-${k}.txt`);
    fs.writeFileSync(p, f.bytes);
    return p;
  });
  const args = [bin, "analyze", "--json", ...(run.stdin ? ["-"] : names)];
  const t = performance.now();
  const res = spawnSync(process.execPath, args, {
    input: run.stdin ? run.files[0].bytes : undefined,
    stdio: run.stdin ? "pipe" : ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: TIMEOUT_MS + 2000,
    killSignal: "SIGKILL",
    maxBuffer: 256 << 20,
    env,
  });
  return { res, ms: performance.now() - t, args };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, "dist"))) usage("build first (npm run build)");
  const samples = loadSamples();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-fuzz-"));
  const deadline = Date.now() + o.seconds * 1000;
  const first = o.run ?? 0;
  const last = o.run !== undefined ? o.run + 1 : Infinity;
  console.log(`fuzz: seed ${o.seed}, ${samples.length} samples, ${o.run !== undefined ? `run ${o.run}` : `${o.seconds} s`}; work dir ${work}`);
  let runs = 0;
  const failures = [];
  const exits = { 0: 0, 1: 0, 2: 0 };
  let slowest = 0;
  const refusals = new Map();
  for (let i = first; i < last && runs < o.runs && (o.run !== undefined || Date.now() < deadline); i++) {
    const run = makeRun(o.seed, i, samples);
    const dir = path.join(work, "run");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const { res, ms } = execute(run, dir);
    runs++;
    slowest = Math.max(slowest, ms);
    if (res.status in exits) exits[res.status]++;
    if (res.status === 2) {
      // what the user errors were, in kind: the message without its file name and figures
      const kind = (res.stderr ?? "").split("\n")[0].replace(/^tcpdoc: /, "").replace(/\S*input-\d\.txt(:\d+)?:? ?|^-: /g, "").replace(/\d+/g, "N").slice(0, 60);
      refusals.set(kind, (refusals.get(kind) ?? 0) + 1);
    }
    const why = judge(run, res, ms);
    if (why.length) {
      const keep = path.join(work, `failure-${i}`);
      fs.renameSync(dir, keep);
      const what = run.files.map((f) => `${f.sample} (${f.mutations.join(", ")})`).join(" + ");
      fs.writeFileSync(
        path.join(keep, "REASON.txt"),
        [`seed ${o.seed} run ${i}${run.stdin ? " (input on stdin)" : ""}`, what, ...why, "", "stderr:", res.stderr ?? ""].join("\n"),
      );
      failures.push(i);
      console.log(`FAIL run ${i}: ${why.join("; ")}\n  ${what}\n  saved in ${keep}\n  again: npm run fuzz -- --seed ${o.seed} --run ${i}`);
    }
    if (runs % 100 === 0) console.log(`  ${runs} runs, ${failures.length} failed`);
  }
  fs.rmSync(path.join(work, "run"), { recursive: true, force: true });
  if (!failures.length) fs.rmSync(work, { recursive: true, force: true });
  console.log(
    `fuzz: seed ${o.seed}: ${runs} runs (exit 0: ${exits[0]}, 1: ${exits[1]}, 2: ${exits[2]}), slowest ${(slowest / 1000).toFixed(2)} s, ` +
      (failures.length ? `${failures.length} FAILED (runs ${failures.slice(0, 20).join(", ")}); inputs in ${work}` : "no failure"),
  );
  for (const [kind, n] of [...refusals].sort((a, b) => b[1] - a[1])) console.log(`  exit 2 (${n}x): ${kind}`);
  process.exit(failures.length ? 1 : 0);
}

main();
