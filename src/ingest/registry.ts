/**
 * The formats tcpdoc reads, composed: the list (in the order they are
 * offered a line), every format's state words in one table, and the
 * commands whose output they read. Built once, at construction; nothing is
 * added to a shared table when a module loads.
 */

import type { Format, ParseContext } from "./format.ts";
import { count } from "./formats/count.ts";
import { conntrack } from "./formats/conntrack.ts";
import { counters } from "./formats/counters.ts";
import { histogram } from "./formats/histogram.ts";
import { log } from "./formats/log.ts";
import { lsfd } from "./formats/lsfd.ts";
import { lsof } from "./formats/lsof.ts";
import { netstatBsd } from "./formats/netstat_bsd.ts";
import { netstatLinux } from "./formats/netstat_linux.ts";
import { netstatSolaris } from "./formats/netstat_solaris.ts";
import { netstatWindows } from "./formats/netstat_windows.ts";
import { otherRows } from "./formats/other_rows.ts";
import { powershell } from "./formats/powershell.ts";
import { resmon } from "./formats/resmon.ts";
import { procNetTcp } from "./formats/proc_net_tcp.ts";
import { psutil } from "./formats/psutil.ts";
import { shell } from "./formats/shell.ts";
import { snmp } from "./formats/snmp.ts";
import { sockstat } from "./formats/sockstat.ts";
import { ss } from "./formats/ss.ts";
import { sysctl } from "./formats/sysctl.ts";
import { tcpdocSnapshot } from "./formats/tcpdoc_snapshot.ts";
import { StateWords } from "./state_words.ts";

const PASSES = ["frame", "data", "fallback"] as const;

/** A set of formats and the tables composed from them. */
export class Registry {
  /** The formats as registered: the order `tcpdoc formats` lists them in. */
  readonly listed: readonly Format[];
  /**
   * The formats in the order a line is offered to them (after the one that
   * read the line before): "frame" formats, then "data", then "fallback"
   * (Format.pass), each in the registered order.
   */
  readonly formats: readonly Format[];
  /** Every format's state words. */
  readonly states: StateWords;
  /** Every format's commands. */
  readonly commands: ReadonlySet<string>;
  readonly #byId: ReadonlyMap<string, Format>;
  /** The state words of the formats that read each command's output, by command (see toolWords). */
  readonly #toolWords = new Map<string, (readonly [string, number])[]>();

  /** Throws when two formats share an id or spell a state word differently. */
  constructor(formats: readonly Format[]) {
    const byId = new Map<string, Format>();
    for (const f of formats) {
      if (byId.has(f.format)) throw new Error(`two formats are named "${f.format}"`);
      byId.set(f.format, f);
    }
    this.listed = formats;
    this.formats = PASSES.flatMap((pass) => formats.filter((f) => (f.pass ?? "data") === pass));
    this.#byId = byId;
    this.states = new StateWords(formats);
    this.commands = new Set(formats.flatMap((f) => f.commands ?? []));
    const all = [...this.states.entries()].map(([w]) => [w, this.states.id(w)] as const);
    this.#toolWords.set("", all);
    for (const f of formats) {
      for (const c of f.commands ?? []) {
        const list = this.#toolWords.get(c) ?? [];
        for (const w of Object.keys(f.states ?? {})) list.push([w, this.states.id(w)]);
        this.#toolWords.set(c, list);
      }
    }
  }

  /**
   * The state words printed by the tool a command line runs (every format
   * that reads that command's output), each with its state id; every
   * format's words when the tool is not known or prints none.
   */
  readonly toolWords = (tool: string | undefined): Iterable<readonly [string, number]> => {
    const list = tool === undefined ? undefined : this.#toolWords.get(tool);
    return list && list.length ? list : this.#toolWords.get("")!;
  };

  /** A fresh per-input context for these formats' parsers. */
  context(): ParseContext {
    return {
      states: this.states,
      commands: this.commands,
      stateFilter: 0,
      stateFilterAmbiguous: false,
      command: undefined,
      toolWords: this.toolWords,
      glued: undefined,
      columns: undefined,
      foreignCommand: undefined,
      scratch: {},
    };
  }

  /** The format with this id, if any. */
  byId(format: string): Format | undefined {
    return this.#byId.get(format);
  }
}

/** The formats tcpdoc reads, the more specific of two that could read the same lines first. */
export const REGISTRY = new Registry([
  procNetTcp,
  ss,
  // Before netstat-linux: BSD's "Proto ... (state)" header carries the -v column layout.
  netstatBsd,
  sockstat,
  // After netstat-bsd: its rows are BSD's "host.port" shape without a protocol column; its heading is its own.
  netstatSolaris,
  netstatLinux,
  netstatWindows,
  // Before lsof, which would take its "COMMAND PID ..." heading.
  lsfd,
  lsof,
  powershell,
  resmon,
  conntrack,
  psutil,
  // Before sysctl, which would take "OID = INTEGER: 5" for a setting.
  snmp,
  histogram,
  counters,
  sysctl,
  // Last of the data formats: rows of other tools, only what no format above reads.
  otherRows,
  log,
  // Frames (seen first): tcpdoc-snapshot before shell, which would take its "# ..." lines for prompts.
  tcpdocSnapshot,
  shell,
  // After shell: the counts printed under the command line shell has read.
  count,
]);

/** What each format reads, as registered: `tcpdoc formats` and the README's table. */
export const FORMATS: readonly Pick<Format, "format" | "reads">[] = REGISTRY.listed;
