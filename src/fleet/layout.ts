/**
 * How a fleet is laid out on disk or in an archive: a directory per host
 * (any depth of files below it belongs to that host, as Ansible's fetch
 * leaves them), or snapshot files side by side whose header names the
 * host. A `labels.txt` in a host's directory holds its labels.
 */

/** The file in a host's directory that holds its labels (`key=value` lines). */
export const LABELS_FILE = "labels.txt";

/** Labels kept per host, and their lengths: a labels file is input from outside. */
const MAX_LABELS = 32;
const MAX_LABEL_VALUE = 200;

export interface HostFiles {
  host: string;
  /** Paths relative to the fleet's root, `/`-separated. */
  files: string[];
  labelsFile?: string;
}

export interface Layout {
  hosts: HostFiles[];
  /** Files not in a host's directory: each is a host when its snapshot header names one. */
  loose: string[];
}

/** Groups relative paths by host directory; a leading directory all paths share is not a host. */
export function groupHosts(paths: readonly string[]): Layout {
  const split = paths.map((p) => p.split("/"));
  let strip = 0;
  // strip directories every path shares ("fleet/web01/..." from an archive of the fleet directory)
  while (split.length > 0 && split.every((s) => s.length > strip + 1 && s[strip] === split[0][strip])) strip++;
  const hosts = new Map<string, HostFiles>();
  const loose: string[] = [];
  split.forEach((s, i) => {
    const rest = s.slice(strip);
    if (rest.length < 2) {
      loose.push(paths[i]);
      return;
    }
    const name = rest[0];
    let h = hosts.get(name);
    if (!h) hosts.set(name, (h = { host: name, files: [] }));
    if (rest.length === 2 && rest[1] === LABELS_FILE) h.labelsFile = paths[i];
    else h.files.push(paths[i]);
  });
  return { hosts: [...hosts.values()].filter((h) => h.files.length > 0).sort((a, b) => (a.host < b.host ? -1 : 1)), loose: loose.sort() };
}

/** Reads `key=value` lines (blank lines and `#` comments skipped); the rest is ignored. */
export function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]{0,62})\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith("#")) continue;
    if (n++ >= MAX_LABELS) break;
    out[m[1]] = m[2].replace(/^"(.*)"$/, "$1").slice(0, MAX_LABEL_VALUE);
  }
  return out;
}

/** The host a tcpdoc snapshot's first line names, when the text starts with one. */
export function snapshotHeaderHost(firstLine: string): string | undefined {
  if (!firstLine.startsWith("# tcpdoc snapshot v1 ")) return undefined;
  const m = / host=("(?:[^"\\]|\\.)*"|\S+)/.exec(firstLine);
  if (!m) return undefined;
  let v = m[1];
  if (v.startsWith('"')) {
    try {
      v = String(JSON.parse(v));
    } catch {
      return undefined;
    }
  }
  return v || undefined;
}
