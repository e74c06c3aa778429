/** The rule engine's face: load rules, evaluate them over a snapshot, explain and test them. */

export { Diagnoser, diagnose, type DiagnoseOptions } from "./diagnose.ts";
export { FactContext, FACTS, factsMarkdown, GROUP_BY } from "./facts.ts";
export { evaluateRule, type RuleOutcome, type Truth } from "./evaluate.ts";
export { buildFinding, fillTemplate, normalizeAnswers, rankFindings } from "./findings.ts";
export {
  builtinRulesDir,
  conditionsJsonSchema,
  loadRules,
  loadRuleSet,
  packageRoot,
  readRuleFile,
  type Rule,
  RuleFileError,
  ruleJsonSchema,
  type RuleSet,
  testJsonSchema,
  userRulesDir,
  validatePaths,
} from "./rule_file.ts";
export { conditionLines, thresholds } from "./describe.ts";
export { type CaseResult, runRuleTests } from "./rule_test.ts";
export { explainRule } from "./explain.ts";
export { engineDocs } from "./docs.ts";
