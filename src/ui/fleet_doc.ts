/**
 * The fleet overview of the guided session (tcpdoc --fleet DIR, or
 * --all-netns, in a terminal): the fleet findings, the connections seen from
 * both ends, and every host with its worst finding, as a document of
 * selectable items. Pure: the FleetOverview component shows it.
 */

import type { FleetAnalysis } from "../fleet/evaluate.ts";
import { severityRank, type Severity } from "../model/finding.ts";
import { stateWords } from "../report/fleet.ts";
import { type DocLine, line, pct, type Seg, wrapText } from "./lines.ts";

const SEV_COLOR: Record<Severity, Seg["color"]> = { critical: "red", warning: "yellow", info: "cyan" };

function heading(text: string): DocLine {
  return line({ text, bold: true, color: "magenta" });
}

/** The overview's lines; each fleet finding and each host is one item. */
export function fleetOverviewLines(a: FleetAnalysis, width: number): DocLine[] {
  const w = Math.max(30, width - 2);
  const out: DocLine[] = [];
  let item = 0;
  const failed = a.hosts.filter((h) => h.error).length;
  out.push(line({ text: `Fleet ${a.from}: ${a.hosts.length} hosts`, bold: true }, failed ? { text: `, ${failed} not analysed`, color: "red" } : ""));
  out.push(line());
  out.push(heading(a.findings.length ? `Fleet findings (${a.findings.length})` : "Fleet findings: none"));
  for (const f of a.findings) {
    const id = item++;
    out.push({ item: id, segs: [{ text: `${f.severity.toUpperCase().padEnd(9)}`, color: SEV_COLOR[f.severity], bold: true }, { text: f.title, bold: true }] });
    for (const l of wrapText(f.message, w - 9, "         ")) out.push({ item: id, segs: [{ text: l }] });
    if (f.hosts.length) for (const l of wrapText(`hosts: ${f.hosts.join(", ")}`, w - 9, "         ")) out.push({ item: id, segs: [{ text: l, dim: true }] });
    out.push({ item: id, segs: [{ text: `         ${f.rule}, confidence ${pct(f.confidence)}`, dim: true }] });
  }
  if (a.pairs.length) {
    out.push(line(), heading("Connections seen from both ends"));
    for (const p of a.pairs) {
      for (const l of wrapText(`${p.count} x ${p.waiting_host} FIN_WAIT_2 -> ${p.closer_host} ${p.service} CLOSE_WAIT, held by ${p.process}`, w, "  ")) out.push(line(l));
    }
  }
  out.push(line(), heading("Hosts"));
  const nameW = Math.min(28, Math.max(4, ...a.hosts.map((h) => h.host.length)));
  for (const h of a.hosts) {
    const id = item++;
    const worst = h.findings.reduce<Severity | undefined>((m, f) => (!m || severityRank(f.severity) > severityRank(m) ? f.severity : m), undefined);
    const verdict: Seg = h.error ? { text: "failed  ", color: "red" } : worst ? { text: worst.padEnd(8), color: SEV_COLOR[worst] } : { text: "ok      ", color: "green" };
    out.push({ item: id, segs: [{ text: `  ${h.host.padEnd(nameW)} ` }, verdict, { text: h.error ? ` ${h.error}` : ` ${h.sockets} sockets: ${stateWords(h)}` }] });
    const labels = Object.entries(h.labels).map(([k, v]) => `${k}=${v}`).join(" ");
    if (labels) out.push({ item: id, segs: [{ text: `  ${" ".repeat(nameW)}          ${labels}`, dim: true }] });
    for (const f of h.findings) out.push({ item: id, segs: [{ text: `  ${" ".repeat(nameW)}          ` }, { text: f.severity, color: SEV_COLOR[f.severity] }, { text: `: ${f.title} [${f.rule}]` }] });
  }
  return out;
}
