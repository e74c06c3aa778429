/**
 * PowerShell `Get-NetTCPConnection` output: the default table and any column
 * subset or order from Format-Table/Select-Object (read by the header and its
 * `----` underline), Format-List records, and `Group-Object State` tables
 * (with or without -NoElement), which give counts per state.
 */

import { NONE, type SocketRow } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { parsePort, socketRow } from "../endpoint.ts";
import { type Format, type Line, type ParseContext, parserState, type Sink } from "../format.ts";
import { isDigits } from "../scan.ts";

const FORMAT = "powershell";

// MSFT_NetTCPConnection.State as Get-NetTCPConnection prints it (the TCPState enum).
const STATE_WORDS: Readonly<Record<string, StateName>> = {
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
const LISTEN = stateId("LISTEN");
const BOUND = stateId("BOUND");

// MSFT_NetTCPConnection.State as a number (Format-Table of the raw CIM value).
const NUMERIC_STATES = new Map<string, number>(Object.entries({
  "1": stateId("CLOSED"), "2": stateId("LISTEN"), "3": stateId("SYN_SENT"), "4": stateId("SYN_RECV"),
  "5": stateId("ESTABLISHED"), "6": stateId("FIN_WAIT_1"), "7": stateId("FIN_WAIT_2"), "8": stateId("CLOSE_WAIT"),
  "9": stateId("CLOSING"), "10": stateId("LAST_ACK"), "11": stateId("TIME_WAIT"), "12": stateId("CLOSED"),
  "100": stateId("BOUND"),
}));

// Columns that make a table (or a list record) a Get-NetTCPConnection one.
const ADDRESS_COLUMNS = new Set(["LocalAddress", "LocalPort", "RemoteAddress", "RemotePort"]);
// The other properties of MSFT_NetTCPConnection, accepted inside a list record.
const OTHER_PROPERTIES = new Set([
  "State", "AppliedSetting", "OwningProcess", "CreationTime", "OffloadState", "Caption", "Description", "ElementName",
  "InstanceID", "CommunicationStatus", "DetailedStatus", "HealthState", "InstallDate", "Name", "OperatingStatus",
  "OperationalStatus", "PrimaryStatus", "Status", "StatusDescriptions", "AvailableRequestedStates", "EnabledDefault",
  "EnabledState", "OtherEnabledState", "RequestedState", "TimeOfLastStateChange", "TransitioningToState",
  "AggregationBehavior", "Directionality", "PSComputerName", "CimClass", "CimInstanceProperties",
  "CimSystemProperties", "ProcessName", "Process",
]);
// Properties the default list view shows first; with all five a record can be emitted.
const CORE = ["LocalAddress", "LocalPort", "RemoteAddress", "RemotePort", "State"];

/** What the parser remembers between lines of one input. */
interface State {
  /** Start offsets of the table's columns, from the underline. */
  starts: number[] | undefined;
  /** The current table is a Group-Object one (Count, Name, ...). */
  group: boolean;
  /** The Format-List record being read. */
  record: Map<string, string> | undefined;
  /** The current record became a socket already. */
  emitted: boolean;
  /** The keys of one whole record, learnt when the second record starts. */
  recordKeys: string[] | undefined;
}

function state(ctx: ParseContext): State {
  return parserState<State>(ctx, FORMAT, () => ({ starts: undefined, group: false, record: undefined, emitted: false, recordKeys: undefined }));
}

function stateOf(ctx: ParseContext, v: string): number {
  if (v === "") return UNKNOWN_STATE;
  return NUMERIC_STATES.get(v) ?? ctx.states.id(v);
}

function hostOf(v: string): string {
  // "fe80::1%12" carries a scope; the address is what matters.
  const pct = v.indexOf("%");
  return pct === -1 ? v : v.slice(0, pct);
}

// An IPv4 or IPv6 address as PowerShell prints it, with an optional "%scope".
const IP = /^[0-9A-Fa-f:.]+(?:%[\w.-]+)?$/;

/** Builds a row from named values; undefined when they do not describe a socket. */
function rowFrom(ctx: ParseContext, get: (name: string) => string | undefined): SocketRow | undefined {
  const la = get("LocalAddress"), lp = get("LocalPort"), ra = get("RemoteAddress"), rp = get("RemotePort");
  if (lp !== undefined && lp !== "" && !isDigits(lp)) return undefined;
  if (rp !== undefined && rp !== "" && !isDigits(rp)) return undefined;
  if (!lp && !rp) return undefined;
  if (la !== undefined && !IP.test(la)) return undefined;
  if (ra !== undefined && ra !== "" && !IP.test(ra)) return undefined;
  const st = get("State");
  const state = st === undefined ? UNKNOWN_STATE : stateOf(ctx, st);
  if (st !== undefined && st !== "" && state === UNKNOWN_STATE) return undefined;
  const local = { host: la ? hostOf(la) : "", port: lp ? parsePort(lp) : NONE };
  const remote = { host: ra ? hostOf(ra) : "", port: rp ? parsePort(rp) : NONE };
  // Windows has no Recv-Q or Send-Q.
  const row = socketRow(state, local, remote, NONE, NONE);
  // Listeners and Bound sockets show RemotePort 0: no peer, not port 0.
  if (row.remotePort === 0 && (state === LISTEN || state === BOUND)) row.remotePort = NONE;
  const pid = get("OwningProcess");
  if (pid && isDigits(pid)) row.pid = Number(pid);
  const name = get("ProcessName");
  if (name) row.program = name;
  return row;
}

/** Splits a table row at the column starts learnt from the underline. */
function cells(text: string, starts: number[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    out.push(text.slice(starts[k], k + 1 < starts.length ? starts[k + 1] : undefined).trim());
  }
  return out;
}

function tableRow(line: Line, ctx: ParseContext, cols: string[], st: State, sink: Sink): "socket" | undefined {
  const t = line.tokens;
  let values: string[];
  if (st.starts && st.starts.length === cols.length) values = cells(line.text, st.starts);
  else if (t.length === cols.length) values = t;
  else if (t.length === cols.length - 1 && cols.includes("AppliedSetting")) {
    // Without an underline: AppliedSetting is the column that is empty (listeners, Bound).
    const k = cols.indexOf("AppliedSetting");
    values = [...t.slice(0, k), "", ...t.slice(k)];
  } else return undefined;
  if (st.group) {
    const count = values[cols.indexOf("Count")], name = values[cols.indexOf("Name")];
    if (count === undefined || name === undefined || !isDigits(count)) return undefined;
    // Grouped by State ("TimeWait"), or, when the command kept one state (-State Bound), by another property.
    const only = ctx.command?.states?.length === 1 ? ctx.command.states[0] : UNKNOWN_STATE;
    const s = stateOf(ctx, name.split(",")[0].trim()) || only;
    if (s === UNKNOWN_STATE) return undefined;
    sink.tally(s, Number(count), "group-object");
    return "socket";
  }
  const row = rowFrom(ctx, (name) => {
    const k = cols.indexOf(name);
    return k === -1 ? undefined : values[k];
  });
  if (!row) return undefined;
  sink.socket(row);
  return "socket";
}

/** A Format-List property line: "LocalAddress   : ::". */
function listLine(line: Line, ctx: ParseContext, st: State, sink: Sink): "socket" | "detail" | undefined {
  const t = line.tokens;
  const key = t[0];
  let rec = st.record;
  if (!rec && !ADDRESS_COLUMNS.has(key) && key !== "State" && key !== "OwningProcess") return undefined;
  if (!ADDRESS_COLUMNS.has(key) && !OTHER_PROPERTIES.has(key)) return undefined;
  const c = line.text.indexOf(":");
  const value = line.text.slice(c + 1).trim();
  let kind: "socket" | "detail" = "detail";
  if (rec && rec.has(key)) {
    // A repeated key starts the next record: the one before is complete.
    if (!st.recordKeys) st.recordKeys = [...rec.keys()];
    if (!st.emitted && emitRecord(ctx, rec, sink)) kind = "socket";
    rec = undefined;
  }
  if (!rec) {
    st.record = rec = new Map();
    st.emitted = false;
  }
  rec.set(key, value);
  if (st.emitted) {
    // A property after the socket was emitted: its owner.
    if (key === "OwningProcess" && isDigits(value)) sink.detail({ pid: Number(value) });
    return kind;
  }
  const keys = st.recordKeys;
  const complete = keys ? keys.every((k) => rec.has(k)) : CORE.every((k) => rec.has(k));
  if (complete && emitRecord(ctx, rec, sink)) {
    st.emitted = true;
    return "socket";
  }
  return kind;
}

function emitRecord(ctx: ParseContext, rec: Map<string, string>, sink: Sink): boolean {
  const row = rowFrom(ctx, (name) => rec.get(name));
  if (!row) return false;
  sink.socket(row);
  return true;
}

function isUnderline(t: string[]): boolean {
  for (const w of t) {
    for (let i = 0; i < w.length; i++) if (w.charCodeAt(i) !== 45) return false;
  }
  return true;
}

// The default table's columns, for rows pasted without their header.
const DEFAULT_COLUMNS = ["LocalAddress", "LocalPort", "RemoteAddress", "RemotePort", "State", "AppliedSetting", "OwningProcess"];
// The AppliedSetting values (MSFT_NetTCPConnection): a row's sixth field when it has one.
const APPLIED = new Set(["Internet", "Datacenter", "Compat", "InternetCustom", "DatacenterCustom"]);

/**
 * A row of the default table without its header ("127.0.0.1  1120  127.0.0.1
 * 60014  TimeWait  0"): two address-port pairs, a PowerShell state word,
 * then perhaps AppliedSetting and the owning process.
 */
function headerless(t: string[], ctx: ParseContext, sink: Sink): "socket" | undefined {
  if (t.length < 5 || t.length > 7 || !IP.test(t[0]) || !IP.test(t[2]) || !isDigits(t[1]) || !isDigits(t[3])) return undefined;
  if (!Object.hasOwn(STATE_WORDS, t[4])) return undefined;
  const values = t.length === 7 ? t : t.length === 6 && APPLIED.has(t[5]) ? [...t, ""] : t.length === 6 ? [...t.slice(0, 5), "", t[5]] : [...t, "", ""];
  if (values[5] !== "" && !APPLIED.has(values[5]) || values[6] !== "" && !isDigits(values[6])) return undefined;
  const row = rowFrom(ctx, (name) => values[DEFAULT_COLUMNS.indexOf(name)]);
  if (!row) return undefined;
  sink.socket(row);
  return "socket";
}

/** Get-NetTCPConnection tables, lists and Group-Object counts. */
export const powershell: Format = {
  format: FORMAT,
  reads: "PowerShell Get-NetTCPConnection tables and lists, and Group-Object State counts",
  platform: "windows",
  states: STATE_WORDS,
  commands: ["Get-NetTCPConnection", "get-nettcpconnection"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    const t0 = t[0];
    const st = state(ctx);
    // Format-List: "Key : value" (the colon stands alone after the padded key).
    if (t.length >= 2 && t[1] === ":") return listLine(line, ctx, st, sink);
    // Underline under a table header: learn where the columns start.
    if (t0.charCodeAt(0) === 45 /* - */ && isUnderline(t)) {
      if (t.length < 2) return undefined;
      if (ctx.columns && ctx.columns.length === t.length) {
        const starts: number[] = [];
        const s = line.text;
        for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 45 && (i === 0 || s.charCodeAt(i - 1) !== 45)) starts.push(i);
        // Right-aligned numbers may start left of their dashes: cut each column at the gap before it.
        st.starts = starts.map((x, k) => (k === 0 ? 0 : x));
      }
      return "header";
    }
    // Table headers.
    if (t0 === "Count" && t[1] === "Name") {
      ctx.columns = t;
      st.group = true;
      st.starts = undefined;
      return "header";
    }
    if (t.some((w) => ADDRESS_COLUMNS.has(w)) && t.every((w) => ADDRESS_COLUMNS.has(w) || OTHER_PROPERTIES.has(w))) {
      ctx.columns = t;
      st.group = false;
      st.starts = undefined;
      return "header";
    }
    const cols = ctx.columns;
    return (cols ? tableRow(line, ctx, cols, st, sink) : undefined) ?? headerless(t, ctx, sink);
  },
};
