/** `symptoms`: log lines naming socket errors, by kind; and the error the user says they see. */

import type { Symptom } from "../../model/snapshot.ts";
import { errorKind, SYMPTOM_KINDS } from "../errors.ts";
import type { Fact, Params } from "./fact.ts";
import { stableJson, stepsText } from "./fact.ts";

export { SYMPTOM_KINDS };

/** The question id under which the user names the error they see (`--error`, the session's first question). */
export const ERROR_QUESTION = "error";

/** The symptom kind the user named, if any. */
export function reportedError(answers: Readonly<Record<string, unknown>>): string | undefined {
  const a = Object.hasOwn(answers, ERROR_QUESTION) ? answers[ERROR_QUESTION] : undefined;
  return typeof a === "string" ? errorKind(a) : undefined;
}

/**
 * SYN_FLOODING lines by what the kernel did: "Sending cookies" or
 * "Dropping request" (tcp_syn_flood_action). The ingest side records it as
 * an example's `variant`; lines kept without it are read here.
 */
function synVariants(s: Symptom | undefined): { cookies: number; dropped: number } {
  let cookies = 0, dropped = 0;
  for (const e of s?.examples ?? []) {
    const v = e.variant ?? (/sending cookies/i.test(e.text) ? "cookies" : /dropping request/i.test(e.text) ? "drop" : undefined);
    if (v === "cookies") cookies++;
    else if (v === "drop") dropped++;
  }
  // examples are the first few lines: the rest are like them
  const seen = s?.examples.length ?? 0;
  if (s && seen > 0 && s.count > seen) {
    cookies = Math.round((cookies / seen) * s.count);
    dropped = Math.round((dropped / seen) * s.count);
  }
  return { cookies, dropped };
}

/** Seconds since boot a dmesg line shows (`[  9.649346] ...`); undefined for lines without. */
function uptime(text: string): number | undefined {
  const m = /^\[\s*(\d+)\.\d+\]/.exec(text.replace(/^\S+ +\d+ \d\d:\d\d:\d\d \S+ kernel: /, ""));
  return m ? Number(m[1]) : undefined;
}

/** How long after boot a burst still counts as the boot's own (peers reconnecting all at once). */
const BOOT_SECONDS = 300;

/**
 * What the "address in use" lines say about the call that failed and who
 * made it. A connect() that fails so (Windows' connectex, gRPC's
 * on_connect, Go's dial) found no free local port toward its destination:
 * port exhaustion, not a taken listening port. A listen() from a runtime
 * that sets SO_REUSEADDR on its listeners (Node.js `listen EADDRINUSE`, Go's
 * `listen tcp` on Unix) cannot be held back by TIME_WAIT: another socket
 * listens there. Windows does not let TIME_WAIT block a listener either.
 * Any other bind() may be held by the TIME_WAIT of an earlier run
 * (socket(7), SO_REUSEADDR).
 */
function addrInUse(s: Symptom | undefined): { connect: number; bind: number; reusing: number; windows: number; plain: number } {
  const out = { connect: 0, bind: 0, reusing: 0, windows: 0, plain: 0 };
  for (const e of s?.examples ?? []) {
    const t = e.text;
    const windows = e.platform === "windows" || /only one usage of each socket address|WSAEADDRINUSE|\b10048\b/i.test(t);
    // connect as a word or a part of a name (gRPC's `on_connect`, `tcp_connect`), not `disconnect` or `connected`
    if (/\bconnectex\b|\bconnect\(\)|(?:\b|_)connect(?:\b|_).*(?:in use|only one usage)|\bdial tcp\b/i.test(t)) {
      out.connect++;
      continue;
    }
    out.bind++;
    if (windows) out.windows++;
    else if (/\blisten EADDRINUSE\b|syscall: 'listen'|\blisten tcp\b/.test(t)) out.reusing++;
    else out.plain++;
  }
  const seen = s?.examples.length ?? 0;
  if (s && seen > 0 && s.count > seen) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] = Math.round((out[k] / seen) * s.count);
  return out;
}

export const symptoms: Fact = {
  spec: {
    id: "symptoms",
    summary: `How many application or kernel log lines named each socket error (${SYMPTOM_KINDS.join(", ")}), the ports they name, what the SYN-flooding lines say the kernel did (cookies or drops), the largest number a line states (a listen queue's length), and the error the user says they see (--error, or the guided session's first question), which counts as seen.`,
    params: [],
    type: "object",
    paths: [
      { path: "$.ports", type: "object", help: "the ports the lines name, by kind" },
      { path: "$.ports.<KIND>", type: "list", items: "string", help: "the ports those lines name, as text (compare with `group`'s `keys` using someFact:in)" },
      { path: "$.ports.<KIND>[N]", type: "string", help: "the N-th port named (for messages)" },
      { path: "$.figures", type: "object", help: "the largest number the lines of each kind state (a listen queue's length)" },
      { path: "$.figures.<KIND>", type: "number", nullable: true, help: "null when no line of that kind states one" },
      { path: "$.synCookies", type: "number", help: "SYN flooding lines that say \"Sending cookies\" (the queue overflowed; cookies answered)" },
      { path: "$.synDropped", type: "number", help: "SYN flooding lines that say \"Dropping request\" (tcp_syncookies is 0: requests were lost)" },
      { path: "$.reported", type: "string", nullable: true, help: "the error kind the user says they see; null when none was given" },
      { path: "$.atBoot", type: "object", help: "by kind: whether every line of it is stamped (dmesg) within 5 minutes of boot: a burst of peers reconnecting, not an attack" },
      { path: "$.atBoot.<KIND>", type: "boolean", help: "true when every such line is a boot-time line; false otherwise (also without stamps)" },
      { path: "$.addrInUse", type: "object", help: "what the \"address already in use\" lines say about the failing call" },
      { path: "$.addrInUse.connect", type: "number", help: "lines where connect() failed (Windows' connectex, Go's dial): no free local port toward the destination" },
      { path: "$.addrInUse.bind", type: "number", help: "lines where bind() or listen() failed" },
      { path: "$.addrInUse.reusing", type: "number", help: "of those, lines from runtimes that set SO_REUSEADDR on listeners (Node.js, Go on Unix): TIME_WAIT cannot be the holder" },
      { path: "$.addrInUse.windows", type: "number", help: "of those, Windows' lines (TIME_WAIT does not block a listener there)" },
      { path: "$.addrInUse.plain", type: "number", help: "of those, the others: TIME_WAIT of an earlier run may hold the port" },
      { path: "$.logs", type: "boolean", help: "the inputs hold log or kernel lines" },
      { path: "$.<KIND>", type: "number", help: "lines seen with that error (at least 1 for the error the user reported)" },
    ],
    names: { KIND: SYMPTOM_KINDS },
    unknown: "Unknown when the inputs hold no log at all (no log or error lines) and the user named no error; with a log, an error not seen counts 0.",
    example: "{ fact: symptoms, path: $.EADDRNOTAVAIL, operator: greaterThan, value: 0 }",
  },
  masked: false,
  // the reported error is part of the value
  key: (_p: Params, answers) => `${stableJson(reportedError(answers) ?? null)}`,
  compute({ scan, answers }) {
    const reported = reportedError(answers);
    const logs = scan.hasLogs();
    if (!logs && !reported) return { value: {}, why: "the inputs hold no application log or kernel messages (add the log, or name the error with --error)" };
    const out: Record<string, unknown> = {};
    const ports: Record<string, string[]> = {};
    const figures: Record<string, number | null> = {};
    for (const k of SYMPTOM_KINDS) out[k] = 0, ports[k] = [], figures[k] = null;
    for (const [k, s] of scan.snap.symptoms) {
      out[k] = s.count;
      ports[k] = Object.keys(s.ports ?? {});
      let max: number | null = null;
      for (const e of s.examples) if (typeof e.figure === "number" && (max === null || e.figure > max)) max = e.figure;
      figures[k] = max;
    }
    if (reported) out[reported] = Math.max(1, Number(out[reported]) || 0);
    const syn = synVariants(scan.snap.symptoms.get("SYN_FLOODING"));
    const atBoot: Record<string, boolean> = {};
    for (const k of SYMPTOM_KINDS) {
      const ex = scan.snap.symptoms.get(k)?.examples ?? [];
      atBoot[k] = ex.length > 0 && ex.every((e) => {
        const up = uptime(e.text);
        return up !== undefined && up < BOOT_SECONDS;
      });
    }
    out.atBoot = atBoot;
    out.addrInUse = addrInUse(scan.snap.symptoms.get("EADDRINUSE"));
    out.ports = ports;
    out.figures = figures;
    out.synCookies = syn.cookies;
    out.synDropped = syn.dropped;
    out.reported = reported ?? null;
    out.logs = logs;
    return { value: out };
  },
  words: (_p, steps) => {
    const tail = stepsText(steps);
    if (tail === "synCookies") return "SYN flooding lines saying the kernel sent cookies";
    if (tail === "synDropped") return "SYN flooding lines saying the kernel dropped requests";
    if (tail === "reported") return "the error the user sees";
    if (steps[0] === "figures") return `the largest number stated by ${String(steps[1])} lines`;
    return `log lines with ${tail}`;
  },
  whyUnknown: (tail, memo) => memo.why ?? `no log line says ${tail}`,
};
