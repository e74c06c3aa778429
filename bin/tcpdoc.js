#!/usr/bin/env node
// The installed command: runs the bundle that `npm install` builds (scripts/build.mjs).
import * as fs from "node:fs";
import { runBundle, SCRIPT } from "./bundle.js";

// Installed with --ignore-scripts, or dist/ removed: say what to run, not a stack trace.
if (!fs.existsSync(SCRIPT)) {
  process.stderr.write("tcpdoc: the bundle dist/tcpdoc.js is missing: run 'npm run build' in the tcpdoc package\n");
  process.exit(2);
}
await runBundle(process.argv.slice(2));
