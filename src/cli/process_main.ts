/**
 * The process around main(): runs it on the arguments and exits with its
 * code (explicitly: ink can keep Deno waiting). src/cli/entry.ts calls it
 * for the sources; the installed bundle calls it from bin/bundle.js.
 */

import process from "node:process";
import { main } from "./main.ts";
import { exitCodeOnClosedStdout } from "./output.ts";

export async function runProcess(argv: string[]): Promise<never> {
  // A reader that stops early (`tcpdoc analyze big.txt | head`) closes the pipe:
  // stop quietly, as cat and grep do, instead of dying on EPIPE with a stack
  // trace, and with the exit code of what was being written (the findings'),
  // so `tcpdoc analyze ... | head; echo ${PIPESTATUS[0]}` still tells.
  for (const s of [process.stdout, process.stderr]) {
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(exitCodeOnClosedStdout());
      throw e;
    });
  }
  const code = await main(argv);
  // process.exit() drops output still queued for a pipe (Node writes to pipes
  // asynchronously: `tcpdoc analyze big.txt --json | jq` lost all but 64 KiB):
  // wait until stdout and stderr have taken everything first.
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((done) => s.write("", () => done()))));
  process.exit(code);
}
