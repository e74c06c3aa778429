/** JSON Schemas of the rule, named-conditions and test files, from the format's tables and the facts. */

import { STATES } from "../../model/states.ts";
import { FACTS } from "../facts/registry.ts";
import { OPERATOR_DECORATORS, OPERATORS } from "../language/conditions.ts";
import { CONDITIONS_SPEC, type FieldSpec, RULE_SPEC, TEST_SPEC } from "./spec.ts";

function schemaOf(s: FieldSpec): Record<string, unknown> {
  switch (s.kind) {
    case "string": {
      const o: Record<string, unknown> = { type: "string", description: s.help };
      if (s.enum) o.enum = [...s.enum];
      if (s.pattern) o.pattern = s.pattern;
      if (s.maxLength) o.maxLength = s.maxLength;
      return o;
    }
    case "number": {
      const o: Record<string, unknown> = { type: s.integer ? "integer" : "number", description: s.help };
      if (s.min !== undefined) o.minimum = s.min;
      if (s.max !== undefined) o.maximum = s.max;
      return o;
    }
    case "boolean": return { type: "boolean", description: s.help };
    case "list": return { type: "array", description: s.help, items: schemaOf(s.of), ...(s.minItems ? { minItems: s.minItems } : {}), ...(s.maxItems ? { maxItems: s.maxItems } : {}) };
    case "object": {
      const props: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.fields)) props[k] = schemaOf(v);
      return { type: "object", description: s.help, properties: props, ...(s.required?.length ? { required: [...s.required] } : {}), additionalProperties: Boolean(s.open) };
    }
    case "map": return { type: "object", description: s.help, propertyNames: { pattern: s.keyPattern }, additionalProperties: schemaOf(s.of) };
    case "condition": return { $ref: "#/$defs/condition", description: s.help };
    case "factref": {
      const props: Record<string, unknown> = { fact: { $ref: "#/$defs/fact" }, params: { $ref: "#/$defs/params" }, path: { $ref: "#/$defs/path" } };
      for (const [k, v] of Object.entries(s.extra ?? {})) props[k] = schemaOf(v);
      return { type: "object", description: s.help, properties: props, required: ["fact"], additionalProperties: false };
    }
    case "scalar-or-list": return { description: s.help, anyOf: [{ type: ["string", "number", "boolean"] }, { type: "array" }] };
    case "any": return { description: s.help };
    case "external": return { ...s.schema(), description: s.help };
  }
}

/** JSON Schema for every fact parameter, from the facts' specs. */
function paramSchemas(): Record<string, unknown> {
  const state = { type: "string", enum: [...STATES] };
  const out: Record<string, unknown> = {};
  for (const f of FACTS) {
    for (const p of f.spec.params) {
      if (Object.hasOwn(out, p.name)) continue;
      out[p.name] = p.type === "states"
        ? { anyOf: [state, { type: "array", items: state }] }
        : p.type === "state"
        ? state
        : p.choices
        ? { type: "string", enum: [...p.choices], description: p.help }
        : { type: p.type === "number" ? "number" : "string", description: p.help };
      if (p.alias && !Object.hasOwn(out, p.alias)) out[p.alias] = out[p.name];
    }
  }
  return out;
}

function defs(): Record<string, unknown> {
  const ops = [...OPERATORS];
  return {
    fact: { type: "string", enum: FACTS.map((f) => f.spec.id), description: "a fact (docs/facts.md)" },
    path: { type: "string", pattern: "^\\$(\\.[A-Za-z0-9_-]+|\\[(\\d+|'[^'\\\\]*'|\"[^\"\\\\]*\")\\])*$", description: "a simple path: $.name, $['dotted.name'], $.list[0]" },
    params: {
      type: "object",
      description: "fact params (docs/facts.md lists each fact's)",
      properties: paramSchemas(),
      additionalProperties: false,
    },
    operator: {
      type: "string",
      description: "json-rules-engine operator, optionally decorated (not:equal, someFact:greaterThan)",
      pattern: `^((${OPERATOR_DECORATORS.join("|")}):)*(${ops.join("|")})$`,
    },
    condition: {
      description: "all / any / not / a named condition / a fact comparison",
      oneOf: [
        { type: "object", properties: { all: { type: "array", minItems: 1, items: { $ref: "#/$defs/condition" } }, name: { type: "string" } }, required: ["all"], additionalProperties: false },
        { type: "object", properties: { any: { type: "array", minItems: 1, items: { $ref: "#/$defs/condition" } }, name: { type: "string" } }, required: ["any"], additionalProperties: false },
        { type: "object", properties: { not: { $ref: "#/$defs/condition" }, name: { type: "string" } }, required: ["not"], additionalProperties: false },
        { type: "object", properties: { condition: { type: "string" }, name: { type: "string" } }, required: ["condition"], additionalProperties: false },
        {
          type: "object",
          properties: {
            fact: { $ref: "#/$defs/fact" },
            params: { $ref: "#/$defs/params" },
            path: { $ref: "#/$defs/path" },
            operator: { $ref: "#/$defs/operator" },
            value: {},
            name: { type: "string" },
          },
          required: ["fact", "operator", "value"],
          additionalProperties: false,
        },
      ],
    },
  };
}

/** The JSON Schema of rule files (rules/rule.schema.json). */
export function ruleJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://tcpdoc.dev/rule.schema.json",
    title: "tcpdoc rule",
    ...schemaOf(RULE_SPEC),
    $defs: defs(),
  };
}

/** The JSON Schema of named-condition files (rules/conditions.schema.json). */
export function conditionsJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://tcpdoc.dev/conditions.schema.json",
    title: "tcpdoc named conditions",
    ...schemaOf(CONDITIONS_SPEC),
    $defs: defs(),
  };
}

/** The JSON Schema of rule test files (rules/rule-test.schema.json). */
export function testJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://tcpdoc.dev/rule-test.schema.json",
    title: "tcpdoc rule tests",
    ...schemaOf(TEST_SPEC),
  };
}
