#!/usr/bin/env node
// The installed command: runs the bundle that `npm install` builds
// (scripts/build.mjs). CommonJS, as bin/bundle.js says why.
"use strict";

const fs = require("node:fs");
const { runBundle, SCRIPT } = require("./bundle.js");

// Installed with --ignore-scripts, or dist/ removed: say what to run, not a stack trace.
if (!fs.existsSync(SCRIPT)) {
  process.stderr.write("tcpdoc: the bundle dist/tcpdoc.js is missing: run 'npm run build' in the tcpdoc package\n");
  process.exit(2);
}
void runBundle(process.argv.slice(2));
