// Runs the bundle scripts/build.mjs made: dist/tcpdoc.js is one script, a
// function, compiled here with the code cache the build made beside it
// (dist/tcpdoc-ID.cache, ID from the script's first line) when there is one.
// V8 checks that a cache fits its version and flags and compiles as without
// one when it does not; the ID ties the cache to the script it was made for.
//
// CommonJS (bin/package.json), as is bin/tcpdoc.js: Node reaches a CommonJS
// entry's first line some 10 ms sooner than an ES module's, whose loader it
// sets up first (bench/README.md,
// "Warm pages, and a CommonJS launcher").
"use strict";

const fs = require("node:fs");
const { createRequire } = require("node:module");
const path = require("node:path");
const { fileURLToPath, pathToFileURL } = require("node:url");
const vm = require("node:vm");

const SCRIPT = pathToFileURL(path.join(__dirname, "..", "dist", "tcpdoc.js"));

/**
 * Compiles dist/tcpdoc.js, with its code cache unless `makeCache` (the
 * build's run, which makes one). Returns the script, the cache's URL
 * (undefined for a script without an ID) and whether a cache was given.
 */
function compileBundle({ makeCache = false } = {}) {
  // ASCII (scripts/build.mjs), read as one byte a character: no decoding, a compact string
  const text = fs.readFileSync(SCRIPT, "latin1");
  const id = /^\/\/ tcpdoc bundle ([0-9a-f]+)/.exec(text)?.[1];
  const cache = id ? new URL(`tcpdoc-${id}.cache`, SCRIPT) : undefined;
  let cachedData;
  if (cache && !makeCache) {
    try {
      cachedData = fs.readFileSync(cache);
    } catch {
      // none made (or removed): compile
    }
  }
  const script = new vm.Script(text, { filename: fileURLToPath(SCRIPT), cachedData });
  return { script, cache, cached: cachedData !== undefined };
}

/**
 * Runs tcpdoc on `argv` (src/cli/process_main.ts; it exits the process).
 * `makeCache`: compile without a cache and write one at exit (the build).
 */
async function runBundle(argv, { makeCache = false } = {}) {
  const { script, cache } = compileBundle({ makeCache });
  const module = { exports: {} };
  // The script's import() is this module's: a script compiled by node:vm has none on Node 20 without an experimental flag.
  script.runInThisContext()(module, module.exports, createRequire(SCRIPT), SCRIPT.href, (url) => import(url));
  if (makeCache && cache) process.on("exit", () => fs.writeFileSync(cache, script.createCachedData()));
  return await module.exports.runProcess(argv);
}

module.exports = { SCRIPT, compileBundle, runBundle };
