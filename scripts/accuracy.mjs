// Scores tcpdoc on the field corpus (test/field/): runs `tcpdoc analyze --json`
// on every case, compares its findings and counts with the expert's, and
// writes docs/accuracy.md. See test/field/README.md for the case format and
// the verdicts.
//
//   npm run accuracy                    score every case, write docs/accuracy.md
//   npm run accuracy -- --check         score, print the summary, write nothing
//   npm run accuracy -- --case ID ...   score only these cases, print each verdict
//   npm run accuracy -- --json          print the scores as JSON (writes nothing)
//   npm run accuracy -- --baseline      also record the scores as the baseline (test/field/baseline.json)
//   npm run accuracy -- --tcpdoc FILE   score another build's bin/tcpdoc.js (e.g. an older commit's)
//
// Exit code: 0 when every case could be scored, 2 when a case file is invalid
// or tcpdoc failed on a case (the score itself never fails the run).

import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

const root = fileURLToPath(new URL("..", import.meta.url));
const casesDir = path.join(root, "test/field/cases");
const baselineFile = path.join(root, "test/field/baseline.json");
const reportFile = path.join(root, "docs/accuracy.md");
let bin = path.join(root, "bin/tcpdoc.js");

export const SEVERITIES = ["info", "warning", "critical"];
export const STATES = [
  "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",
  "LAST_ACK", "TIME_WAIT", "CLOSED", "BOUND",
];
const KINDS = ["issue", "qa", "blog", "mailing-list", "docs", "repo-file"];
const OSES = ["linux", "macos", "freebsd", "windows", "android", "busybox", "unknown"];
const SHAPES = ["full", "excerpt", "filtered", "count", "histogram", "log", "counters", "sysctl", "mixed"];

const rank = (s) => SEVERITIES.indexOf(s);

/** Reads and checks one case; returns { case } or { errors }. */
export function readCase(dir) {
  const id = path.basename(dir);
  const errors = [];
  const file = path.join(dir, "case.yaml");
  let c;
  try {
    c = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (e) {
    return { errors: [`${file}: ${String(e.message).split("\n")[0]}`] };
  }
  const err = (m) => errors.push(`${file}: ${m}`);
  if (!c || typeof c !== "object") return { errors: [`${file}: not a mapping`] };
  for (const k of ["source", "kind", "language", "os", "command", "shape", "thread", "expert"]) {
    if (c[k] === undefined || c[k] === null || c[k] === "") err(`"${k}" is missing`);
  }
  if (c.kind && !KINDS.includes(c.kind)) err(`kind "${c.kind}" is not one of ${KINDS.join(", ")}`);
  if (c.os && !OSES.includes(c.os)) err(`os "${c.os}" is not one of ${OSES.join(", ")}`);
  const shape = Array.isArray(c.shape) ? c.shape : [c.shape];
  for (const s of shape) if (!SHAPES.includes(s)) err(`shape "${s}" is not one of ${SHAPES.join(", ")}`);
  const inputs = c.inputs ?? ["paste.txt"];
  if (!Array.isArray(inputs) || inputs.length === 0) err(`"inputs" must be a list of files`);
  else {
    for (const f of inputs) {
      if (typeof f !== "string" || f.includes("/") || f.startsWith(".")) err(`input "${f}" must be a file name in the case folder`);
      else if (!fs.existsSync(path.join(dir, f))) err(`input "${f}" does not exist`);
    }
  }
  const x = c.expert ?? {};
  const d = x.diagnosis;
  if (typeof d !== "string" || !(d === "healthy" || /^not covered: \S/.test(d) || /^[a-z0-9][a-z0-9-]*$/.test(d))) {
    err(`expert.diagnosis must be a rule id, "healthy" or "not covered: <name>", not ${JSON.stringify(d)}`);
  }
  if (d !== "healthy" && !SEVERITIES.includes(x.severity)) err(`expert.severity must be one of ${SEVERITIES.join(", ")}`);
  if (x.also !== undefined && !(Array.isArray(x.also) && x.also.every((a) => typeof a === "string"))) err(`expert.also must be a list of rule ids`);
  if (typeof x.reasoning !== "string" || x.reasoning.trim() === "") err(`expert.reasoning is missing`);
  if (c.counts !== undefined) {
    const k = c.counts;
    if (!Number.isInteger(k?.sockets) || k.sockets < 0) err(`counts.sockets must be a whole number`);
    const states = k?.states ?? {};
    let sum = 0;
    for (const [s, n] of Object.entries(states)) {
      if (!STATES.includes(s)) err(`counts.states: "${s}" is not a canonical state`);
      if (!Number.isInteger(n) || n < 0) err(`counts.states.${s} must be a whole number`);
      sum += n;
    }
    if (sum > k?.sockets) err(`counts.states add up to ${sum}, more than counts.sockets (${k.sockets})`);
    if (typeof k?.counted_by !== "string" || !k.counted_by.trim()) err(`counts.counted_by must say which command counted them`);
  }
  if (errors.length) return { errors };
  return { case: { id, dir, ...c, shape, inputs, expert: { also: [], ...x } } };
}

/** Every case folder, sorted. */
export function readCorpus() {
  const cases = [], errors = [];
  if (!fs.existsSync(casesDir)) return { cases, errors };
  for (const name of fs.readdirSync(casesDir).sort()) {
    const dir = path.join(casesDir, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    const r = readCase(dir);
    if (r.errors) errors.push(...r.errors);
    else cases.push(r.case);
  }
  const seen = new Map();
  for (const c of cases) {
    if (seen.has(c.source)) errors.push(`${c.id}: source already used by ${seen.get(c.source)} (${c.source})`);
    else seen.set(c.source, c.id);
  }
  return { cases, errors };
}

function analyze(c) {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, "analyze", "--json", "--no-user-rules", ...c.inputs], {
      cwd: c.dir,
      maxBuffer: 256 << 20,
      env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: path.join(os.tmpdir(), "tcpdoc-accuracy-no-config") },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      const first = stderr.trim().split("\n")[0] ?? "";
      // Exit 2 with a one-line reason is tcpdoc declining the input: scored as a report with no findings.
      if (code === 2 && !/internal error/.test(first)) return resolve({ report: { inputs: [], summary: {}, findings: [] }, refused: first });
      if (code !== 0 && code !== 1) return resolve({ error: `exit ${code}: ${first}` });
      try {
        resolve({ report: JSON.parse(stdout) });
      } catch (e) {
        resolve({ error: `invalid JSON: ${e.message}` });
      }
    });
  });
}

/** Scores one case from its report. */
export function score(c, report) {
  const want = c.expert.diagnosis;
  const findings = report.findings ?? [];
  const loud = findings.filter((f) => rank(f.severity) >= rank("warning"));
  const accepted = new Set([want, ...c.expert.also]);
  const out = { id: c.id, verdict: "", falseAlarms: [], got: findings.map((f) => `${f.rule}:${f.severity}${f.partial ? ":partial" : ""}`) };
  if (want === "healthy") {
    out.kind = "healthy";
    out.falseAlarms = loud.filter((f) => !accepted.has(f.rule)).map((f) => f.rule);
    out.verdict = out.falseAlarms.length ? "FALSE ALARM" : "OK";
  } else {
    out.kind = want.startsWith("not covered:") ? "not-covered" : "problem";
    out.falseAlarms = loud.filter((f) => !accepted.has(f.rule)).map((f) => f.rule);
    if (out.kind === "not-covered") out.verdict = "NOT COVERED";
    else {
      const f = findings.find((x) => x.rule === want);
      if (!f) out.verdict = "MISS";
      else if (f.partial || rank(f.severity) < rank(c.expert.severity)) out.verdict = "PARTIAL";
      else out.verdict = "HIT";
    }
  }
  if (c.counts) {
    const s = report.summary ?? {};
    const states = Object.fromEntries(Object.entries(s.states ?? {}).filter(([, n]) => n > 0));
    const wantStates = Object.fromEntries(Object.entries(c.counts.states ?? {}).filter(([, n]) => n > 0));
    const same = s.sockets === c.counts.sockets &&
      Object.keys(states).length === Object.keys(wantStates).length &&
      Object.entries(wantStates).every(([k, n]) => states[k] === n);
    out.counts = same ? "exact" : `got ${s.sockets} ${JSON.stringify(states)}, want ${c.counts.sockets} ${JSON.stringify(wantStates)}`;
  }
  out.unparsed = (report.inputs ?? []).reduce((n, i) => n + (i.unparsed ?? 0), 0);
  return out;
}

async function pool(items, n, fn, progress) {
  const results = new Array(items.length);
  let next = 0, done = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      progress?.(++done, items.length);
    }
  }));
  return results;
}

/** Totals over scored cases. */
export function totals(scored, cases) {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const t = { cases: scored.length, problem: 0, hit: 0, partial: 0, miss: 0, healthy: 0, healthyAlarms: 0, notCovered: 0, alarms: 0, countable: 0, exact: 0, errors: 0, rules: {} };
  for (const s of scored) {
    if (s.verdict === "ERROR") {
      t.errors++;
      continue;
    }
    if (s.falseAlarms.length) t.alarms++;
    if (s.counts !== undefined) {
      t.countable++;
      if (s.counts === "exact") t.exact++;
    }
    const want = byId.get(s.id).expert.diagnosis;
    const kind = want === "healthy" ? "healthy" : want.startsWith("not covered:") ? "not-covered" : "problem";
    if (kind === "healthy") {
      t.healthy++;
      if (s.falseAlarms.length) t.healthyAlarms++;
    } else if (kind === "not-covered") t.notCovered++;
    else {
      t.problem++;
      const r = (t.rules[want] ??= { cases: 0, hit: 0, partial: 0, miss: 0 });
      r.cases++;
      const k = s.verdict === "HIT" ? "hit" : s.verdict === "PARTIAL" ? "partial" : "miss";
      r[k]++;
      t[k]++;
    }
  }
  return t;
}

const pct = (a, b) => (b === 0 ? "n/a" : `${Math.round((a / b) * 1000) / 10}%`);
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");

function summaryLines(t) {
  return [
    `cases: ${t.cases} (problems ${t.problem}, healthy ${t.healthy}, not covered ${t.notCovered}${t.errors ? `, errors ${t.errors}` : ""})`,
    `problems: HIT ${t.hit} (${pct(t.hit, t.problem)}), PARTIAL ${t.partial} (${pct(t.partial, t.problem)}), MISS ${t.miss} (${pct(t.miss, t.problem)})`,
    `false alarms: ${t.healthyAlarms} of ${t.healthy} healthy cases; ${t.alarms} cases in all with a wrong warning or worse`,
    `exact counts: ${t.exact} of ${t.countable} countable cases (${pct(t.exact, t.countable)})`,
  ];
}

function markdown(scored, cases, t, baseline, meta) {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const base = baseline ? new Map(baseline.scores.map((s) => [s.id, s])) : undefined;
  const bt = baseline ? totals(baseline.scores.filter((s) => byId.has(s.id)), cases) : undefined;
  const L = [];
  L.push("# Accuracy on the field corpus", "");
  L.push(`Generated by \`npm run accuracy\` on ${meta.date} (tcpdoc ${meta.version}, commit ${meta.commit}).`);
  L.push("The corpus and the verdicts are described in [test/field/README.md](../test/field/README.md):");
  L.push("every case is a real paste from a public thread, with what an experienced");
  L.push("engineer concludes from it, written before tcpdoc's answer was looked at.", "");
  L.push("## Summary", "");
  if (bt) {
    L.push(`| measure | baseline (${baseline.date}, ${baseline.commit}) | now |`, "|---|---|---|");
    L.push(`| problem cases HIT | ${bt.hit} of ${bt.problem} (${pct(bt.hit, bt.problem)}) | ${t.hit} of ${t.problem} (${pct(t.hit, t.problem)}) |`);
    L.push(`| problem cases PARTIAL | ${bt.partial} | ${t.partial} |`);
    L.push(`| problem cases MISS | ${bt.miss} | ${t.miss} |`);
    L.push(`| healthy cases with a false alarm | ${bt.healthyAlarms} of ${bt.healthy} | ${t.healthyAlarms} of ${t.healthy} |`);
    L.push(`| cases with a wrong warning or worse | ${bt.alarms} | ${t.alarms} |`);
    L.push(`| exact state counts | ${bt.exact} of ${bt.countable} (${pct(bt.exact, bt.countable)}) | ${t.exact} of ${t.countable} (${pct(t.exact, t.countable)}) |`);
    L.push(`| not covered by any rule | ${bt.notCovered} | ${t.notCovered} |`);
  } else {
    for (const l of summaryLines(t)) L.push(`- ${l}`);
  }
  L.push("", "## By rule", "", "| expected rule | cases | HIT | PARTIAL | MISS |", "|---|---|---|---|---|");
  for (const [rule, r] of Object.entries(t.rules).sort()) L.push(`| \`${rule}\` | ${r.cases} | ${r.hit} | ${r.partial} | ${r.miss} |`);
  const count = (key) => {
    const m = new Map();
    for (const c of cases) for (const v of [].concat(c[key])) m.set(v, (m.get(v) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  };
  L.push("", "## The corpus", "");
  L.push(`- systems: ${count("os")}`, `- shapes: ${count("shape")}`, `- languages: ${count("language")}`, `- sources: ${count("kind")}`);
  L.push("", "## Every case", "");
  L.push(`| case | system | shape | expected | verdict | ${base ? "baseline | " : ""}counts | findings (warning or worse first) |`);
  L.push(`|---|---|---|---|---|${base ? "---|" : ""}---|---|`);
  for (const s of scored) {
    const c = byId.get(s.id);
    const exp = c.expert.diagnosis === "healthy" ? "healthy" : `${c.expert.diagnosis} (${c.expert.severity})`;
    const verdict = s.verdict + (s.falseAlarms?.length ? `, false alarm: ${s.falseAlarms.join(", ")}` : "");
    const b = base?.get(s.id);
    const bcell = base ? `${b ? b.verdict + (b.falseAlarms?.length ? ", FA" : "") : "new"} | ` : "";
    const counts = s.counts === undefined ? "-" : s.counts === "exact" ? "exact" : "differ";
    L.push(`| [${s.id}](../test/field/cases/${s.id}/case.yaml) | ${c.os} | ${[].concat(c.shape).join(", ")} | ${cell(exp)} | ${cell(verdict)} | ${bcell}${counts} | ${cell((s.got ?? []).join(", ") || "none")} |`);
  }
  L.push("");
  return L.join("\n");
}

/** The commit of the tcpdoc being scored (the checkout its bin/ lives in), or "unknown". */
function gitCommit() {
  try {
    return execFileSync("git", ["-C", path.dirname(bin), "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown"; // not a git checkout (a tarball, an installed package)
  }
}

async function main(argv) {
  const flag = (f) => argv.includes(f);
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--case") only.push(argv[++i]);
    else if (argv[i] === "--tcpdoc") bin = path.resolve(argv[++i]);
  }
  const { cases: all, errors } = readCorpus();
  if (errors.length) {
    for (const e of errors) process.stderr.write(`accuracy: ${e}\n`);
    return 2;
  }
  if (!fs.existsSync(bin)) {
    process.stderr.write("accuracy: bin/tcpdoc.js needs the bundle: run npm install (or npm run build) first\n");
    return 2;
  }
  const cases = only.length ? all.filter((c) => only.includes(c.id)) : all;
  for (const id of only) if (!all.some((c) => c.id === id)) process.stderr.write(`accuracy: no case "${id}"\n`);
  const tty = process.stderr.isTTY;
  const scored = await pool(cases, Math.max(1, Math.min(4, os.availableParallelism?.() ?? 2)), async (c) => {
    const r = await analyze(c);
    if (r.error) return { id: c.id, verdict: "ERROR", error: r.error, falseAlarms: [] };
    const s = score(c, r.report);
    if (r.refused) {
      s.refused = r.refused;
      s.got = ["(input refused: exit 2)"];
    }
    return s;
  }, tty ? (d, n) => process.stderr.write(`\rscoring ${d}/${n}`) : undefined);
  if (tty) process.stderr.write("\r\x1b[K");
  const t = totals(scored, cases);
  for (const s of scored) if (s.verdict === "ERROR") process.stderr.write(`accuracy: ${s.id}: tcpdoc failed: ${s.error}\n`);
  const meta = { date: new Date().toISOString().slice(0, 10), version: JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version, commit: gitCommit() };
  if (flag("--json")) {
    process.stdout.write(JSON.stringify({ ...meta, totals: t, scores: scored }, null, 2) + "\n");
  } else if (only.length) {
    for (const s of scored) {
      process.stdout.write(`${s.id}: ${s.verdict}${s.falseAlarms.length ? ` (false alarm: ${s.falseAlarms.join(", ")})` : ""}; counts ${s.counts ?? "-"}; findings ${(s.got ?? []).join(", ") || "none"}${s.refused ? `; refused: ${s.refused}` : ""}${s.error ? `; ${s.error}` : ""}\n`);
    }
  } else {
    process.stdout.write(summaryLines(t).join("\n") + "\n");
  }
  if (flag("--baseline") && !only.length) {
    fs.writeFileSync(baselineFile, JSON.stringify({ ...meta, scores: scored.map(({ id, verdict, falseAlarms, counts }) => ({ id, verdict, falseAlarms, counts })) }, null, 1) + "\n");
    process.stdout.write(`baseline written to ${path.relative(root, baselineFile)}\n`);
  }
  if (!flag("--check") && !flag("--json") && !only.length) {
    const baseline = fs.existsSync(baselineFile) ? JSON.parse(fs.readFileSync(baselineFile, "utf8")) : undefined;
    fs.writeFileSync(reportFile, markdown(scored, cases, t, baseline, meta));
    process.stdout.write(`wrote ${path.relative(root, reportFile)}\n`);
  }
  return t.errors ? 2 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
