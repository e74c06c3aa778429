/**
 * Answers to the rules' questions: the one normaliser, used for
 * `--answer ID=VALUE` and for answers typed in the session. Yes-no answers
 * become true/false, number answers numbers, choices the choice as the
 * rule spells it, text trimmed text; anything else is refused with an
 * error that says what the question takes.
 */

import { inert } from "../text/inert.ts";
import { ERRORS, errorKind } from "./errors.ts";
import type { Rule, RuleQuestion } from "./rule.ts";

/**
 * The question every diagnosis can start from: the error the user sees.
 * Its answer (`--error TEXT`, `--answer error=TEXT`, the guided session's
 * first question) is an error kind; the `symptoms` fact counts it as seen,
 * and the findings that explain it come first.
 */
export const ERROR_QUESTION: RuleQuestion = {
  id: "error",
  text: "What error do you see?",
  kind: "choice",
  choices: ERRORS.filter((e) => e.common).map((e) => e.kind),
};

const YES = ["yes", "y", "true", "1", "on"];
const NO = ["no", "n", "false", "0", "off"];

/** An answer a question cannot take. */
export class AnswerError extends Error {
  override name = "AnswerError";
  readonly code = "bad-answer";
  readonly question: string;
  readonly hint: string;
  constructor(question: string, message: string, hint: string) {
    super(message);
    this.question = question;
    this.hint = hint;
  }
}

/** What a question takes, in words (for hints and prompts). */
export function answerHint(q: Pick<RuleQuestion, "kind" | "choices">): string {
  switch (q.kind) {
    case "yes-no": return "answer yes or no (also y/n, true/false, 1/0, on/off)";
    case "number": return "answer a number";
    case "choice": return `answer one of: ${(q.choices ?? []).join(", ")}`;
    default: return "answer any text";
  }
}

/**
 * The answer to `q` as the `answers` fact holds it. Takes text as typed, or
 * a value already typed (true, 42).
 *
 * @example
 * ```ts
 * normalizeAnswer({ id: "restarted", kind: "yes-no" }, "On"); // true
 * normalizeAnswer({ id: "restarted", kind: "yes-no" }, "maybe"); // throws AnswerError
 * ```
 */
export function normalizeAnswer(q: Pick<RuleQuestion, "id" | "kind" | "choices">, raw: unknown): boolean | number | string {
  const bad = (what: string): never => {
    throw new AnswerError(q.id, `"${inert(what)}" is not an answer to question "${q.id}": ${answerHint(q)}`, answerHint(q));
  };
  if (q.id === ERROR_QUESTION.id) {
    // any error tcpdoc knows, by name, number or text
    const kind = typeof raw === "string" ? errorKind(raw) : undefined;
    if (kind) return kind;
    const hint = `name an error tcpdoc knows, e.g. "cannot assign requested address", EADDRINUSE or 10055 (known: ${ERRORS.map((e) => e.kind).join(", ")})`;
    throw new AnswerError(q.id, `"${inert(String(raw))}" is not an error tcpdoc knows: ${hint}`, hint);
  }
  if (q.kind === "yes-no" && typeof raw === "boolean") return raw;
  if (q.kind === "number" && typeof raw === "number") return Number.isFinite(raw) ? raw : bad(String(raw));
  const text = typeof raw === "string" ? raw.trim() : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : bad(String(raw));
  switch (q.kind) {
    case "yes-no": {
      const l = text.toLowerCase();
      if (YES.includes(l)) return true;
      if (NO.includes(l)) return false;
      return bad(text);
    }
    case "number":
      return text !== "" && Number.isFinite(Number(text)) ? Number(text) : bad(text);
    case "choice":
      return (q.choices ?? []).find((c) => c.toLowerCase() === text.toLowerCase()) ?? bad(text);
    default:
      return text === "" ? bad(text) : text;
  }
}

/**
 * Answers given by question id, typed by the questions the rules ask. An
 * id no rule asks is kept as given (a user rule may read it through the
 * `answers` fact); an answer a question cannot take throws AnswerError.
 */
export function normalizeAnswers(raw: Readonly<Record<string, unknown>>, rules: readonly Rule[]): Record<string, unknown> {
  const questions = new Map<string, RuleQuestion>([[ERROR_QUESTION.id, ERROR_QUESTION]]);
  for (const r of rules) for (const q of r.questions ?? []) if (!questions.has(q.id)) questions.set(q.id, q);
  const out: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(raw)) {
    const q = questions.get(id);
    Object.defineProperty(out, id, { value: q ? normalizeAnswer(q, v) : v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
