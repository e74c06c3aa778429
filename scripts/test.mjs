// `npm test` after the typecheck and the build: every test file under Deno,
// then under Node, both with TAP, of which only what matters is printed:
// each failing test with its diagnostics (and what the file printed before
// it), each skipped test with its reason, and a count per runtime. The last
// line sums both runs up. `npm run test:node` and `npm run test:deno` print
// everything; TCPDOC_TEST_FILES="test/a.test.ts test/b.test.ts" runs only those.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const deno = path.join(root, "node_modules", ".bin", "deno");

/** Test files under test/, as `find test -name '*.test.ts'` lists them, sorted. */
function testFiles(dir = path.join(root, "test")) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "fixtures") out.push(...testFiles(p));
    } else if (e.name.endsWith(".test.ts")) out.push(path.relative(root, p));
  }
  return out.sort();
}

const ONLY = process.env.TCPDOC_TEST_FILES?.split(/\s+/).filter(Boolean);

const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

/**
 * Runs a command that prints TAP and prints only failures (with their
 * diagnostics), skips and todos; resolves with the exit code and the
 * counts of leaf tests (a suite's result line follows its plan line).
 */
function runTap(cmd, args) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const names = []; // subtest names by depth
  let block; // indent of the diagnostics block being printed
  let previous = "";
  let comments = []; // what the files printed since the last result
  const onLine = (raw) => {
    const l = plain(raw);
    const indent = /^ */.exec(l)[0].length;
    if (block !== undefined) {
      // Deno writes a failure's diagnostics as one JSON line
      const json = /^\s*\{"message":/.test(l) ? JSON.parse(l.trim()).message : undefined;
      console.log(json === undefined ? l : plain(json).replace(/^/gm, " ".repeat(indent)));
      if (l === `${" ".repeat(block)}  ...`) block = undefined;
      return;
    }
    const sub = /^ *# Subtest: (.*)$/.exec(l);
    const result = /^ *(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)\b ?(.*))?$/.exec(l);
    if (sub) names.splice(indent / 4, Infinity, sub[1]);
    else if (result) {
      const depth = indent / 4;
      const leaf = !/^ *1\.\.\d+$/.test(previous) || /^ */.exec(previous)[0].length <= indent;
      const where = [...names.slice(0, depth).filter((n, i) => i < depth), result[2]].join(" > ");
      if (result[3] === "SKIP") {
        if (leaf) counts.skipped++;
        console.log(`skipped: ${where}${result[4] ? `: ${result[4]}` : ""}`);
      } else if (result[3] === "TODO") {
        if (leaf) counts.todo++;
        console.log(`todo: ${where}${result[4] ? `: ${result[4]}` : ""}`);
      } else if (result[1] === "not ok") {
        if (leaf) counts.failed++;
        for (const c of comments) console.log(c);
        console.log(`not ok: ${where}`);
        block = indent;
      } else if (leaf) counts.passed++;
      comments = [];
    } else if (/^# /.test(l) && !/^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(l) && !/^# \.\//.test(l)) {
      comments.push(l);
    }
    if (l.trim() !== "") previous = l;
  };
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    createInterface({ input: child.stdout }).on("line", onLine);
    // stderr: what a runtime says outside TAP (Deno's closing "error: Test failed" among it)
    createInterface({ input: child.stderr }).on("line", (l) => {
      if (!/^(error: Test failed|Stack backtrace:|\s+\d+: <unknown>)$/.test(plain(l))) console.error(l);
    });
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), counts }));
  });
}

const words = (c) => `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ""}${c.todo ? `, ${c.todo} todo` : ""}`;

console.log("== Deno");
const d = await runTap(deno, ["test", "-A", "--no-check", "--reporter=tap", ...(ONLY ?? ["test/"])]);
console.log(`Deno: ${words(d.counts)}`);
console.log("\n== Node");
const n = await runTap(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", ...(ONLY ?? testFiles())]);
console.log(`Node: ${words(n.counts)}`);
const ok = d.code === 0 && n.code === 0;
console.log(`\ntests ${ok ? "passed" : "FAILED"}: Deno ${words(d.counts)}${d.code ? ` (exit ${d.code})` : ""}; Node ${words(n.counts)}${n.code ? ` (exit ${n.code})` : ""}`);
process.exit(ok ? 0 : 1);
