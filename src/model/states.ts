/** Canonical TCP states, their numeric ids and every spelling tcpdoc reads. */

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

// Every spelling seen in the tools' output, keyed exactly as printed.
// Sources: net-tools netstat.c tcp_state[], iproute2 ss.c sstate_name[],
// include/net/tcp_states.h, BSD tcp_fsm.h tcpstates[], Windows netstat and
// MIB_TCP_STATE, PowerShell's TCPState enum, lsof's TCP state names, and the
// localized words listed in samples/LOCALIZATION.md.
const ALIASES: Record<string, StateName> = {
  // Linux net-tools netstat, BusyBox, Windows netstat (English)
  LISTEN: "LISTEN",
  LISTENING: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RECV: "SYN_RECV",
  SYN_RECEIVED: "SYN_RECV",
  SYN_RCVD: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  FIN_WAIT1: "FIN_WAIT_1",
  FIN_WAIT2: "FIN_WAIT_2",
  FIN_WAIT_1: "FIN_WAIT_1",
  FIN_WAIT_2: "FIN_WAIT_2",
  CLOSE_WAIT: "CLOSE_WAIT",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
  CLOSE: "CLOSED",
  CLOSED: "CLOSED",
  BOUND: "BOUND",
  DELETE_TCB: "CLOSED",
  // iproute2 ss
  ESTAB: "ESTABLISHED",
  "SYN-SENT": "SYN_SENT",
  "SYN-RECV": "SYN_RECV",
  "FIN-WAIT-1": "FIN_WAIT_1",
  "FIN-WAIT-2": "FIN_WAIT_2",
  "CLOSE-WAIT": "CLOSE_WAIT",
  "LAST-ACK": "LAST_ACK",
  "TIME-WAIT": "TIME_WAIT",
  "NEW-SYN-RECV": "SYN_RECV",
  UNCONN: "CLOSED",
  // PowerShell Get-NetTCPConnection (TCPState enum)
  Listen: "LISTEN",
  SynSent: "SYN_SENT",
  SynReceived: "SYN_RECV",
  Established: "ESTABLISHED",
  FinWait1: "FIN_WAIT_1",
  FinWait2: "FIN_WAIT_2",
  CloseWait: "CLOSE_WAIT",
  Closing: "CLOSING",
  LastAck: "LAST_ACK",
  TimeWait: "TIME_WAIT",
  Closed: "CLOSED",
  DeleteTCB: "CLOSED",
  Bound: "BOUND",
};

const ALIAS_IDS = new Map<string, number>(
  Object.entries(ALIASES).map(([k, v]) => [k, ID_BY_NAME.get(v)!]),
);

/** Adds spellings (for example localized words) to the table that {@link parseState} reads. */
export function addStateAliases(aliases: Record<string, StateName>): void {
  for (const [k, v] of Object.entries(aliases)) ALIAS_IDS.set(k, ID_BY_NAME.get(v)!);
}

/**
 * Returns the state id for a token exactly as a tool printed it, or
 * UNKNOWN_STATE when the token is not a state word.
 *
 * @example
 * ```ts
 * parseState("CLOSE-WAIT") === stateId("CLOSE_WAIT");
 * ```
 */
export function parseState(token: string): number {
  return ALIAS_IDS.get(token) ?? UNKNOWN_STATE;
}

/** /proc/net/tcp state codes (include/net/tcp_states.h), indexed by the hex value. */
export const PROC_STATE_IDS: readonly number[] = [
  UNKNOWN_STATE,
  stateId("ESTABLISHED"), // 01
  stateId("SYN_SENT"), // 02
  stateId("SYN_RECV"), // 03
  stateId("FIN_WAIT_1"), // 04
  stateId("FIN_WAIT_2"), // 05
  stateId("TIME_WAIT"), // 06
  stateId("CLOSED"), // 07 TCP_CLOSE
  stateId("CLOSE_WAIT"), // 08
  stateId("LAST_ACK"), // 09
  stateId("LISTEN"), // 0A
  stateId("CLOSING"), // 0B
  stateId("SYN_RECV"), // 0C TCP_NEW_SYN_RECV
];

/** ss state filter words (`ss state close-wait`), as iproute2 spells them. */
export const SS_FILTER_STATES: Record<string, StateName> = {
  established: "ESTABLISHED",
  "syn-sent": "SYN_SENT",
  "syn-recv": "SYN_RECV",
  "fin-wait-1": "FIN_WAIT_1",
  "fin-wait-2": "FIN_WAIT_2",
  "time-wait": "TIME_WAIT",
  closed: "CLOSED",
  "close-wait": "CLOSE_WAIT",
  "last-ack": "LAST_ACK",
  listening: "LISTEN",
  listen: "LISTEN",
  closing: "CLOSING",
};
