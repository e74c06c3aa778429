/**
 * Checks: what a live session may run for a rule's check. The probe
 * catalogue (ids, typed parameters, the action on each platform), the
 * placeholder vocabulary filled from a finding's evidence, and the policy
 * that plans a check. Pure: the probes themselves run in
 * src/sources/probes.ts; reading their output back is ./feed.ts (it pulls
 * in the ingest parsers, so it is not re-exported here).
 */

export { checkValue, COUNTER_NAMES, isAddressLiteral, MAX_SECONDS, type ParamType, type ParamValue, stateWord, SYSCTL_KEYS, TYPE_WORDS } from "./params.ts";
export { fillCommand, type Placeholder, placeholder, PLACEHOLDERS, placeholdersIn, placeholderValues } from "./placeholders.ts";
export {
  type ParamSpec,
  type Platform,
  type ProbeAction,
  type ProbeParams,
  type ProbeProblem,
  type ProbeRef,
  PROBES,
  probeJsonSchema,
  probeSpec,
  type ProbeSpec,
  sysctlPath,
  validateProbe,
} from "./probes.ts";
export { actionLines, type CheckPlan, planCheck, platformOf, probeLine, type ProbePlan, type ProbeResult } from "./policy.ts";
