/**
 * The fleet's files: a directory (a directory per host, or snapshot files
 * side by side) or a tar archive of one (.tar, .tar.gz, .tgz), read with
 * the runtime's own gzip. Bounded: files, depth, bytes per file and in all;
 * symbolic links are not followed. Each host's texts are read only when
 * asked for, so a fleet's analysis holds a few hosts' texts at a time.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { FileProblem } from "../fleet/host.ts";
import { groupHosts, type HostFiles, parseLabels, snapshotHeaderHost } from "../fleet/layout.ts";
import { readTar, TarError } from "../fleet/tar.ts";
import { inert } from "../text/inert.ts";
import { DEFAULT_MAX_INPUT } from "./files.ts";
import { InputError } from "./input_error.ts";

/** One host of the fleet, its texts read on demand. */
export interface FleetHost {
  host: string;
  labels: Record<string, string>;
  /** The inputs' names as the report shows them (relative to the fleet's root). */
  inputs: string[];
  /** The files on disk to read (a directory fleet); absent for an archive, whose texts read() gives. */
  files?: string[];
  read(): { path: string; text: string }[];
}

export interface FleetSource {
  from: string;
  hosts: FleetHost[];
  /** Files and archive entries left out (links, files outside any host's directory), with why. */
  skipped: FileProblem[];
}

/** Files a fleet directory or archive may hold, and how deep a directory is walked. */
const MAX_FILES = 100_000;
const MAX_DEPTH = 8;
const utf8 = new TextDecoder("utf-8");

function isArchive(p: string): "tar" | "tgz" | undefined {
  return /\.(tar\.gz|tgz)$/i.test(p) ? "tgz" : /\.tar$/i.test(p) ? "tar" : undefined;
}

/** Opens a fleet directory or archive. Throws InputError. */
export function openFleet(where: string, maxInput = DEFAULT_MAX_INPUT): FleetSource {
  let st: fs.Stats;
  try {
    st = fs.statSync(where);
  } catch {
    throw new InputError("INPUT_NOT_FOUND", where, `${inert(where)}: no such directory or archive (--fleet takes a directory with a directory per host, or a .tar.gz of one)`);
  }
  if (st.isDirectory()) return fromDirectory(where, maxInput);
  const kind = isArchive(where);
  if (!kind) throw new InputError("INPUT_NOT_UNDERSTOOD", where, `${inert(where)}: --fleet takes a directory or a .tar, .tar.gz or .tgz archive`);
  return fromArchive(where, kind, maxInput);
}

function fromDirectory(root: string, maxInput: number): FleetSource {
  const rel: string[] = [];
  const skipped: FileProblem[] = [];
  const walk = (dir: string, depth: number) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = dir ? `${dir}/${e.name}` : e.name;
      if (e.isSymbolicLink()) skipped.push({ file: r, reason: "a symbolic link (not followed)" });
      else if (e.isDirectory()) {
        if (depth < MAX_DEPTH) walk(r, depth + 1);
        else skipped.push({ file: r, reason: `deeper than ${MAX_DEPTH} directories` });
      } else if (e.isFile()) {
        if (rel.length >= MAX_FILES) throw new InputError("INPUT_TOO_LARGE", root, `${inert(root)}: more than ${MAX_FILES} files`);
        rel.push(r);
      }
    }
  };
  walk("", 0);
  const readText = (r: string): string => {
    const full = path.join(root, r);
    const size = fs.statSync(full).size;
    if (size > maxInput) throw new InputError("INPUT_TOO_LARGE", full, `${inert(full)} is bigger than --max-input (${maxInput} bytes)`);
    return utf8.decode(fs.readFileSync(full));
  };
  const firstLine = (r: string): string => {
    const fd = fs.openSync(path.join(root, r), "r");
    try {
      const b = new Uint8Array(512);
      const n = fs.readSync(fd, b, 0, b.length, 0);
      return utf8.decode(b.subarray(0, n)).split("\n")[0];
    } finally {
      fs.closeSync(fd);
    }
  };
  return assemble(root, rel, readText, firstLine, skipped, (r) => path.join(root, r));
}

function fromArchive(file: string, kind: "tar" | "tgz", maxInput: number): FleetSource {
  const size = fs.statSync(file).size;
  if (size > maxInput) throw new InputError("INPUT_TOO_LARGE", file, `${inert(file)} is bigger than --max-input (${maxInput} bytes)`);
  let bytes: Uint8Array = fs.readFileSync(file);
  try {
    if (kind === "tgz") bytes = zlib.gunzipSync(bytes, { maxOutputLength: maxInput });
    const tar = readTar(bytes, { maxEntries: MAX_FILES, maxBytes: maxInput });
    const byPath = new Map(tar.files.map((f) => [f.path, f.data]));
    const skipped = tar.skipped.map((s) => ({ file: s.path, reason: s.why === "link" ? "a link (not followed)" : s.why === "special" ? "not a regular file" : "an unsafe path (absolute, or climbing out with ..)" }));
    return assemble(file, [...byPath.keys()], (r) => utf8.decode(byPath.get(r)!), (r) => utf8.decode(byPath.get(r)!.subarray(0, 512)).split("\n")[0], skipped);
  } catch (e) {
    const why = e instanceof TarError ? e.message : (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? `unpacks to more than --max-input (${maxInput} bytes)` : `not a gzip archive (${(e as Error).message})`;
    throw new InputError("INPUT_NOT_UNDERSTOOD", file, `${inert(file)}: ${inert(why)}`);
  }
}

function assemble(from: string, rel: string[], readText: (r: string) => string, firstLine: (r: string) => string, skipped: FileProblem[], onDisk?: (r: string) => string): FleetSource {
  const layout = groupHosts(rel);
  const hosts: HostFiles[] = [...layout.hosts];
  // loose files: a host each when their snapshot header names one (files of one host join)
  const byHeader = new Map<string, HostFiles>();
  for (const r of layout.loose) {
    const h = snapshotHeaderHost(firstLine(r));
    if (!h) {
      skipped.push({ file: r, reason: "not in a host's directory, and not a tcpdoc snapshot that names its host" });
      continue;
    }
    const known = hosts.find((x) => x.host === h) ?? byHeader.get(h);
    if (known) known.files.push(r);
    else byHeader.set(h, { host: h, files: [r] });
  }
  hosts.push(...byHeader.values());
  hosts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return {
    from,
    skipped,
    hosts: hosts.map((h) => ({
      host: h.host,
      labels: h.labelsFile ? parseLabels(readText(h.labelsFile)) : {},
      inputs: h.files,
      ...(onDisk ? { files: h.files.map(onDisk) } : {}),
      read: () => h.files.map((r) => ({ path: r, text: readText(r) })),
    })),
  };
}
