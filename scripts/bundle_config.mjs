// What every bundle of tcpdoc's code shares: the installed command's
// (scripts/build.mjs) and the benchmark's (bench/run.mjs, bench/rules_eval.mjs).
import { build } from "esbuild";
import { isDeepStrictEqual } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The package's root directory. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Gives each ES module chunk a `require` for the CommonJS packages bundled into it. */
export const BANNER = { js: "import { createRequire as __tcpdocRequire } from 'node:module'; const require = __tcpdocRequire(import.meta.url);" };

/**
 * ink imports react-devtools-core only when DEV is set, and json-rules-engine
 * needs jsonpath-plus only without a pathResolver: keep both out of the bundle.
 */
export const ALIAS = { "react-devtools-core": "./scripts/devtools-stub.mjs", "jsonpath-plus": "./scripts/jsonpath-stub.mjs" };

/** The esbuild options of every bundle of tcpdoc's code, for Node 20 as ES modules. */
export const BUNDLE_OPTIONS = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  alias: ALIAS,
  banner: BANNER,
};

/**
 * The built-in rules, validated by the engine's own code (bundled on the fly
 * from the sources) and compiled to JSON text: the installed command then
 * starts without parsing YAML. A rule that does not validate throws.
 * Returns that text (`rules`, for the bundle), the text of the file left
 * for runs of the sources (`built`: the rules and the fingerprints of the
 * files that compiled them, src/engine/format/compiled.ts BuiltRules) and
 * its path in the package (`builtFile`).
 */
export async function compileBuiltinRules() {
  const tool = await build({
    ...BUNDLE_OPTIONS,
    stdin: {
      contents: 'export { compileRuleDir, textFingerprint, BUILT_RULES_FILE, MAX_BUILT_BYTES } from "./src/engine/mod.ts"; export { ruleFiles } from "./src/sources/rule_files.ts";',
      resolveDir: ROOT,
      loader: "ts",
    },
    write: false,
    metafile: true,
  });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-build-"));
  try {
    const file = path.join(tmp, "compile-rules.mjs");
    fs.writeFileSync(file, tool.outputFiles[0].text);
    const { compileRuleDir, ruleFiles, textFingerprint, BUILT_RULES_FILE, MAX_BUILT_BYTES } = await import(pathToFileURL(file).href);
    const compiled = await compileRuleDir(path.join(ROOT, "rules"), ruleFiles);
    const text = JSON.stringify(compiled);
    // JSON must carry the rules exactly (no Infinity, NaN or undefined lost on the way)
    if (!isDeepStrictEqual(JSON.parse(text), compiled)) throw new Error("built-in rules do not survive a JSON round trip");
    const compiler = compilerFiles(tool.metafile).map((name) => {
      const r = ruleFiles.read(path.join(ROOT, name), MAX_BUILT_BYTES);
      if (!("text" in r)) throw new Error(`${name}: ${r.error}`);
      return [name, textFingerprint(r.text)];
    });
    return { rules: text, built: JSON.stringify({ compiler, rules: compiled }), builtFile: BUILT_RULES_FILE };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The files whose code compiled the rules, from the compiling bundle's
 * metafile, package-relative with / between names: each module that put
 * code in it, and for an npm package's modules its package.json (the
 * version there changes whenever they do).
 */
function compilerFiles(metafile) {
  const names = new Set();
  for (const out of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      if (bytesInOutput === 0 || input === "<stdin>") continue;
      const pkg = /^(.*?node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      names.add(pkg ? `${pkg[1]}/package.json` : input);
    }
  }
  return [...names].sort();
}
