/** `sysctls`: kernel settings by sysctl key. */

import { intOf } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

export const sysctls: Fact = {
  spec: {
    id: "sysctls",
    summary: "Kernel settings by sysctl key (net.ipv4.tcp_tw_reuse, net.core.somaxconn, ...). Numbers for single integers, text otherwise (ranges read like `32768 60999`).",
    params: [],
    type: "object",
    paths: [{ path: "$['<KEY>']", type: ["number", "string"], help: "the setting; use the bracket form since keys contain dots" }],
    unknown: "Undefined (unknown) when the key is not in the inputs; defaults are never assumed here.",
    example: "{ fact: sysctls, path: \"$['net.ipv4.tcp_tw_reuse']\", operator: equal, value: 0 }",
  },
  masked: false,
  compute({ scan }) {
    const out: Record<string, number | string> = {};
    for (const [key, s] of scan.snap.sysctls) {
      const v = s.value.trim().replace(/\s+/g, " ");
      out[key] = intOf(v) ?? v;
    }
    return { value: out };
  },
  words: (_p, steps) => `sysctl ${stepsText(steps)}`,
  whyUnknown: (tail) => `sysctl ${tail} is not in the inputs (add the output of sysctl ${tail})`,
};
