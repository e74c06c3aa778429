/**
 * The rule engine's one door: load rules, evaluate them over a snapshot,
 * explain and document them. Safe to import at start-up: nothing here
 * loads the yaml package (the loader imports it when a rule file must be
 * read) or touches the file system (callers hand in a RuleFiles).
 */

export { Diagnoser, diagnose, type DiagnoseOptions } from "./diagnose.ts";
export { FactContext } from "./facts/context.ts";
export { FACTS, FACT_IDS } from "./facts/registry.ts";
export type { Fact, FactSpec, FactValue } from "./facts/fact.ts";
export { GROUP_BY, GROUP_LABELS, type GroupBy } from "./facts/_scan.ts";
export { evaluateRule, type RuleOutcome, type Truth } from "./evaluate.ts";
export { buildFinding, formatFigure, rankFindings } from "./findings.ts";
export { AnswerError, answerHint, normalizeAnswer, normalizeAnswers } from "./answers.ts";
export {
  compileRuleDir,
  idPosition,
  type LoadOptions,
  loadCompiledRules,
  loadRules,
  loadRules as loadRuleSet,
  parseRule,
  readConditionsFile,
  readRuleFile,
  readTestFile,
  sourceFiles,
} from "./load.ts";
export { MAX_FACT_PASSES } from "./cost.ts";
export { type CompiledRuleDir, isConditionsFileName, isRuleFileName, isTestFileName } from "./format/compiled.ts";
export { MAX_RULE_FILE_BYTES } from "./format/spec.ts";
export type { ValidateContext } from "./format/validate.ts";
export { conditionsJsonSchema, ruleJsonSchema, testJsonSchema } from "./format/schema.ts";
export { conditionCycles } from "./language/conditions.ts";
export { fillTemplate } from "./language/template.ts";
export {
  baseName,
  type Conditions,
  type Rule,
  type RuleCheck,
  type RuleException,
  RuleFileError,
  type RuleFiles,
  type RuleFix,
  type RuleOrigin,
  type RuleQuestion,
  type RuleSet,
  type RuleSource,
} from "./rule.ts";
export { conditionLines, leafText, thresholds } from "./describe.ts";
export { explainRule } from "./explain.ts";
export { engineDocs, factsMarkdown } from "./docs.ts";
