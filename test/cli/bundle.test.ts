// The installed bundle (scripts/build.mjs, bin/bundle.js): dist/tcpdoc.js is
// one ASCII script compiled with the code cache the build made for it, and
// a missing or unusable cache costs time, never a different answer. Runs
// Node on the bundle `npm test` builds, under either runtime.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../_temp.ts";
import { env, NODE, ROOT, SAMPLE } from "./_run.ts";

const DIST = path.join(ROOT, "dist");
const built = fs.existsSync(path.join(DIST, "tcpdoc.js"));
const skip = built ? false : "dist/ is not built: npm run build";

/** What compileBundle() reports of the script and its cache, in a Node process of its own. */
function compiled(root: string): { cached: boolean; rejected: boolean; cache: string | null } {
  const code = `import { compileBundle } from ${JSON.stringify(new URL(`file://${path.join(root, "bin", "bundle.js")}`).href)};
const c = compileBundle();
console.log(JSON.stringify({ cached: c.cached, rejected: c.script.cachedDataRejected === true, cache: c.cache ? c.cache.pathname : null }));`;
  const r = spawnSync(NODE, ["--input-type=module", "-e", code], { encoding: "utf8", env: env() });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** An installed copy of the package's bin/ and dist/ (rules/ linked), with `cache` done to its code cache. */
function copyInstall(cache: "removed" | "garbage"): string {
  const dir = tempDir("tcpdoc-install-");
  fs.cpSync(path.join(ROOT, "bin"), path.join(dir, "bin"), { recursive: true });
  fs.cpSync(DIST, path.join(dir, "dist"), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(ROOT, "rules"), path.join(dir, "rules"));
  for (const f of fs.readdirSync(path.join(dir, "dist")).filter((f) => f.endsWith(".cache"))) {
    const p = path.join(dir, "dist", f);
    if (cache === "removed") fs.rmSync(p);
    else fs.writeFileSync(p, new Uint8Array(fs.statSync(p).size).fill(0x5a));
  }
  return dir;
}

/** `tcpdoc analyze SAMPLE --json` of the install at `root`, its own path (the rules' sources) written ROOT. */
function report(root: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(NODE, [path.join(root, "bin", "tcpdoc.js"), "analyze", SAMPLE, "--json"], { cwd: ROOT, encoding: "utf8", env: env() });
  return { status: r.status, out: r.stdout.split(root).join("ROOT"), err: r.stderr };
}

describe("the installed bundle", { skip }, () => {
  it("is ASCII, so bin/bundle.js reads it as latin1 without changing a character", () => {
    const bytes = fs.readFileSync(path.join(DIST, "tcpdoc.js"));
    const at = bytes.findIndex((b) => b > 0x7f);
    assert.equal(at, -1, `a byte over 0x7f at offset ${at}`);
  });

  it("is compiled with the code cache the build made for it, and V8 takes that cache", () => {
    const c = compiled(ROOT);
    assert.ok(c.cache && /tcpdoc-[0-9a-f]{16}\.cache$/.test(c.cache), `cache ${c.cache}`);
    assert.ok(c.cached, "the build made no code cache for this script");
    assert.equal(c.rejected, false, "V8 refused the cache the build made");
  });

  it("gives the same report without its code cache, and with one V8 refuses", () => {
    const want = report(ROOT);
    assert.equal(want.status, 1, want.err);
    for (const how of ["removed", "garbage"] as const) {
      const dir = copyInstall(how);
      const c = compiled(dir);
      assert.equal(c.cached, how === "garbage", how);
      assert.equal(c.rejected, how === "garbage", `${how}: V8 took a cache of garbage`);
      const got = report(dir);
      assert.equal(got.status, want.status, `${how}: ${got.err}`);
      assert.equal(got.err, "", how);
      assert.equal(got.out, want.out, how);
    }
  });

  it("says what to run, in one line and with exit 2, when dist/ is missing", () => {
    const dir = copyInstall("removed");
    fs.rmSync(path.join(dir, "dist"), { recursive: true });
    const r = spawnSync(NODE, [path.join(dir, "bin", "tcpdoc.js"), "analyze", SAMPLE], { cwd: ROOT, encoding: "utf8", env: env() });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, "tcpdoc: the bundle dist/tcpdoc.js is missing: run 'npm run build' in the tcpdoc package\n");
  });
});
