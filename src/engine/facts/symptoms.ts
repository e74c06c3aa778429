/** `symptoms`: log lines naming socket errors, by kind. */

import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

/** Symptom kinds, as the snapshot names them. */
export const SYMPTOM_KINDS = [
  "EADDRINUSE", "EADDRNOTAVAIL", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EMFILE", "ENOBUFS",
  "SYN_FLOODING", "ORPHANS_EXCEEDED", "TW_BUCKET_OVERFLOW",
] as const;

export const symptoms: Fact = {
  spec: {
    id: "symptoms",
    summary: "How many application or kernel log lines named each socket error: EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, ECONNRESET, EMFILE, ENOBUFS, SYN_FLOODING, ORPHANS_EXCEEDED, TW_BUCKET_OVERFLOW.",
    params: [],
    type: "object",
    paths: [
      { path: "$.ports", type: "object", help: "the ports the lines name, by kind" },
      { path: "$.ports.<KIND>", type: "list", items: "string", help: "the ports those lines name, as text (compare with `group`'s `top.key` using `in`)" },
      { path: "$.<KIND>", type: "number", help: "lines seen with that error" },
    ],
    names: { KIND: SYMPTOM_KINDS },
    unknown: "Unknown when the inputs hold no log at all (no log or error lines); with a log, an error not seen counts 0.",
    example: "{ fact: symptoms, path: $.EADDRNOTAVAIL, operator: greaterThan, value: 0 }",
  },
  masked: false,
  compute({ scan }) {
    if (!scan.hasLogs()) return { value: {}, why: "the inputs hold no application log or kernel messages" };
    const out: Record<string, unknown> = {};
    const ports: Record<string, string[]> = {};
    for (const k of SYMPTOM_KINDS) out[k] = 0, ports[k] = [];
    for (const [k, s] of scan.snap.symptoms) {
      out[k] = s.count;
      ports[k] = Object.keys((s as { ports?: Record<number, number> }).ports ?? {});
    }
    out.ports = ports;
    return { value: out };
  },
  words: (_p, steps) => `log lines with ${stepsText(steps)}`,
  whyUnknown: (tail, memo) => memo.why ?? `no log line says ${tail}`,
};
