/**
 * Every network namespace of this machine (Linux): /proc/PID/net/tcp{,6}
 * read once per distinct namespace (by the inode /proc/PID/ns/net links
 * to), from its lowest pid; each labelled by the container or pod its
 * processes' cgroup paths name (docker, containerd, CRI-O, Kubernetes pod
 * UID). One owner scan over /proc/PID/fd serves every namespace: socket
 * inodes are unique across them.
 */

import * as fs from "node:fs";
import { applyOwners, finishSnapshot, Ingestor } from "../ingest/mod.ts";
import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { inert } from "../text/inert.ts";
import { InputError } from "./input_error.ts";
import { scanOwners, socketInodes } from "./live.ts";
import { isDenied, permissionError, readProcFile } from "./proc_file.ts";

/** What each namespace's snapshot reads, under /proc/PID/. */
const NS_FILES = ["net/tcp", "net/tcp6", "net/netstat", "net/snmp", "net/sockstat", "net/sockstat6"] as const;

export interface NamespaceSnapshot {
  /** The namespace's inode (the number in net:[...]). */
  inode: number;
  /** The pid its tables were read through. */
  pid: number;
  /** A name for reports: "host" for the machine's own namespace (pid 1's), else the pod, the container, or netns-INODE. */
  name: string;
  /** netns, and container / pod_uid / runtime when a cgroup path says so. */
  labels: Record<string, string>;
  snap: Snapshot;
}

/** What a cgroup path says about the container a process runs in. */
export interface ContainerRef {
  runtime?: "docker" | "containerd" | "cri-o" | "kubernetes";
  /** The container id (64 hex digits in the paths; the first 12 are shown). */
  container?: string;
  /** The Kubernetes pod UID, with dashes. */
  podUid?: string;
}

/**
 * Reads /proc/PID/cgroup text: the docker (`/docker/ID`, `docker-ID.scope`),
 * containerd (`cri-containerd-ID.scope`), CRI-O (`crio-ID.scope`) and
 * Kubernetes (`kubepods...pod<UID>`) forms, cgroup v1 or v2.
 */
export function containerOf(cgroup: string): ContainerRef {
  const out: ContainerRef = {};
  for (const line of cgroup.split("\n")) {
    const path = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
    const pod = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/.exec(path);
    if (pod && !out.podUid) out.podUid = pod[1].replaceAll("_", "-");
    const id = /(?:^|[/-])(docker|cri-containerd|crio)[-/]([0-9a-f]{64})(?:\.scope)?(?:\/|$)/.exec(path) ?? /\/([0-9a-f]{64})(?:\/|$)/.exec(path);
    if (id && !out.container) {
      const kind = id.length === 3 ? id[1] : undefined;
      out.container = id.length === 3 ? id[2] : id[1];
      out.runtime = kind === "docker" ? "docker" : kind === "cri-containerd" ? "containerd" : kind === "crio" ? "cri-o" : out.podUid ? "kubernetes" : undefined;
      if (!out.runtime) delete out.runtime;
    }
  }
  if (out.podUid && !out.runtime) out.runtime = "kubernetes";
  return out;
}

function nsInode(pid: number, proc: string): number | undefined {
  try {
    const m = /^net:\[(\d+)\]$/.exec(fs.readlinkSync(`${proc}/${pid}/ns/net`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function selfInode(proc: string): number | undefined {
  try {
    const m = /^net:\[(\d+)\]$/.exec(fs.readlinkSync(`${proc}/self/ns/net`));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function readCgroup(pid: number, proc: string): string {
  try {
    return fs.readFileSync(`${proc}/${pid}/cgroup`, "utf8");
  } catch {
    return "";
  }
}

/** The distinct network namespaces, each with its lowest pid and what its processes' cgroups say. */
export function listNamespaces(proc = "/proc"): { inode: number; pid: number; ref: ContainerRef }[] {
  let pids: number[];
  try {
    pids = fs.readdirSync(proc).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch (e) {
    if (isDenied(e)) throw permissionError(proc, e);
    throw new InputError("LIVE_UNREADABLE", proc, `cannot list ${proc}: is /proc mounted?`);
  }
  const byInode = new Map<number, { inode: number; pid: number; ref: ContainerRef }>();
  for (const pid of pids) {
    const inode = nsInode(pid, proc);
    if (inode === undefined) continue;
    let ns = byInode.get(inode);
    if (!ns) byInode.set(inode, (ns = { inode, pid, ref: {} }));
    // the first process that names a container or pod names the namespace
    if (!ns.ref.container && !ns.ref.podUid) {
      const ref = containerOf(readCgroup(pid, proc));
      if (ref.container || ref.podUid) ns.ref = ref;
    }
  }
  return [...byInode.values()];
}

/**
 * A snapshot of every network namespace (Linux, root or CAP_SYS_PTRACE to
 * see other users' namespaces). Kernel settings are not read: /proc/sys
 * shows tcpdoc's own namespace only.
 */
export function namespaceSnapshots(o: { owners?: boolean; proc?: string } = {}): NamespaceSnapshot[] {
  const proc = o.proc ?? "/proc";
  // the machine's own namespace is init's (pid 1), also seen from a container
  // given the host's /proc; where pid 1 cannot be read, tcpdoc's own
  const own = nsInode(1, proc) ?? selfInode(proc);
  const time = new Date().toISOString();
  const out: NamespaceSnapshot[] = [];
  for (const ns of listNamespaces(proc)) {
    const snap = emptySnapshot(true);
    let any = false;
    for (const f of NS_FILES) {
      const path = `${proc}/${ns.pid}/${f}`;
      let ing: Ingestor | undefined;
      const ok = readProcFile(path, (bytes) => {
        ing ??= new Ingestor(snap, `live:${path}`);
        ing.push(bytes);
      });
      if (ok) (ing ?? new Ingestor(snap, `live:${path}`)).end();
      if (ok && f.startsWith("net/tcp")) any = true;
    }
    if (!any) continue; // the process ended meanwhile
    const labels: Record<string, string> = { netns: String(ns.inode) };
    if (ns.ref.runtime) labels.runtime = ns.ref.runtime;
    if (ns.ref.container) labels.container = ns.ref.container.slice(0, 12);
    if (ns.ref.podUid) labels.pod_uid = ns.ref.podUid;
    const name = ns.inode === own ? "host" : ns.ref.podUid ? `pod-${ns.ref.podUid}` : ns.ref.container ? `container-${ns.ref.container.slice(0, 12)}` : `netns-${ns.inode}`;
    if (ns.inode === own) labels.netns_host = "true";
    snap.capture = { platform: "linux", host: inert(name), kernel: "", time };
    out.push({ inode: ns.inode, pid: ns.pid, name, labels, snap });
  }
  if (o.owners !== false) {
    const wanted = new Set<number>();
    for (const ns of out) socketInodes(ns.snap, wanted);
    const scan = scanOwners(wanted, proc);
    for (const ns of out) applyOwners(ns.snap, scan.owners);
  }
  // As liveSnapshot does: counts from the counter files resolved against the rows, inputs of one moment merged.
  for (const ns of out) finishSnapshot(ns.snap);
  return out.sort((a, b) => (a.name === "host" ? -1 : b.name === "host" ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
