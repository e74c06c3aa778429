/**
 * The rule engine's one door: load rules, evaluate them over a snapshot,
 * explain and document them. Safe to import at start-up: nothing here
 * loads the yaml package (the loader imports it when a rule file must be
 * read) or touches the file system (callers hand in a RuleFiles, such as
 * src/sources/rule_files.ts).
 */

export { type Diagnosis, Diagnoser, diagnose, type DiagnoseOptions, type ErrorFocus, type NearMiss } from "./diagnose.ts";
export { type Collect, type ErrorInfo, errorInfo, errorKind, ERRORS } from "./errors.ts";
export { appliesOn, type Platform, PLATFORMS, platformFacts } from "./platforms.ts";
export { traceRule, traceLines } from "./trace.ts";
export { FactContext } from "./facts/context.ts";
export { FACTS, GROUP_BY } from "./facts/registry.ts";
export { type MomentPart, summarizeMoment } from "./facts/_moment.ts";
export { type SeriesDigest, seriesDigest, type StateDigest } from "./series_digest.ts";
export { rankFindings } from "./findings.ts";
export { AnswerError, answerHint, ERROR_QUESTION, normalizeAnswer, normalizeAnswers } from "./answers.ts";
export {
  compileRuleDir,
  idPosition,
  type LoadOptions,
  loadRules,
  loadRules as loadRuleSet,
  parseRule,
  readConditionsFile,
  readPlainRuleFile,
  readRuleFile,
  readTestFile,
} from "./load.ts";
export { MAX_FACT_PASSES } from "./cost.ts";
export { ID_PATTERN, MAX_RULE_FILES } from "./format/spec.ts";
export { BUILT_RULES_FILE, type BuiltRules, MAX_BUILT_BYTES, isConditionsFileName, isRuleFileName, isTestFileName, textFingerprint } from "./format/compiled.ts";
export {
  type Conditions,
  type Rule,
  type RuleException,
  RuleFileError,
  type RuleFiles,
  type RuleOrigin,
  type RuleQuestion,
  type RuleSet,
  type RuleSource,
} from "./rule.ts";
export { conditionValueText, leafText } from "./describe.ts";
export { explainRule } from "./explain.ts";
export { engineDocs } from "./docs.ts";
// The rule language, for rules over other facts (src/fleet's fleet rules).
export { parseOperator, PLAIN, walkCondition } from "./language/conditions.ts";
export { parsePath, resolvePath } from "./language/paths.ts";
export { fillTemplate, templateNames, templateProblems } from "./language/template.ts";
