/** Asks where to save the session as Markdown, then writes it. */

import { Box, Text } from "ink";
import { useState } from "react";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { clip } from "../lines.ts";
import { SegText } from "./DocView.tsx";

/** Props of {@link ExportPrompt}. */
export interface ExportPromptProps {
  defaultPath: string;
  width: number;
  color: boolean;
  /** Writes the export; returns an error message or undefined. */
  onSave(path: string): string | undefined;
  onClose(): void;
}

/** A one-field form in a box. */
export function ExportPrompt({ defaultPath, width, color, onSave, onClose }: ExportPromptProps) {
  const [path, setPath] = useState(defaultPath);
  const [error, setError] = useState<string | undefined>();
  useKeyHandler((k) => {
    if (k.escape) return onClose(), true;
    if (k.enter) {
      const p = path.trim();
      if (!p) setError("give a file name");
      else {
        const err = onSave(p);
        if (err) setError(err);
        else onClose();
      }
    } else if (k.erase) setPath((s) => s.slice(0, -1));
    else if (k.input && !k.ctrl && !k.tab) setPath((s) => s + k.input);
    return true;
  }, LAYER.modal);
  const inner = width - 4;
  return (
    <Box flexDirection="column" borderStyle={color ? "round" : "classic"} borderColor={color ? "cyan" : undefined} width={width} height={6} paddingX={1}>
      <SegText color={color} segs={[{ text: "Export the session as Markdown (findings, evidence, answers, steps)", bold: true }]} />
      <SegText color={color} segs={[{ text: "File: " }, { text: clip(path, inner - 8) + "_", color: "cyan" }]} />
      <SegText color={color} segs={[{ text: error ?? "", color: "red" }]} />
      <Text dimColor={color}>{clip("Enter: save  Esc: cancel", inner)}</Text>
    </Box>
  );
}
