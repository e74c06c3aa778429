/** The terminal's size, following resizes; fixed when the caller gives one (tests). */

import { useStdout } from "ink";
import { useEffect, useState } from "react";

/** Columns and rows to lay the session out in. */
export interface Size {
  columns: number;
  rows: number;
}

/** Returns `fixed` when given, else the stdout size (80x24 when unknown). */
export function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout?.columns || 80, rows: stdout?.rows || 24 });
  const [size, setSize] = useState<Size>(read);
  useEffect(() => {
    if (fixed || !stdout) return;
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
