/** The JSON report: a stable contract, documented in the README. */

import type { Analysis } from "./analysis.ts";

/** Version of the JSON contract; bumped on any incompatible change. */
export const JSON_SCHEMA_VERSION = 1;

/** Renders the analysis as JSON. */
export function renderJson(a: Analysis): string {
  return JSON.stringify(
    {
      version: JSON_SCHEMA_VERSION,
      live: a.live,
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
      })),
      summary: a.summary,
      findings: a.findings,
    },
    null,
    2,
  ) + "\n";
}
