// Types for fuzz_check.mjs, as test/scripts/fuzz_check.test.ts uses it.
export function fileOfInput(input: { path?: string }, k: number, files: readonly Uint8Array[]): Uint8Array | undefined;
export function checkReport(report: unknown, files: readonly Uint8Array[]): string[];
