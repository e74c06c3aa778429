/**
 * The canonical TCP states and their numeric ids. How each tool spells them
 * is the business of its format (src/ingest/formats/), whose lists the
 * format registry composes into one table.
 */

/** Canonical state names, in the order of the TCP state diagram. */
export const STATES = [
  "LISTEN",
  "SYN_SENT",
  "SYN_RECV",
  "ESTABLISHED",
  "FIN_WAIT_1",
  "FIN_WAIT_2",
  "CLOSE_WAIT",
  "CLOSING",
  "LAST_ACK",
  "TIME_WAIT",
  "CLOSED",
  "BOUND",
] as const;

/** A canonical state name. */
export type StateName = typeof STATES[number];

/** Numeric id stored in the socket table: 0 means "the dump does not say". */
export const UNKNOWN_STATE = 0;

const ID_BY_NAME = new Map<string, number>(STATES.map((s, i) => [s, i + 1]));

/** Returns the name for a state id, or undefined for UNKNOWN_STATE. */
export function stateName(id: number): StateName | undefined {
  return STATES[id - 1];
}

/** Returns the id for a canonical name. */
export function stateId(name: StateName): number {
  return ID_BY_NAME.get(name)!;
}
