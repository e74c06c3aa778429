// docs/deno-permissions.md: every command in its sh blocks runs under Deno
// with exactly the permissions it lists, and one permission less is one
// line naming the flag to add.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { env, ROOT, SAMPLE } from "./_run.ts";
import { tempDir } from "../_temp.ts";

const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const DOC = fs.readFileSync(path.join(ROOT, "docs", "deno-permissions.md"), "utf8");
const COMMANDS = [...DOC.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")).filter((l) => l.startsWith("deno run "));

const HOME = tempDir("tcpdoc-deno-home-");
const CONFIG = path.join(HOME, "tcpdoc");
fs.mkdirSync(path.join(CONFIG, "rules"), { recursive: true });
fs.writeFileSync(path.join(CONFIG, "config.yaml"), "min-severity: info\n");

/** The doc's command with its placeholders filled in, as argv for deno. */
function argv(line: string, outdir: string): string[] {
  const fill = (w: string) =>
    w.replace(/\bTCPDOC\b/g, ROOT).replace(/\bCONFIG\b/g, CONFIG).replace(/\bOUTDIR\b/g, outdir)
      .replace(/\bDUMP\b/g, path.join(ROOT, SAMPLE)).replace(/\bRULES\b/g, path.join(ROOT, "rules", "close-wait-leak.yaml"));
  return line.split(/\s+/).slice(1).map(fill);
}

function run(args: string[]) {
  // Not in the package directory: nothing may work only because of the working directory.
  return spawnSync(DENO, args, { cwd: HOME, encoding: "utf8", env: env({ XDG_CONFIG_HOME: HOME, HOME }), timeout: 120_000 });
}

const live = (line: string) => / analyze --no-owners$| snapshot /.test(line);

describe("docs/deno-permissions.md", { skip: fs.existsSync(DENO) ? false : "no deno in node_modules" }, () => {
  it("lists commands to run", () => assert.ok(COMMANDS.length >= 8, COMMANDS.join("\n")));
  for (const line of COMMANDS) {
    const skip = live(line) && process.platform !== "linux" ? "a live snapshot from /proc" : false;
    it(`works as documented: ${line.replace(/ --allow-env=\S+/, " --allow-env=...").slice(0, 140)}`, { skip }, () => {
      const r = run(argv(line, tempDir()));
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
      assert.equal(r.stderr, "");
    });
  }
  it("without one of the permissions, says in one line which flag to add", () => {
    const line = COMMANDS.find((l) => l.includes(" analyze DUMP") && l.includes("CONFIG"))!;
    const full = argv(line, tempDir());
    const cases: [string[], RegExp][] = [
      [full.filter((a) => !a.startsWith("--allow-env")), /run again with --allow-env=/],
      [full.map((a) => (a.startsWith("--allow-read=") ? a.replace(`,${CONFIG}`, "") : a)), new RegExp(`run again with --allow-read=${CONFIG}`)],
      [full.map((a) => (a.startsWith("--allow-read=") ? a.replace(`${path.join(ROOT, SAMPLE)},`, "") : a)), /run again with --allow-read=\S*ss-tanp\.txt/],
      [[...full, "-o", path.join(HOME, "r.txt")], new RegExp(`run again with --allow-read=${HOME} --allow-write=${HOME}`)],
    ];
    for (const [args, pattern] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /internal error/);
    }
  });
});
