/** Process entry for the sources (Deno, tsx): runs main() on the command line's arguments. */

import process from "node:process";
import { runProcess } from "./process_main.ts";

await runProcess(process.argv.slice(2));
