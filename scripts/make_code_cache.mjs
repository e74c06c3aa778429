// Makes dist/tcpdoc.js's code cache (scripts/build.mjs): runs tcpdoc on the
// arguments given, as bin/tcpdoc.js would, and on exit writes the bytecode
// V8 compiled meanwhile beside the script.
import { runBundle } from "../bin/bundle.js";

await runBundle(process.argv.slice(2), { makeCache: true });
