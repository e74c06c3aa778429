/**
 * What differs between the TCP stacks tcpdoc reads: how long TIME_WAIT
 * lasts, the default ephemeral port range, the names of the settings, and
 * the commands that show sockets and queues. Facts (the `platform` fact,
 * the ephemeral range) and the reports (which checks to show) read this
 * table; rules reach it through the `platform` fact.
 *
 * Sources: Linux include/net/tcp.h (TCP_TIMEWAIT_LEN) and ip-sysctl.rst
 * (ip_local_port_range 32768-60999, somaxconn); Microsoft's "TCP/IP port
 * exhaustion" and TcpTimedWaitDelay documentation (120 s since Windows
 * Server 2008, dynamic ports 49152-65535 since Vista, `netsh int ipv4 show
 * dynamicport tcp`); FreeBSD tcp(4) and listen(2) (net.inet.tcp.msl 30 s,
 * kern.ipc.soacceptqueue, the queue may hold 1.5 x the backlog), the
 * FreeBSD ip(4) portrange sysctls (first 10000, last 65535); macOS
 * sysctl net.inet.tcp.msl (15 s) and net.inet.ip.portrange (49152-65535).
 */

import type { Platform } from "../model/snapshot.ts";

export type { Platform };

/** Every platform, in the order reports list them. */
export const PLATFORMS: readonly Platform[] = ["linux", "macos", "freebsd", "windows"];

/** What one stack does and calls things. */
export interface PlatformFacts {
  /** How it is named in sentences. */
  name: string;
  /** Seconds a socket stays in TIME_WAIT by default. */
  timeWaitSeconds: number;
  /** The setting that decides it, as a user changes it. */
  timeWaitSetting: string;
  /** The default ephemeral (dynamic) port range. */
  range: { low: number; high: number };
  /** The setting(s) holding the range, and the command that shows it. */
  rangeSetting: string;
  rangeCommand: string;
  /** The cap on a listener's backlog. */
  backlogSetting: string;
  /** How far a listen queue may fill before new connections are dropped, as a multiple of the backlog. */
  overflowFactor: number;
  /** Commands that list sockets: all TCP sockets with their processes, the listeners with their queues. */
  socketsCommand: string;
  listenersCommand: string;
  /** The socket option that keeps another socket off a listening port while it is in use. */
  exclusiveBind: string;
}

const TABLE: Readonly<Record<Platform, PlatformFacts>> = {
  linux: {
    name: "Linux",
    timeWaitSeconds: 60,
    timeWaitSetting: "none (TCP_TIMEWAIT_LEN is compiled in)",
    range: { low: 32768, high: 60999 },
    rangeSetting: "net.ipv4.ip_local_port_range",
    rangeCommand: "sysctl net.ipv4.ip_local_port_range",
    backlogSetting: "net.core.somaxconn",
    overflowFactor: 1,
    socketsCommand: "ss -tanp",
    listenersCommand: "ss -ltn",
    exclusiveBind: "SO_REUSEADDR",
  },
  macos: {
    name: "macOS",
    timeWaitSeconds: 30,
    timeWaitSetting: "net.inet.tcp.msl (TIME_WAIT lasts twice the MSL)",
    range: { low: 49152, high: 65535 },
    rangeSetting: "net.inet.ip.portrange.first and net.inet.ip.portrange.last",
    rangeCommand: "sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last",
    backlogSetting: "kern.ipc.somaxconn",
    overflowFactor: 1.5,
    socketsCommand: "netstat -anv -p tcp",
    listenersCommand: "netstat -Lan",
    exclusiveBind: "SO_REUSEADDR",
  },
  freebsd: {
    name: "FreeBSD",
    timeWaitSeconds: 60,
    timeWaitSetting: "net.inet.tcp.msl (TIME_WAIT lasts twice the MSL)",
    range: { low: 10000, high: 65535 },
    rangeSetting: "net.inet.ip.portrange.first and net.inet.ip.portrange.last",
    rangeCommand: "sysctl net.inet.ip.portrange.first net.inet.ip.portrange.last",
    backlogSetting: "kern.ipc.soacceptqueue",
    overflowFactor: 1.5,
    socketsCommand: "sockstat -4 -6 -P tcp",
    listenersCommand: "netstat -Lan",
    exclusiveBind: "SO_REUSEADDR",
  },
  windows: {
    name: "Windows",
    timeWaitSeconds: 120,
    timeWaitSetting: "TcpTimedWaitDelay (HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters)",
    range: { low: 49152, high: 65535 },
    rangeSetting: "the dynamic port range",
    rangeCommand: "netsh int ipv4 show dynamicport tcp",
    backlogSetting: "the listen() backlog (SOMAXCONN)",
    overflowFactor: 1,
    socketsCommand: "Get-NetTCPConnection",
    listenersCommand: "Get-NetTCPConnection -State Listen",
    exclusiveBind: "SO_EXCLUSIVEADDRUSE",
  },
};

/** The facts of a platform. */
export function platformFacts(p: Platform): PlatformFacts {
  return TABLE[p];
}

/** True for a platform name. */
export function isPlatform(v: unknown): v is Platform {
  return typeof v === "string" && (PLATFORMS as readonly string[]).includes(v);
}

/** The platform an input format's rows come from; undefined when the format does not say (lsof, netstat-bsd, histograms). */
export function formatPlatform(format: string): Platform | "bsd" | undefined {
  switch (format) {
    case "ss":
    case "proc-net-tcp":
    case "netstat-linux":
      return "linux";
    case "netstat-windows":
    case "powershell":
      return "windows";
    case "sockstat":
      return "freebsd";
    case "netstat-bsd":
      return "bsd";
    default:
      return undefined;
  }
}

/** The platform a sysctl key belongs to; undefined for keys several share. */
export function sysctlPlatform(key: string): Platform | "bsd" | undefined {
  if (key.startsWith("net.ipv4.") || key.startsWith("net.core.") || key.startsWith("net.netfilter.") || key.startsWith("fs.")) return "linux";
  if (key.startsWith("kern.ipc.soacceptqueue")) return "freebsd";
  if (key.startsWith("net.inet.")) return "bsd";
  return undefined;
}

/** Node's names for the live host's platform. */
export function nodePlatform(p: string | undefined): Platform | undefined {
  switch (p) {
    case "linux": return "linux";
    case "darwin": return "macos";
    case "freebsd": return "freebsd";
    case "win32": return "windows";
    default: return undefined;
  }
}

/**
 * Whether a check or fix for `platforms` applies on `p`: everything applies
 * where the platform is unknown; "bsd" (macOS or FreeBSD, not told apart)
 * takes either; an empty list applies everywhere.
 */
export function appliesOn(platforms: readonly string[] | undefined, p: Platform | "bsd" | undefined): boolean {
  if (!platforms || platforms.length === 0 || p === undefined) return true;
  if (p === "bsd") return platforms.includes("macos") || platforms.includes("freebsd");
  return platforms.includes(p);
}
