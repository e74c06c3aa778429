/** The fleet overview screen: the fleet document, scrolled with the keys of the session; q quits. */

import { Box, Text } from "ink";
import type { FleetAnalysis } from "../../fleet/evaluate.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { KeyProvider, type KeyPress, useKeyHandler } from "../hooks/use-keys.ts";
import { useTerminalSize } from "../hooks/use-terminal-size.ts";
import { fleetOverviewLines } from "../fleet_doc.ts";
import { DocView } from "./DocView.tsx";

/** Props of {@link FleetOverview}. */
export interface FleetOverviewProps {
  analysis: FleetAnalysis;
  color: boolean;
  onQuit(): void;
  /** A fixed size (tests); else the terminal's. */
  size?: { columns: number; rows: number };
}

function Screen({ analysis, color, size }: Omit<FleetOverviewProps, "onQuit">) {
  const { columns, rows } = useTerminalSize(size);
  const height = Math.max(3, rows - 2);
  const lines = fleetOverviewLines(analysis, columns);
  const cursor = useDocCursor(lines, height);
  useKeyHandler((k: KeyPress) => cursor.handle(k));
  return (
    <Box flexDirection="column" width={columns}>
      <DocView lines={lines} top={cursor.top} height={height} width={columns} selected={cursor.sel} color={color} />
      <Text dimColor={color}>↑↓ PgUp PgDn move · q quit · per host: tcpdoc analyze HOST-FILES</Text>
    </Box>
  );
}

/** The fleet overview, with its own key reader. */
export function FleetOverview({ onQuit, ...rest }: FleetOverviewProps) {
  const global = (k: KeyPress): boolean => {
    if (k.input === "q" || k.interrupt || k.escape) return onQuit(), true;
    return false;
  };
  return (
    <KeyProvider onUnhandled={global}>
      <Screen {...rest} />
    </KeyProvider>
  );
}
