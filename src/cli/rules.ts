/** The rule commands live in the rule tooling (src/rule_tools/commands.ts). */

export { explainRuleCommand, ruleOptions, rulesCommand } from "../rule_tools/commands.ts";
