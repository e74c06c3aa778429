// Temporary directories for tests, removed when the test process ends.
// Node's test runner runs each file in a process of its own and emits
// "exit" there; Deno's runs every file in one process and emits no "exit",
// only the global "unload" event. Listening for both leaves nothing behind
// under either runtime.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

function removeAll(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

process.on("exit", removeAll);
(globalThis as { addEventListener?: (type: string, listener: () => void) => void }).addEventListener?.("unload", removeAll);

/** A fresh directory under the system's temporary directory, named `prefix` and six random characters. */
export function tempDir(prefix = "tcpdoc-test-"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
