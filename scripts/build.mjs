// Bundles the CLI into dist/ for the installed command: one file per entry,
// the ink UI split into a chunk that loads only for interactive sessions.
import { build } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUNDLE_OPTIONS, compileBuiltinRules, ROOT as root } from "./bundle_config.mjs";

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
  ...BUNDLE_OPTIONS,
  entryPoints: { tcpdoc: "src/cli/entry.ts", "read-ahead-worker": "src/sources/read_ahead_worker.ts", "fleet-worker": "src/cli/fleet_worker.ts" },
  outdir: "dist",
  splitting: true,
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
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
