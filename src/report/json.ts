/** The JSON report: a stable contract, documented in the README. */

import { inertJson } from "../text/inert.ts";
import type { Analysis } from "./analysis.ts";

/** Version of the JSON contract; bumped on any incompatible change. */
export const JSON_SCHEMA_VERSION = 1;

/**
 * Any value as JSON text safe to print: two-space indents, a final newline,
 * and the characters a terminal would act on written as escapes (inertJson).
 */
export function toJson(value: unknown): string {
  return inertJson(JSON.stringify(value, null, 2)) + "\n";
}

/** Renders the analysis as JSON. */
export function renderJson(a: Analysis): string {
  return toJson({
    version: JSON_SCHEMA_VERSION,
    live: a.live,
    ...(a.provenance ? { provenance: a.provenance } : {}),
    ...(a.capture ? { capture: a.capture } : {}),
    inputs: a.inputs.map((r) => ({
      path: r.path,
      format: r.format,
      formats: r.formats,
      encoding: r.encoding,
      lines: r.lines,
      sockets: r.sockets,
      unparsed: r.unparsed,
      kinds: r.kinds,
      unparsedLines: r.unparsedLines,
      ...(r.capture ? { capture: r.capture } : {}),
      ...(r.capturedAt ? { capturedAt: r.capturedAt } : {}),
      ...(r.platform ? { platform: r.platform } : {}),
      ...(r.sample ? { sample: r.sample } : {}),
      ...(r.tallies?.length ? { tallies: r.tallies } : {}),
      ...(r.merged ? { merged: r.merged } : {}),
      ...(r.folded ? { folded: r.folded } : {}),
      ...(r.collapsed ? { collapsed: r.collapsed } : {}),
    })),
    summary: a.summary,
    ...(a.series ? { series: a.series } : {}),
    ...(a.hidden ? { hidden: a.hidden } : {}),
    ...(a.error ? { error: a.error } : {}),
    findings: a.findings,
    ...(a.nearMisses ? { nearMisses: a.nearMisses } : {}),
  });
}
