/**
 * The probe catalogue and the placeholder vocabulary in Markdown, for
 * docs/rule-authoring.md (between the `checks:begin` and `checks:end`
 * markers); a test checks the file is current.
 */

import { COUNTER_NAMES, MAX_SECONDS, SYSCTL_KEYS, TYPE_WORDS } from "./params.ts";
import { PLACEHOLDERS } from "./placeholders.ts";
import { PROBES } from "./probes.ts";

const PLATFORMS = ["linux", "macos", "freebsd", "windows"] as const;

function cell(s: string): string {
  return s.replace(/\|/g, "\\|");
}

const WHERE: Record<string, string> = { linux: "Linux", macos: "macOS", freebsd: "FreeBSD", windows: "Windows" };

/**
 * The probe catalogue as the README's safety section states it: per probe,
 * exactly what it reads or runs on each system (PID stands for the pid the
 * check names).
 */
export function probeAccessMarkdown(): string[] {
  return PROBES.map((p) => {
    const on = PLATFORMS.filter((pl) => p.on[pl]).map((pl) => {
      const a = p.on[pl]!({ pid: "PID" as unknown as number, keys: ["KEY"], names: ["NAME"], seconds: 1 });
      if (a.kind === "spawn") return `${WHERE[pl]} runs \`${a.argv.join(" ")}\``;
      const files = a.files.map((f) => f.replace("/proc/sys/KEY", "/proc/sys/KEY (KEY from the fixed list in docs/rule-authoring.md)"));
      return `${WHERE[pl]} reads ${files.map((f) => `\`${f.replace(/ \(.*\)$/, "")}\`${/ \(.*\)$/.exec(f)?.[0] ?? ""}`).join(", ")}${a.seconds ? " (more than once)" : ""}`;
    });
    return `- \`${p.id}\` (${p.title}): ${on.join("; ")}.`;
  });
}

/** The generated part of the rule-authoring guide's section on checks. */
export function checksMarkdown(): string {
  const out: string[] = ["### Probes", "", "| probe | what it does | parameters | runs on |", "|---|---|---|---|"];
  for (const p of PROBES) {
    const params = Object.entries(p.params).map(([k, s]) => `\`${k}\`${s.required ? "" : "?"}: ${s.type}`).join(", ") || "none";
    const on = PLATFORMS.filter((pl) => p.on[pl]).map((pl) => {
      const a = p.on[pl]!({ pid: 1234, keys: ["fs.file-max"], names: ["TcpActiveOpens"], seconds: 5 });
      return a.kind === "read" ? `${pl} (reads /proc)` : `${pl} (\`${a.argv[0]}\`)`;
    });
    out.push(`| \`${p.id}\` | ${cell(p.help)} | ${cell(params)} | ${on.join(", ")} |`);
  }
  out.push("", "Parameter types (`?` marks an optional parameter):", "");
  for (const [t, w] of Object.entries(TYPE_WORDS)) if (t !== "name") out.push(`- \`${t}\`: ${w}`);
  out.push("", `Watches and deltas last at most ${MAX_SECONDS} s.`, "");
  out.push(`Kernel settings a probe reads: ${SYSCTL_KEYS.map((k) => `\`${k}\``).join(", ")}.`, "");
  out.push(`Counters a probe reads: ${COUNTER_NAMES.map((k) => `\`${k}\``).join(", ")}.`, "");
  out.push("### Placeholders", "", "| placeholder | type | filled from the finding's evidence |", "|---|---|---|");
  for (const p of PLACEHOLDERS) out.push(`| \`${p.name}\` | ${p.type} | ${cell(p.help)} |`);
  return out.join("\n") + "\n";
}
