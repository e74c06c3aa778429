/** `tcpdoc explain [STATE|RULE-ID]`: a TCP state with the state diagram, a rule in full, or the list of states. */

import process from "node:process";
import { drawStateDiagram, explainState, formatStateList, listStates, resolveState, stateInfo, unknownStateMessage } from "../knowledge/mod.ts";
import { toJson } from "../report/json.ts";
import { inert } from "../text/inert.ts";
import { suggest } from "../text/wrap.ts";
import type { Context } from "./command.ts";
import { EXIT, UsageError } from "./errors.ts";
import { detectTerminal } from "./terminal.ts";

export async function explainCommand(ctx: Context): Promise<number> {
  const { flags, positionals: words } = ctx;
  const width = Math.min(detectTerminal(flags.noColor, flags.color, ctx.env).width, 100);
  if (words.length === 0) {
    process.stdout.write(flags.json ? toJson(listStates()) : formatStateList(Math.min(width, 80)) + "\n");
    return EXIT.ok;
  }
  // A rule id first (the rule tooling, and the YAML reader, load only now).
  const { explainRuleCommand } = await import("../rule_tools/commands.ts");
  const byRule = await explainRuleCommand(words, flags, width);
  if (typeof byRule === "number") return byRule;
  const word = words.join(" ");
  const state = resolveState(word);
  if (!state) throw new UsageError(unknownWord(word, byRule.ids));
  if (flags.json) {
    process.stdout.write(toJson(stateInfo(state)));
    return EXIT.ok;
  }
  const diagram = drawStateDiagram(undefined, { highlight: state, ascii: flags.plain });
  process.stdout.write(`${diagram.join("\n")}\n\n${explainState(state, Math.min(width, 80))}\n`);
  return EXIT.ok;
}

/** Neither a state nor a rule id: the closest rule id when one is close, else the closest states. */
function unknownWord(word: string, ruleIds: string[]): string {
  const rule = suggest(word, ruleIds);
  if (rule) return `Unknown state or rule id "${inert(word)}": did you mean the rule "${rule}"? ('tcpdoc rules list' lists the rules)`;
  return unknownStateMessage(inert(word));
}
