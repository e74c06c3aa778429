/** Asks where to save the session as Markdown, then writes it (through the edge's writer). */

import { Box, Text } from "ink";
import { useState } from "react";
import { inert } from "../../text/inert.ts";
import type { KeyPress } from "../keys.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { clip } from "../lines.ts";
import { SegText } from "./DocView.tsx";

/** Props of {@link ExportPrompt}. */
export interface ExportPromptProps {
  defaultPath: string;
  /** What is exported, as the box's first line. */
  title?: string;
  width: number;
  color: boolean;
  /** Writes the export; returns an error message or undefined. */
  onSave(path: string): string | undefined;
  onClose(): void;
}

/** A one-line text field: its text and the cursor (0..length). */
export interface Field {
  text: string;
  at: number;
}

/**
 * Applies one key to a text field: characters insert at the cursor;
 * Backspace, Left/Right, Home/End (and Ctrl-A/Ctrl-E), Ctrl-U (erase to the
 * start) edit. Undefined when the key is not an editing key.
 */
export function editField(f: Field, k: KeyPress): Field | undefined {
  if (k.input && !k.ctrl) return { text: f.text.slice(0, f.at) + k.input + f.text.slice(f.at), at: f.at + k.input.length };
  if (k.clearLine) return { text: f.text.slice(f.at), at: 0 };
  if (k.erase) return f.at === 0 ? f : { text: f.text.slice(0, f.at - 1) + f.text.slice(f.at), at: f.at - 1 };
  if (k.left) return { ...f, at: Math.max(0, f.at - 1) };
  if (k.right) return { ...f, at: Math.min(f.text.length, f.at + 1) };
  if (k.home) return { ...f, at: 0 };
  if (k.end) return { ...f, at: f.text.length };
  return undefined;
}

/** The field's visible window and cursor: the cursor stays in view in `room` columns. */
function fieldView(f: Field, room: number): { before: string; under: string; after: string } {
  const start = Math.max(0, Math.min(f.at - room + 1, f.text.length - room + 1));
  const shown = f.text.slice(Math.max(0, start), Math.max(0, start) + room);
  const at = f.at - Math.max(0, start);
  return { before: shown.slice(0, at), under: shown[at] ?? " ", after: shown.slice(at + 1) };
}

/** A one-field form in a box. */
export function ExportPrompt({ defaultPath, title, width, color, onSave, onClose }: ExportPromptProps) {
  const [field, setField] = useState<Field>({ text: defaultPath, at: defaultPath.length });
  const [error, setError] = useState<string | undefined>();
  useKeyHandler((k) => {
    if (k.escape) return onClose(), true;
    if (k.enter) {
      const p = field.text.trim();
      if (!p) setError("give a file name");
      else {
        const err = onSave(p);
        if (err) setError(err);
        else onClose();
      }
      return true;
    }
    const next = editField(field, k);
    if (next) {
      setField(next);
      setError(undefined);
    }
    return !k.interrupt;
  }, LAYER.modal);
  const inner = width - 4;
  const v = fieldView({ text: inert(field.text), at: Math.min(field.at, inert(field.text).length) }, Math.max(10, inner - 7));
  return (
    <Box flexDirection="column" borderStyle={color ? "round" : "classic"} borderColor={color ? "cyan" : undefined} width={width} height={6} paddingX={1}>
      <SegText color={color} segs={[{ text: clip(title ?? "Export the session as Markdown (findings, evidence, answers, steps, probes run)", inner), bold: true }]} />
      {color ? (
        <Text wrap="truncate-end">
          File: <Text color="cyan">{v.before}</Text><Text inverse>{v.under}</Text><Text color="cyan">{v.after}</Text>
        </Text>
      ) : (
        <Text wrap="truncate-end">{`File: ${v.before}${v.under === " " ? "_" : v.under}${v.after}`}</Text>
      )}
      <SegText color={color} segs={[{ text: inert(error ?? ""), color: "red" }]} />
      <Text dimColor={color}>{clip("Enter: save  Esc: cancel  ←→ Home End: move  Ctrl-U: erase to start", inner)}</Text>
    </Box>
  );
}
