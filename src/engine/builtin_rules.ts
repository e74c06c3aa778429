/**
 * The built-in rules, compiled at build time. Running the sources (Node via
 * tsx, Deno) this is undefined, and the rules come from the build's
 * dist/builtin-rules.json while it is current, else from rules/ read and
 * validated as YAML (format/compiled.ts); scripts/build.mjs replaces this
 * module in the bundle with the JSON text of `compileRuleDir(rules/)`
 * (validated by the same code), so the installed command starts without
 * parsing YAML. loadRules uses it only while every file in rules/ still has
 * the content it was compiled from.
 */
export const COMPILED_BUILTIN_RULES: string | undefined = undefined;
