/** Splitting "host:port" and "host.port" endpoints as the various tools print them. */

import { NONE } from "../model/socket_table.ts";

/** An endpoint: host as printed without brackets or scope, port or NONE for "*". */
export interface Endpoint {
  host: string;
  port: number;
}

/** Parses a port token; "*" and anything not a port give NONE. */
export function parsePort(s: string): number {
  const n = s.length > 0 && s.length <= 5 ? Number(s) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : NONE;
}

function stripScope(host: string): string {
  const pct = host.indexOf("%");
  return pct === -1 ? host : host.slice(0, pct);
}

/**
 * Splits an endpoint whose port follows the last colon: Linux netstat
 * (`::1:8080`, `0.0.0.0:*`), ss (`[::1]:8080`, `*:22`, `127.0.0.53%lo:53`),
 * Windows (`[::]:135`, `*:*`, `host:https`).
 * Returns undefined when there is no colon.
 */
export function splitColonPort(s: string): Endpoint | undefined {
  const c = s.lastIndexOf(":");
  if (c <= 0) return undefined;
  let host = s.slice(0, c);
  if (host.length > 1 && host.charCodeAt(0) === 91 /* [ */ && host.charCodeAt(host.length - 1) === 93) {
    host = host.slice(1, -1);
  }
  return { host: stripScope(host), port: parsePortOrService(s.slice(c + 1)) };
}

/**
 * Splits a BSD/macOS endpoint whose port follows the last dot:
 * `127.0.0.1.8080`, `*.22`, `*.*`, `fe80::1%lo0.123`, `::1.631`.
 */
export function splitDotPort(s: string): Endpoint | undefined {
  const d = s.lastIndexOf(".");
  if (d <= 0) return undefined;
  return { host: stripScope(s.slice(0, d)), port: parsePortOrService(s.slice(d + 1)) };
}

/** Address family of a host string: 6 when it has a colon, 4 for dotted quads, else 0. */
export function familyOf(host: string): 0 | 4 | 6 {
  if (host.indexOf(":") !== -1) return 6;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return 4;
  return 0;
}

// Service names printed in place of port numbers when a tool runs without -n
// (from IANA's registry as /etc/services ships it; the ones servers commonly use).
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, www: 80, "www-http": 80, kerberos: 88, pop3: 110,
  sunrpc: 111, epmap: 135, "loc-srv": 135, "netbios-ssn": 139, imap: 143, imap2: 143, ldap: 389, https: 443,
  "microsoft-ds": 445, submission: 587, ldaps: 636, imaps: 993, pop3s: 995, "ms-sql-s": 1433, mysql: 3306,
  "ms-wbt-server": 3389, postgresql: 5432, postgres: 5432, amqp: 5672, "x11": 6000, redis: 6379, "http-alt": 8080,
  webcache: 8080, "wsman": 5985, "wsmans": 5986, "memcache": 11211, "mongodb": 27017, "cslistener": 9000,
  "afs3-callback": 7001, "jetdirect": 9100, "ircd": 6667, "rsync": 873, "nfs": 2049, "hbci": 3000, "xmpp-client": 5222,
};

/** Parses a port token that may be a service name (`https`); NONE when neither. */
export function parsePortOrService(s: string): number {
  const n = parsePort(s);
  return n !== NONE ? n : SERVICES[s] ?? NONE;
}
