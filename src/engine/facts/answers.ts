/** `answers`: the user's answers to the rules' questions. */

import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

export const answers: Fact = {
  spec: {
    id: "answers",
    summary: "The user's answers to the rules' questions, by question id: yes-no answers are true/false, number answers numbers, others text.",
    params: [],
    type: "object",
    paths: [{ path: "$.<QUESTION-ID>", type: ["boolean", "number", "string"], help: "the answer" }],
    unknown: "Undefined (unknown) until the question is answered (`--answer ID=VALUE` or the interactive session).",
    example: "{ fact: answers, path: $.server-restarted, operator: equal, value: true }",
  },
  masked: false,
  // the answers change between evaluations of the same snapshot
  memo: false,
  compute: ({ answers }) => ({ value: answers }),
  words: (_p, steps) => `answer to "${stepsText(steps)}"`,
  whyUnknown: (tail) => `question "${tail}" is not answered (--answer ${tail}=...)`,
};
