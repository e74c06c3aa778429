/** The loaded rules, where each came from, and the problems found loading them. */

import { Box } from "ink";
import { useEffect, useState } from "react";
import type { Finding } from "../../model/finding.ts";
import { useDocCursor } from "../hooks/use-doc-cursor.ts";
import { LAYER, useKeyHandler } from "../hooks/use-keys.ts";
import { inert, inertLines } from "../../text/inert.ts";
import { clip, type DocLine, line, wrapText } from "../lines.ts";
import { DocView } from "./DocView.tsx";

/** One loaded rule, as the rules view shows it. */
export interface RuleEntry {
  id: string;
  title: string;
  severity?: string;
  /** The file it was loaded from. */
  source: string;
  /** "built-in", "user" ($XDG_CONFIG_HOME), "--rules DIR". */
  origin: string;
  enabled: boolean;
  /** Set when a later rule with the same id replaced this one. */
  replacedBy?: string;
  /** The rule in full, wrapped to `width` columns (what `tcpdoc explain RULE-ID` prints). */
  explain?: (width: number) => string;
}

/** A problem found while loading or validating a rule file. */
export interface RuleProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
  severity?: "error" | "warning";
}

/** What the rules view lists. */
export interface RuleListing {
  rules: RuleEntry[];
  problems: RuleProblem[];
}

/** Props of {@link RulesView}. */
export interface RulesViewProps {
  /** The listing, or a function that loads it when the view opens; absent: derived from the findings. */
  rules?: RuleListing | (() => Promise<RuleListing>);
  findings: readonly Finding[];
  width: number;
  height: number;
  color: boolean;
  /** Whether the view takes keys. @default true */
  active?: boolean;
  /** Shows only the rules whose id, title or file holds this text (any case). */
  filter?: string;
}

/** Builds the rules view's lines; `entries[i]` is the rule of item i (undefined for a problem). */
export function rulesLines(
  listing: RuleListing | undefined,
  findings: readonly Finding[],
  width: number,
  error?: string,
  entries: (RuleEntry | undefined)[] = [],
): DocLine[] {
  const out: DocLine[] = [];
  const fired = new Set(findings.map((f) => f.rule));
  if (error) out.push(line({ text: `The rules could not be listed: ${error}`, color: "red" }));
  if (!listing) {
    out.push(line({ text: "Rules that produced a finding", bold: true, color: "magenta" }));
    const seen = new Map<string, string>();
    for (const f of findings) seen.set(f.rule, f.source);
    if (seen.size === 0) out.push(line("  (none)"));
    for (const [id, src] of seen) out.push(line({ text: `  ${id.padEnd(32)}`, bold: true }, { text: src, dim: true }));
    out.push(line(), line({ text: "The full rule list is not available in this build.", dim: true }));
    return out;
  }
  const problems = listing.problems;
  if (problems.length) {
    out.push(line({ text: `Problems (${problems.length})`, bold: true, color: "red" }));
    let item = 0;
    for (const p of problems) {
      const where = `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}`;
      for (const [i, l] of wrapText(inert(`${where}: ${p.message}`), width, "    ").entries()) {
        out.push({ segs: [{ text: i === 0 ? `  ${l.slice(4)}` : l, color: p.severity === "warning" ? "yellow" : "red" }], item });
      }
      entries[item] = undefined;
      item++;
    }
    out.push(line());
  }
  const origins = [...new Set(listing.rules.map((r) => r.origin))];
  out.push(line({ text: `Rules (${listing.rules.length})`, bold: true, color: "magenta" }, { text: "  * fired in this session", dim: true }));
  let item = problems.length;
  for (const o of origins) {
    out.push(line({ text: `  ${o}`, bold: true }));
    for (const r of listing.rules.filter((x) => x.origin === o)) {
      const mark = fired.has(r.id) ? "*" : " ";
      const state = !r.enabled ? " (disabled)" : r.replacedBy ? ` (replaced by ${r.replacedBy})` : "";
      const sev = (r.severity ?? "").padEnd(8);
      const head = `  ${mark} ${r.id.padEnd(30)} ${sev} `;
      out.push({
        segs: [
          { text: head, bold: fired.has(r.id), dim: !r.enabled || Boolean(r.replacedBy) },
          { text: clip(inert(`${r.title}${state}`), Math.max(10, width - head.length)), dim: !r.enabled || Boolean(r.replacedBy) },
        ],
        item,
      });
      out.push({ segs: [{ text: `      ${clip(inert(r.source), width - 6)}`, dim: true }], item });
      entries[item] = r;
      item++;
    }
  }
  return out;
}

/** The rules view. */
export function RulesView({ rules, findings, width, height, color, active = true, filter = "" }: RulesViewProps) {
  const [listing, setListing] = useState<RuleListing | undefined>(typeof rules === "function" ? undefined : rules);
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(typeof rules === "function");
  useEffect(() => {
    if (typeof rules !== "function") return;
    let live = true;
    rules().then((l) => live && setListing(l), (e: Error) => live && setError(e.message)).finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [rules]);
  const entries: (RuleEntry | undefined)[] = [];
  const q = filter.toLowerCase();
  const shown = listing && q ? { ...listing, rules: listing.rules.filter((r) => [r.id, r.title, r.source].some((t) => t.toLowerCase().includes(q))) } : listing;
  // Without the full list, the rules that fired are the list the filter applies to.
  const listed = !listing && q ? findings.filter((f) => [f.rule, f.source].some((t) => t.toLowerCase().includes(q))) : findings;
  const lines = loading ? [line({ text: "Loading the rules…", dim: true })] : rulesLines(shown, listed, width - 2, error, entries);
  const cursor = useDocCursor(lines, height);
  const [reading, setReading] = useState<RuleEntry | undefined>();
  const text: DocLine[] = reading?.explain ? inertLines(reading.explain(width - 2)).map((l) => line(l)) : [];
  const reader = useDocCursor(text, height, { sel: -1, top: 0 });
  useKeyHandler((k) => {
    if (reading) {
      if (reader.handle(k)) return true;
      if (k.back || k.enter) return setReading(undefined), true;
      return false;
    }
    if (cursor.handle(k)) return true;
    const e = entries[cursor.sel];
    if (k.enter && e?.explain) return setReading(e), true;
    return false;
  }, LAYER.screen, active);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {reading
        ? <DocView lines={text} top={reader.top} height={height} width={width} selected={-1} color={color} />
        : <DocView lines={lines} top={cursor.top} height={height} width={width} selected={cursor.sel} color={color} />}
    </Box>
  );
}
