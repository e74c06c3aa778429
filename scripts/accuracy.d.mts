// Types for accuracy.mjs, as test/suites/field_corpus.test.ts uses it.
export function readCase(dir: string): { case?: Record<string, unknown>; errors?: string[] };
export function readCorpus(): { cases: Record<string, unknown>[]; errors: string[] };
export function score(c: unknown, report: unknown): { verdict: string; falseAlarms: string[]; counts?: string };
