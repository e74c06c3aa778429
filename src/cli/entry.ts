/** Process entry: runs main() and exits with its code (explicitly: ink can keep Deno waiting). */

import process from "node:process";
import { main } from "./main.ts";

process.exit(await main(process.argv.slice(2)));
