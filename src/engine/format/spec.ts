/**
 * The rule file format as data: the fields of a rule file, a named-conditions
 * file and a rule test file, with their types and help. The validator
 * (validate.ts) and the JSON Schemas (schema.ts) both read these tables.
 */

import { probeJsonSchema, validateProbe } from "../../checks/mod.ts";
import { SEVERITIES } from "../../model/finding.ts";
import { SYMPTOM_KINDS } from "../errors.ts";
import { PLATFORMS } from "../platforms.ts";

/** Field types of the rule format. `block`: text that may span lines (a message, a step); other text is one line. */
export type FieldSpec =
  | { kind: "string"; help: string; enum?: readonly string[]; pattern?: string; maxLength?: number; block?: boolean }
  | { kind: "number"; help: string; min?: number; max?: number; integer?: boolean }
  | { kind: "boolean"; help: string }
  | { kind: "list"; help: string; of: FieldSpec; minItems?: number; maxItems?: number }
  | ObjectSpec
  | { kind: "map"; help: string; keyPattern: string; of: FieldSpec }
  | { kind: "condition"; help: string }
  | { kind: "factref"; help: string; extra?: Record<string, FieldSpec> }
  | { kind: "scalar-or-list"; help: string }
  /** Free-form data (metadata, a test's answers): any YAML, names and text checked like the rest. */
  | { kind: "any"; help: string }
  /** A value another module owns: its validator (problems `at` a dotted path inside it) and its JSON Schema. */
  | { kind: "external"; help: string; validate(v: unknown): { at: string; message: string; hint?: string }[]; schema(): Record<string, unknown> };

/** A mapping with known fields; `open` accepts other fields too (free-form data). */
export interface ObjectSpec {
  kind: "object";
  help: string;
  fields: Record<string, FieldSpec>;
  required?: readonly string[];
  open?: boolean;
}

/** Ids of rules, questions and named conditions. */
export const ID_PATTERN = "^[a-z0-9][a-z0-9-]*$";
/** Names of evidence figures. */
export const FIGURE_PATTERN = "^[a-z][a-z0-9_]*$";

const str = (help: string, more: Partial<Extract<FieldSpec, { kind: "string" }>> = {}): FieldSpec => ({ kind: "string", help, maxLength: 4000, ...more });
const block = (help: string): FieldSpec => str(help, { block: true });
const strList = (help: string): FieldSpec => ({ kind: "list", help, of: str(help) });
const blockList = (help: string): FieldSpec => ({ kind: "list", help, of: block(help) });
const port: FieldSpec = { kind: "number", help: "port", integer: true, min: 0, max: 65535 };
const platformList = (help: string): FieldSpec => ({ kind: "list", help, of: str("a platform", { enum: PLATFORMS }) });

/** The fields of a relation between two rules' findings. */
export const RELATION_SPEC: ObjectSpec = {
  kind: "object",
  help: "how this rule's finding relates to another rule's: it explains it (the other is folded under this one) or excludes it (the other is dropped); exactly one of explains and excludes",
  required: ["how"],
  fields: {
    explains: str("the id of the rule whose finding this one explains", { pattern: ID_PATTERN, maxLength: 80 }),
    excludes: str("the id of the rule whose finding this one rules out", { pattern: ID_PATTERN, maxLength: 80 }),
    role: str("what the other finding is to this one (explains only; default consequence)", { enum: ["cause", "consequence", "detail"] }),
    when: { kind: "condition", help: "conditions over the facts under which the relation holds (always when absent)" },
    match: {
      kind: "object",
      help: "a figure of this finding that must name the same thing as a figure of the other",
      required: ["figure", "other"],
      fields: {
        figure: str("a figure of this rule's evidence", { pattern: FIGURE_PATTERN, maxLength: 80 }),
        other: str("a figure of the other rule's evidence", { pattern: FIGURE_PATTERN, maxLength: 80 }),
        as: str("how they are compared: equal text, endpoints (a wildcard address matches any), or the port alone (default equal)", { enum: ["equal", "endpoint", "port"] }),
      },
    },
    how: block("one sentence saying how, shown with the folded finding"),
  },
};

const EXCEPTION_SPEC: ObjectSpec = {
  kind: "object",
  help: "sockets this rule ignores: a socket matching every field given is left out of the rule's facts",
  fields: {
    name: str("what this exception is for"),
    ports: { kind: "list", help: "ports at either end", of: port },
    local_ports: { kind: "list", help: "local ports", of: port },
    remote_ports: { kind: "list", help: "remote ports", of: port },
    addresses: strList("addresses at either end: exact text or IPv4 CIDR (10.0.0.0/8)"),
    local_addresses: strList("local addresses: exact text or IPv4 CIDR"),
    remote_addresses: strList("remote addresses: exact text or IPv4 CIDR"),
    processes: { kind: "list", help: "program names or pids", of: { kind: "scalar-or-list", help: "program name or pid" } },
  },
};

/**
 * The fields of a check. Kept a plain table so a field added to checks
 * (such as a probe to run) is one entry here, and validation and the
 * schema follow.
 */
export const CHECK_SPEC: ObjectSpec = {
  kind: "object",
  help: "a check",
  required: ["title", "look_for"],
  fields: {
    title: str("what the check is"),
    command: str("the command for the user to read and copy, one line; tcpdoc never runs it"),
    look_for: block("what in its output confirms or refutes the diagnosis"),
    read_only: { kind: "boolean", help: "true when the command changes nothing" },
    platforms: platformList("where the command runs: linux, macos, freebsd, windows"),
    probe: { kind: "external", help: "the probe from tcpdoc's catalogue a live session may run for this check (the command itself never runs)", validate: validateProbe, schema: probeJsonSchema },
  },
};

/** The fields of a rule file. */
export const RULE_SPEC: ObjectSpec = {
  kind: "object",
  help: "a tcpdoc diagnostic rule",
  required: ["id", "title", "severity", "conditions"],
  fields: {
    id: str("the rule id: lower case, digits and dashes; the file is named <id>.yaml", { pattern: ID_PATTERN, maxLength: 80 }),
    title: str("one line saying what is wrong", { maxLength: 200 }),
    severity: str("how bad it is", { enum: SEVERITIES }),
    enabled: { kind: "boolean", help: "false turns the rule off (default true)" },
    tags: strList("free-form tags, e.g. the states the rule looks at"),
    confidence: { kind: "number", help: "confidence of a finding whose conditions all held, 0..1 (default 0.8)", min: 0, max: 1 },
    when_unknown: str("when some conditions are unknown but known ones support the rule: downgrade (one severity lower, the default), keep, or silent", { enum: ["downgrade", "keep", "silent"] }),
    branches: {
      kind: "map",
      help: "named alternatives of the conditions (a condition with `name: NAME`) and how each grades the finding when it holds: the worst severity and the highest confidence of those that hold win",
      keyPattern: ID_PATTERN,
      of: {
        kind: "object",
        help: "how the alternative grades the finding",
        fields: {
          severity: str("the severity when it holds", { enum: SEVERITIES }),
          confidence: { kind: "number", help: "the confidence when it holds, 0..1", min: 0, max: 1 },
        },
      },
    },
    relations: { kind: "list", help: "how this rule's finding relates to other rules' findings (validated against the loaded rules)", of: RELATION_SPEC },
    explains_errors: {
      kind: "list",
      help: "the errors users see that this finding explains: with --error (or the error in the log) it comes first and says how",
      of: {
        kind: "object",
        help: "an error this finding explains",
        required: ["error", "how"],
        fields: {
          error: str("the error kind", { enum: SYMPTOM_KINDS }),
          how: block("one sentence: how this finding causes that error"),
        },
      },
    },
    conditions: { kind: "condition", help: "json-rules-engine conditions: all / any / not / condition (a named condition), leaves with fact, params, path, operator, value" },
    message: block("the finding's text: what it means and what to do, with {{figure}} placeholders filled from evidence.figures"),
    evidence: {
      kind: "object",
      help: "what a finding shows",
      fields: {
        figures: { kind: "map", help: "named numbers for the message and the report", keyPattern: FIGURE_PATTERN, of: { kind: "factref", help: "a value read from a fact", extra: { format: str("how the message shows it", { enum: ["number", "percent", "text"] }) } } },
        groups: { kind: "list", help: "groups to list (facts that offer groups: group, ephemeral)", of: { kind: "factref", help: "a grouping fact", extra: { label: str("what the key is, e.g. local port") } } },
        sockets: {
          kind: "object",
          help: "example sockets to show, with their input file and line",
          fields: {
            states: { kind: "scalar-or-list", help: "state name or list of state names" },
            from_group: { kind: "number", help: "take the examples from the top group of evidence.groups[N]", integer: true, min: 0 },
            limit: { kind: "number", help: "how many (default 5)", integer: true, min: 1, max: 20 },
          },
        },
      },
    },
    questions: {
      kind: "list",
      help: "questions to ask the user; an answer becomes the `answers` fact and the rules are evaluated again",
      of: {
        kind: "object",
        help: "a question",
        required: ["id", "text", "kind"],
        fields: {
          id: str("question id, shared by rules that ask the same thing", { pattern: ID_PATTERN, maxLength: 80 }),
          text: block("the question"),
          kind: str("the kind of answer", { enum: ["yes-no", "choice", "number", "text"] }),
          choices: strList("the choices, for kind choice"),
          commands: { kind: "map", help: "the command that answers it, by platform (linux, macos, freebsd, windows): only a command, no prose", keyPattern: "^(linux|macos|freebsd|windows)$", of: str("a command") },
          settled_by: strList("branches of this rule whose holding answers the question from the data (a series showed what it asks): the finding then does not ask it"),
        },
      },
    },
    checks: { kind: "list", help: "how to confirm the diagnosis; commands are shown, never run by analyze", of: CHECK_SPEC },
    fixes: {
      kind: "list",
      help: "ways to fix it, best first",
      of: {
        kind: "object",
        help: "a fix",
        required: ["title", "steps"],
        fields: {
          title: str("the fix in one line"),
          steps: blockList("the steps"),
          caveats: blockList("caveats and risks"),
          platforms: platformList("where it applies: linux, macos, freebsd, windows (everywhere when absent)"),
        },
      },
    },
    references: strList("sources: man pages, kernel documentation, RFCs (URLs or citations)"),
    exceptions: { kind: "list", help: "sockets this rule ignores", of: EXCEPTION_SPEC },
    metadata: { kind: "object", help: "free-form: threshold_source, maturity, author, ...", fields: { threshold_source: block("why the thresholds are what they are") }, open: true },
  },
};

/** Fields a built-in rule must have. */
export const BUILTIN_REQUIRED = ["message", "checks", "fixes", "references"] as const;

/** Fields of a rule test file (`<id>.test.yaml`). */
export const TEST_SPEC: ObjectSpec = {
  kind: "object",
  help: "test cases for the rule with the same base name",
  required: ["cases"],
  fields: {
    cases: {
      kind: "list",
      help: "the cases",
      minItems: 1,
      of: {
        kind: "object",
        help: "one case",
        required: ["name", "inputs", "expect"],
        fields: {
          name: str("what the case shows"),
          inputs: { kind: "list", help: "input files: relative to the test file's directory, or to the package's samples/ folder (samples/...)", minItems: 1, maxItems: 20, of: str("a path", { maxLength: 1000 }) },
          answers: { kind: "object", help: "answers to questions, by question id", fields: {}, open: true },
          expect: {
            kind: "object",
            help: "what the rule must do",
            required: ["fires"],
            fields: {
              fires: { kind: "boolean", help: "whether the rule raises a finding" },
              severity: str("the finding's severity", { enum: SEVERITIES }),
              max_severity: str("the finding, if any, is at most this severe", { enum: SEVERITIES }),
              partial: { kind: "boolean", help: "whether the finding is partial (some conditions unknown)" },
              evidence: { kind: "object", help: "figures: a value, or { gte, lte, gt, lt }", fields: {}, open: true },
              group_keys: strList("keys that must appear among the finding's evidence groups"),
              missing: strList("texts that must appear in the finding's missing list"),
            },
          },
        },
      },
    },
  },
};

/** Fields of a named-conditions file (`_conditions.yaml`). */
export const CONDITIONS_SPEC: ObjectSpec = {
  kind: "object",
  help: "shared named conditions, referenced from rules as { condition: NAME }",
  required: ["conditions"],
  fields: {
    conditions: { kind: "map", help: "named conditions", keyPattern: ID_PATTERN, of: { kind: "condition", help: "a condition tree" } },
  },
};

/** Largest rule, conditions or test file read, in bytes. */
export const MAX_RULE_FILE_BYTES = 256 * 1024;
/** Most YAML aliases in one file (alias bombs). */
export const MAX_ALIASES = 50;
/** Most nodes a file's YAML may expand to once aliases are followed. */
export const MAX_YAML_NODES = 100_000;
/** Most rule files read from one directory. */
export const MAX_RULE_FILES = 5000;
