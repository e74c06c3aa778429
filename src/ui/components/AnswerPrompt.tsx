/** Asks one of a rule's questions: pick yes/no or a choice, or type a number or text. */

import { Box, Text } from "ink";
import { useState } from "react";
import type { Question } from "../../model/finding.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { clip, wrapText } from "../lines.ts";
import { inert } from "../../text/inert.ts";
import { normalizeAnswer } from "../session.ts";
import { SegText } from "./DocView.tsx";

/** Props of {@link AnswerPrompt}. */
export interface AnswerPromptProps {
  question: Question;
  /** The answer given before, if any. */
  current?: string;
  width: number;
  height: number;
  color: boolean;
  /** Called with the answer, or undefined to clear it. */
  onAnswer(value: string | undefined): void;
  onCancel(): void;
  /** Whether the prompt takes keys. @default true */
  active?: boolean;
}

const CLEAR = "(clear my answer)";

/** Options offered for a question; empty for typed answers. */
export function answerOptions(q: Question, answered: boolean): string[] {
  const base = q.kind === "yes-no" ? ["yes", "no"] : q.kind === "choice" ? [...(q.choices ?? [])] : [];
  return base.length && answered ? [...base, CLEAR] : base;
}

/** A panel under the walkthrough that takes the answer. */
export function AnswerPrompt({ question: q, current, width, height, color, onAnswer, onCancel, active = true }: AnswerPromptProps) {
  const options = answerOptions(q, current !== undefined);
  const typed = options.length === 0;
  const [sel, setSel] = useState(Math.max(0, current !== undefined ? options.indexOf(current) : 0));
  const [text, setText] = useState(typed ? current ?? "" : "");
  const [error, setError] = useState<string | undefined>();
  useKeyHandler((k) => {
    if (k.escape || (!typed && k.back)) {
      onCancel();
      return true;
    }
    if (typed) {
      if (k.enter) {
        if (text.trim() === "" && current !== undefined) return onAnswer(undefined), true;
        const v = normalizeAnswer(q, text);
        if (v === undefined) setError(q.kind === "number" ? "type a number" : "type an answer");
        else onAnswer(v);
      } else if (k.erase) setText((t) => t.slice(0, -1));
      else if (k.input && !k.ctrl && !k.tab) setText((t) => t + k.input);
      return true; // a text field takes every key
    }
    if (k.up || k.left) setSel((s) => (s + options.length - 1) % options.length);
    else if (k.down || k.right) setSel((s) => (s + 1) % options.length);
    else if (k.enter) onAnswer(options[sel] === CLEAR ? undefined : options[sel]);
    else if (q.kind === "yes-no" && (k.input === "y" || k.input === "n")) onAnswer(k.input === "y" ? "yes" : "no");
    else return k.input !== "q" && k.input !== "?"; // leave quit and help to the app
    return true;
  }, LAYER.panel, active);
  const inner = width - 4;
  const qLines = wrapText(inert(q.text), inner, "").slice(0, Math.max(1, height - 3 - (typed ? 1 : options.length)));
  return (
    <Box flexDirection="column" borderStyle={color ? "round" : "classic"} borderColor={color ? "cyan" : undefined} width={width} height={height} paddingX={1}>
      {qLines.map((l, i) => <SegText key={i} color={color} segs={[{ text: l, bold: true }]} />)}
      {typed ? (
        <Box>
          <SegText color={color} segs={[{ text: `> ${clip(inert(text), inner - 3)}` }, { text: "_", dim: true }, { text: error ? `  ${error}` : "", color: "red" }]} />
        </Box>
      ) : (
        options.map((o, i) => (
          <SegText key={o} color={color} bold={i === sel} segs={[{ text: i === sel ? "› " : "  ", color: "cyan" }, { text: inert(o) }, { text: o === current ? "  (current)" : "", dim: true }]} />
        ))
      )}
      <Text dimColor={color}>{clip(typed ? "Enter: answer  Esc: cancel" : "↑↓: pick  Enter: answer  Esc: cancel", inner)}</Text>
    </Box>
  );
}
