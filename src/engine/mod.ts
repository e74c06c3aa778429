/**
 * The rule engine's one door: load rules, evaluate them over a snapshot,
 * explain and document them. Safe to import at start-up: nothing here
 * loads the yaml package (the loader imports it when a rule file must be
 * read) or touches the file system (callers hand in a RuleFiles, such as
 * src/sources/rule_files.ts).
 */

export { Diagnoser, diagnose, type DiagnoseOptions } from "./diagnose.ts";
export { FactContext } from "./facts/context.ts";
export { FACTS, GROUP_BY } from "./facts/registry.ts";
export { type MomentPart, summarizeMoment } from "./facts/_moment.ts";
export { type SeriesDigest, seriesDigest, type StateDigest } from "./series_digest.ts";
export { rankFindings } from "./findings.ts";
export { AnswerError, answerHint, normalizeAnswer, normalizeAnswers } from "./answers.ts";
export {
  compileRuleDir,
  idPosition,
  type LoadOptions,
  loadRules,
  loadRules as loadRuleSet,
  parseRule,
  readConditionsFile,
  readRuleFile,
  readTestFile,
} from "./load.ts";
export { MAX_FACT_PASSES } from "./cost.ts";
export { isConditionsFileName, isRuleFileName, isTestFileName } from "./format/compiled.ts";
export {
  type Conditions,
  type Rule,
  type RuleException,
  RuleFileError,
  type RuleFiles,
  type RuleQuestion,
  type RuleSet,
  type RuleSource,
} from "./rule.ts";
export { leafText } from "./describe.ts";
export { explainRule } from "./explain.ts";
export { engineDocs } from "./docs.ts";
