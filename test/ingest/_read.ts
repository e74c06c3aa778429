/**
 * What the ingest tests share: reading texts and samples, mutated real
 * lines, and the check that a format's fast row reader reads exactly what
 * its careful parser reads.
 */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { Ingestor, REGISTRY, Registry, snapshotFromTexts } from "../../src/ingest/mod.ts";
import { tokenize } from "../../src/ingest/scan.ts";
import { emptySnapshot, type InputReport, type Snapshot } from "../../src/model/snapshot.ts";
import type { Socket } from "../../src/model/socket_table.ts";
import { summarize } from "../../src/report/analysis.ts";

export const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

/** Every socket of a snapshot as a plain object. */
export function socketsOf(snap: Snapshot): Socket[] {
  const out: Socket[] = [];
  for (let i = 0; i < snap.sockets.length; i++) out.push(snap.sockets.get(i));
  return out;
}

/** Parses a text as one input. */
export function parse(text: string, path = "inline"): { snap: Snapshot; report: InputReport; sockets: Socket[] } {
  const snap = snapshotFromTexts([{ path, text }]);
  return { snap, report: snap.inputs[0], sockets: socketsOf(snap) };
}

/** Parses lines as one paste. */
export function read(lines: string[]) {
  const { snap, report, sockets } = parse(lines.join("\n") + "\n", "paste.txt");
  return { summary: summarize(snap), report, sockets, kinds: report.kinds };
}

/** The lines parse with nothing unparsed to the given sockets and states. */
export function expectCounts(lines: string[], sockets: number, states: Record<string, number>) {
  const r = read(lines);
  assert.equal(r.report.unparsed, 0, JSON.stringify(r.report.unparsedLines));
  assert.equal(r.summary.sockets, sockets);
  assert.deepEqual(r.summary.states, states);
  return r;
}

/** Parses one data line after optional context lines and returns its socket. */
export function one(lines: string[]): Socket {
  const { sockets, report } = parse(lines.join("\n") + "\n");
  assert.equal(report.unparsed, 0, JSON.stringify(report.unparsedLines));
  assert.equal(sockets.length, 1);
  return sockets[0];
}

/** A sample's text, by its path under samples/. */
export function readSample(rel: string): string {
  return fs.readFileSync(path.join(ROOT, "samples", rel), "utf8");
}

let samples: { path: string; text: string }[] | undefined;

/** Every sample file's text, read once. */
export function sampleFiles(): { path: string; text: string }[] {
  if (samples) return samples;
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".txt") || e.name.endsWith(".log")) out.push({ path: p, text: fs.readFileSync(p, "utf8") });
    }
  };
  walk(path.join(ROOT, "samples"));
  return samples = out;
}

/** Every distinct non-blank line of the samples. */
export function sampleLines(): string[] {
  return [...new Set(sampleFiles().flatMap((s) => s.text.split(/\r?\n/)).filter((l) => l.trim()))];
}

// Characters that matter to the parsers: separators, digits, address and
// port punctuation, control characters, non-ASCII.
const ALPHABET = [..."0123456789 \t:.[]%*/-_()=,\"'#$>abcdefxyzABCDEFLISTENTIMEWAIT\r\x1b\x00\x7fé中"];
export const interesting = fc.constantFrom(...ALPHABET);

/** A real sample line with a few random edits. */
/**
 * One of `pool`'s lines, picked by index: `fc.constantFrom(...pool)` spreads
 * the pool into arguments, which overflows the stack past ~120k lines.
 */
export function pickFrom(pool: readonly string[]): fc.Arbitrary<string> {
  return fc.nat({ max: pool.length - 1 }).map((i) => pool[i]);
}

export function mutatedLine(pool: string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.constant("insert"), fc.nat(), fc.string({ unit: interesting, minLength: 1, maxLength: 4 })),
    fc.tuple(fc.constant("delete"), fc.nat(), fc.integer({ min: 1, max: 6 })),
    fc.tuple(fc.constant("replace"), fc.nat(), interesting),
    fc.tuple(fc.constant("swap"), fc.nat(), fc.nat()),
    fc.tuple(fc.constant("truncate"), fc.nat(), fc.constant(0)),
  );
  return fc.tuple(pickFrom(pool), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([line, edits]) => {
    let s = line;
    for (const [op, at, arg] of edits) {
      const i = s.length ? (at as number) % (s.length + 1) : 0;
      if (op === "insert") s = s.slice(0, i) + arg + s.slice(i);
      else if (op === "delete") s = s.slice(0, i) + s.slice(i + (arg as number));
      else if (op === "replace") s = s.slice(0, i) + arg + s.slice(i + 1);
      else if (op === "truncate") s = s.slice(0, i);
      else {
        const t = tokenize(s);
        if (t.length > 1) {
          const a = i % t.length, b = (arg as number) % t.length;
          [t[a], t[b]] = [t[b], t[a]];
          s = t.join(" ");
        }
      }
    }
    return s;
  });
}

/** Reads a text as one input with the given formats. */
export function ingest(text: string, registry: Registry = REGISTRY): Snapshot {
  const snap = emptySnapshot();
  const ing = new Ingestor(snap, "prop.txt", registry);
  ing.pushText(text);
  ing.end();
  return snap;
}

/** The same formats without their fast row readers: every line read by the careful parsers. */
export const CAREFUL = new Registry(REGISTRY.formats.map((f) => ({ ...f, rows: undefined })));

/** Everything a snapshot holds, as plain data. */
export function dump(snap: Snapshot): unknown {
  const t = snap.sockets;
  return {
    inputs: snap.inputs,
    rows: socketsOf(snap),
    strings: Array.from({ length: t.strings.size }, (_, id) => t.strings.str(id)),
    tallies: snap.tallies,
    counters: [...snap.counters],
    sysctls: [...snap.sysctls],
    symptoms: [...snap.symptoms],
    capture: snap.capture,
  };
}

/** The fast row readers read `text` exactly as the careful parsers do. */
export function assertSameAsCareful(text: string): void {
  assert.deepEqual(dump(ingest(text)), dump(ingest(text, CAREFUL)));
}

// ---- odd rows for the fast readers' properties (netstat and ss share the endpoint reader) ----

const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom("00", "01", "256", "999", "", "x"));
const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
const goodQuad = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
/** Hosts as tools print them and near misses: dotted quads, IPv4-mapped (bare, bracketed, cut short, in capitals, half-bracketed), IPv6, names. */
export const oddHost: fc.Arbitrary<string> = fc.oneof(
  quad,
  fc.tuple(fc.constantFrom("::ffff:", "[::ffff:", "::FFFF:", "::ffff:0:", "::fff:", ":ffff:"), fc.oneof(goodQuad, quad), fc.constantFrom("", "]", "]]", "a", ".", "*", "[", "]a"))
    .map(([a, b, c]) => a + b + c),
  fc.tuple(octet, octet, octet).map((o) => "::ffff:" + o.join(".")),
  fc.constantFrom("::", "::1", "::ffff:10.0.0.1", "[::]", "[::ffff:127.0.0.1]", "*", "fe80::1%eth0", "[fe80::1%lo]", "localhost", "a.b.c.d", "1.2.3"),
);
export const oddPort: fc.Arbitrary<string> = fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("*", "", "http", "0x1F", "1e3", "007", "65535", "65536", "123456"));
export const oddQueue: fc.Arbitrary<string> = fc.oneof(fc.nat({ max: 99999 }).map(String), fc.constantFrom("0", "007", "1234567890", "4294967296", "99999999999999999999", "-1", "x"));
export const oddEndpoint: fc.Arbitrary<string> = fc.tuple(oddHost, oddPort).map(([h, p]) => `${h}:${p}`);
