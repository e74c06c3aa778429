#!/usr/bin/env node
// The installed command: runs the bundle that `npm install` builds (scripts/build.mjs).
try {
  await import("../dist/tcpdoc.js");
} catch (e) {
  // Installed with --ignore-scripts, or dist/ removed: say what to run, not a stack trace.
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("dist/tcpdoc.js")) throw e;
  process.stderr.write("tcpdoc: the bundle dist/tcpdoc.js is missing: run 'npm run build' in the tcpdoc package\n");
  process.exit(2);
}
