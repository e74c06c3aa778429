// Bundles the CLI into dist/ for the installed command: one file per entry,
// the ink UI split into a chunk that loads only for interactive sessions.
import { build } from "esbuild";
import { isDeepStrictEqual } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const banner = { js: "import { createRequire as __tcpdocRequire } from 'node:module'; const require = __tcpdocRequire(import.meta.url);" };

// The built-in rules, validated by the engine's own code (bundled on the fly
// from the sources) and compiled to JSON: the installed command then starts
// without parsing YAML. A rule that does not validate fails the build.
async function compileBuiltinRules() {
  const tool = await build({
    absWorkingDir: root,
    stdin: { contents: 'export { compileRuleDir } from "./src/engine/mod.ts"; export { ruleFiles } from "./src/sources/rule_files.ts";', resolveDir: root, loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    write: false,
    logLevel: "warning",
    banner,
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-build-"));
  try {
    const file = path.join(tmp, "compile-rules.mjs");
    fs.writeFileSync(file, tool.outputFiles[0].text);
    const { compileRuleDir, ruleFiles } = await import(pathToFileURL(file).href);
    const compiled = await compileRuleDir(path.join(root, "rules"), ruleFiles);
    const text = JSON.stringify(compiled);
    // JSON must carry the rules exactly (no Infinity, NaN or undefined lost on the way)
    if (!isDeepStrictEqual(JSON.parse(text), compiled)) throw new Error("built-in rules do not survive a JSON round trip");
    return text;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const compiledRules = await compileBuiltinRules();
/** Replaces src/engine/builtin_rules.ts in the bundle with the compiled rules. */
const builtinRulesPlugin = {
  name: "tcpdoc-builtin-rules",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]engine[\\/]builtin_rules\.ts$/ }, () => ({
      contents: `export const COMPILED_BUILTIN_RULES = ${JSON.stringify(compiledRules)};\n`,
      loader: "js",
    }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { tcpdoc: "src/cli/entry.ts", "read-ahead-worker": "src/sources/read_ahead_worker.ts", "fleet-worker": "src/cli/fleet_worker.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  jsx: "automatic",
  logLevel: "warning",
  // ink imports react-devtools-core only when DEV is set, and json-rules-engine
  // needs jsonpath-plus only without a pathResolver: keep both out of the bundle.
  alias: { "react-devtools-core": "./scripts/devtools-stub.mjs", "jsonpath-plus": "./scripts/jsonpath-stub.mjs" },
  define: { "process.env.NODE_ENV": '"production"' },
  banner,
  plugins: [builtinRulesPlugin],
  metafile: true,
});

// Chunk names carry a content hash: remove the chunks earlier builds left behind
// (after writing the new ones, so a running tcpdoc never misses a file).
const outputs = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f)));
const dist = path.join(root, "dist");
for (const f of fs.readdirSync(dist)) {
  const full = path.join(dist, f);
  if (f.endsWith(".js") && !outputs.has(full)) fs.rmSync(full, { force: true });
}
