// Bundles the CLI into dist/ for the installed command (bin/tcpdoc.js):
//   tcpdoc.js            tcpdoc's own code and the packages it uses, but ink and
//                        React, as one script: a function bin/bundle.js compiles
//                        with V8's code cache (below), so a start parses little
//   tcpdoc-ID.cache      that code cache, made here by one analysis of a shipped
//                        sample (ID: the script's digest, on its first line)
//   ui-vendor.js         ink and React, an ES module loaded only for interactive
//                        sessions (src/ui/load.ts is replaced to load it first)
//   *-worker.js          the helper threads' modules
//   builtin-rules.json   the built-in rules compiled, for runs of the sources
//                        (Deno, tsx): src/engine/format/compiled.ts
// Node 20 has no code cache for ES modules (its compile cache came in 22.1).
//
//   node scripts/build.mjs [--no-minify]   (--no-minify: readable names in a --cpu-prof profile)
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUNDLE_OPTIONS, compileBuiltinRules, ROOT as root } from "./bundle_config.mjs";

const dist = path.join(root, "dist");
const define = { "process.env.NODE_ENV": '"production"' };
// The sample whose analysis compiles the functions the cache keeps: a finding,
// so the report's code runs too; the builder's own config and rules stay out.
const TRAINING = ["analyze", "samples/linux/close-wait-leak/ss-tan.txt", "--json", "--no-config", "--no-user-rules"];

const { rules: compiledRules, built: builtRules, builtFile } = await compileBuiltinRules();
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

// What ui-vendor.js exports, by the specifier tcpdoc's UI imports it as.
const VENDOR = { ink: "ink", react: "react", "react/jsx-runtime": "jsxRuntime" };

/**
 * In the script, ink and React come from ui-vendor.js (an ES module: ink
 * awaits at its top level, which a script cannot): loadUi() imports it into
 * a holder before the UI's modules run, and each of the three specifiers
 * is a module that hands out the holder's copy.
 */
const uiVendorPlugin = {
  name: "tcpdoc-ui-vendor",
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(VENDOR).map((s) => s.replace("/", "\\/")).join("|")}|tcpdoc:ui-holder)$`);
    b.onResolve({ filter }, (a) => ({ path: a.path, namespace: "tcpdoc-ui" }));
    b.onLoad({ filter: /.*/, namespace: "tcpdoc-ui" }, (a) => ({
      contents: a.path === "tcpdoc:ui-holder"
        ? "module.exports = { vendor: undefined };"
        : `const { vendor } = require("tcpdoc:ui-holder");\n` +
          `if (!vendor) throw new Error("tcpdoc: the UI ran before ui-vendor.js loaded");\n` +
          `module.exports = vendor[${JSON.stringify(VENDOR[a.path])}];`,
      loader: "js",
    }));
    b.onLoad({ filter: /[\\/]src[\\/]ui[\\/]load\.ts$/ }, () => ({
      contents: 'import holder from "tcpdoc:ui-holder";\n' +
        "export async function loadUi() {\n" +
        '  holder.vendor ??= await __tcpdocImport(new URL("./ui-vendor.js", __tcpdocUrl).href);\n' +
        '  return await import("./run.tsx");\n' +
        "}\n",
      loader: "js",
      resolveDir: path.join(root, "src", "ui"),
    }));
  },
};

// The script: a function of (module, exports, require, the script's URL,
// bin/bundle.js's import()), strict as the ES modules it is made of; minified
// (a third less to read at each start; tcpdoc never shows a stack trace)
// unless the build is asked not to.
const main = await build({
  ...BUNDLE_OPTIONS,
  entryPoints: ["src/cli/process_main.ts"],
  format: "cjs",
  minify: !process.argv.includes("--no-minify"),
  write: false,
  outfile: path.join(dist, "tcpdoc.js"),
  jsx: "automatic",
  define: { ...define, "import.meta.url": "__tcpdocUrl" },
  banner: { js: '(function (module, exports, require, __tcpdocUrl, __tcpdocImport) {\n"use strict";' },
  footer: { js: "})" },
  plugins: [builtinRulesPlugin, uiVendorPlugin],
});
// ASCII only, so a start reads it as one byte a character: esbuild escapes
// other characters in strings but not in regular expressions or comments, and
// a \uXXXX escape means the same there (only a tagged template's raw text
// would differ, and none holds such a character).
const script = main.outputFiles[0].text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const id = createHash("sha256").update(script).digest("hex").slice(0, 16);

const others = await build({
  ...BUNDLE_OPTIONS,
  entryPoints: { "ui-vendor": "scripts/ui_vendor.mjs", "read-ahead-worker": "src/sources/read_ahead_worker.ts", "fleet-worker": "src/cli/fleet_worker.ts" },
  outdir: dist,
  define,
  plugins: [builtinRulesPlugin],
  metafile: true,
});

fs.writeFileSync(path.join(root, builtFile), builtRules);

// The script last (and the files earlier builds left removed after it): a
// running tcpdoc never finds a script without the modules it loads.
fs.writeFileSync(path.join(dist, "tcpdoc.js"), `// tcpdoc bundle ${id}: run by bin/bundle.js, not an ES module\n${script}`);
const outputs = new Set([...Object.keys(others.metafile.outputs).map((f) => path.resolve(root, f)), path.join(dist, "tcpdoc.js")]);
for (const f of fs.readdirSync(dist)) {
  const full = path.join(dist, f);
  if ((f.endsWith(".js") && !outputs.has(full)) || f.endsWith(".cache")) fs.rmSync(full, { force: true });
}

// The code cache: V8 keeps the bytecode of every function the training run
// compiled. It belongs to this Node (V8 refuses it under another version or
// flags, and bin/bundle.js then compiles as without one). Without it tcpdoc
// works the same, only starts slower: a failure here is a warning.
const train = spawnSync(process.execPath, [path.join(root, "scripts", "make_code_cache.mjs"), ...TRAINING], { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
if (!fs.existsSync(path.join(dist, `tcpdoc-${id}.cache`))) {
  process.stderr.write(`build: no code cache made (tcpdoc starts slower): ${(train.stderr || `exit ${train.status}`).trim().split("\n")[0]}\n`);
}
