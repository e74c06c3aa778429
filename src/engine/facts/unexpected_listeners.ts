/** `unexpected-listeners`: LISTEN sockets on ports outside an allow-list the user gives. */

import { NONE } from "../../model/socket_table.ts";
import { fmtEndpoint, KeyCounter, LISTEN, round4, withoutFirst } from "./_scan.ts";
import type { Fact, Params } from "./fact.ts";
import { stableJson, stepsText } from "./fact.ts";

/** The answer the `answer` param names, own properties only. */
function answerOf(p: Params, answers: Readonly<Record<string, unknown>>): unknown {
  return typeof p.answer === "string" && Object.hasOwn(answers, p.answer) ? answers[p.answer] : undefined;
}

/** The port ranges in an allow-list: numbers, or text like `22, 443 8000-8100`. */
function portRanges(v: unknown, into: [number, number][]): void {
  for (const it of Array.isArray(v) ? v : [v]) {
    if (typeof it === "number" && Number.isInteger(it)) into.push([it, it]);
    else if (typeof it === "string") {
      for (const tok of it.split(/[\s,;]+/)) {
        const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(tok);
        if (m) into.push([Number(m[1]), Number(m[2] ?? m[1])]);
      }
    }
  }
}

export const unexpectedListeners: Fact = {
  spec: {
    id: "unexpected-listeners",
    summary: "LISTEN sockets on ports outside an allow-list the user gives: the ports in `params.allow` plus those in the answer to the question named by `params.answer` (text like `22,80,443,8000-8100`). Grouped by local endpoint.",
    params: [
      { name: "allow", type: "string", help: "allowed ports and ranges, comma or space separated (e.g. \"22, 443, 8000-8100\"); set it in a copy of the rule in your rules directory" },
      { name: "answer", type: "string", help: "id of a question whose answer lists more allowed ports (the built-in rule asks `allowed-listen-ports`)" },
    ],
    type: "object",
    paths: [
      { path: "$.allowed", type: "string", help: "the allow-list used, as text" },
      { path: "$.listeners", type: "number", help: "LISTEN sockets in the inputs" },
      { path: "$.count", type: "number", help: "LISTEN sockets on ports outside the allow-list" },
      { path: "$.distinct", type: "number", help: "distinct local endpoints among them" },
      { path: "$.ports", type: "string", help: "their ports, sorted, as one text (\"8081, 8443\")" },
      { path: "$.top", type: "object", help: "the first such endpoint" },
      { path: "$.top.key", type: "string", nullable: true, help: "its local endpoint (null when there is none)" },
      { path: "$.top.count", type: "number", help: "its LISTEN sockets" },
      { path: "$.top.share", type: "number", unit: "share", help: "its share of count" },
      { path: "$.groups", type: "list", items: "object", help: "such endpoints" },
      { path: "$.groups[N].key", type: "string", help: "the N-th such endpoint" },
      { path: "$.groups[N].count", type: "number", help: "its LISTEN sockets" },
      { path: "$.groups[N].share", type: "number", unit: "share", help: "its share of count" },
    ],
    unknown: "null when no allow-list is given (no `allow` param and no answer): without one every listener would look unexpected.",
    example: "{ fact: unexpected-listeners, params: { answer: allowed-listen-ports }, path: $.count, operator: greaterThan, value: 0 }",
  },
  masked: true,
  // the answer it reads is part of its key
  key: (p, answers) => `${stableJson(p)}${typeof p.answer === "string" ? `|${stableJson(answerOf(p, answers) ?? null)}` : ""}`,
  pass: (p) => `unexpected-listeners|${stableJson(p)}`,
  compute({ scan, params, mask: ex, answers }) {
    const ranges: [number, number][] = [];
    portRanges(params.allow, ranges);
    if (typeof params.answer === "string") portRanges(answerOf(params, answers), ranges);
    if (ranges.length === 0) {
      const q = typeof params.answer === "string" ? params.answer : "allowed-listen-ports";
      return { value: null, why: `no allow-list of listening ports was given (answer ${q}, e.g. --answer ${q}=22,80,443)` };
    }
    const allowed = (p: number) => ranges.some(([lo, hi]) => p >= lo && p <= hi);
    const t = scan.t, v = t.strings;
    const kc = new KeyCounter();
    let listeners = 0, count = 0;
    const ports = new Set<number>(), { order, start } = scan.stateIndex();
    for (let k = start[LISTEN]; k < start[LISTEN + 1]; k++) {
      const i = order[k];
      if (ex && ex[i]) continue;
      listeners++;
      const p = t.localPort[i];
      if (p === NONE || allowed(p)) continue;
      count++;
      ports.add(p);
      kc.addTuple(t.localAddr[i], p, 0, i, 0);
    }
    const groups = kc.top(10).map((slot) => {
      const i = kc.first[slot];
      return { key: fmtEndpoint(v.str(t.localAddr[i]), t.localPort[i]), count: kc.counts[slot], share: round4(kc.counts[slot] / Math.max(count, 1)), first: i };
    });
    return {
      value: {
        allowed: ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(","),
        listeners,
        count,
        distinct: kc.size,
        ports: [...ports].sort((a, b) => a - b).join(", "),
        top: groups[0] ? withoutFirst(groups[0]) : { key: null, count: 0, share: 0 },
        groups,
      },
    };
  },
  words: (_p, steps) => `unexpected-listeners${steps.length ? `.${stepsText(steps)}` : ""}`,
};
