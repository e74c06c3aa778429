// Bundles the CLI into dist/ for the installed command: one file per entry,
// the ink UI split into a chunk that loads only for interactive sessions.
import { build } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

const result = await build({
  absWorkingDir: root,
  entryPoints: { tcpdoc: "src/cli/entry.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  jsx: "automatic",
  logLevel: "warning",
  // ink imports react-devtools-core only when DEV is set; keep it out of the bundle.
  alias: { "react-devtools-core": "./scripts/devtools-stub.mjs" },
  define: { "process.env.NODE_ENV": '"production"' },
  banner: { js: "import { createRequire as __tcpdocRequire } from 'node:module'; const require = __tcpdocRequire(import.meta.url);" },
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
