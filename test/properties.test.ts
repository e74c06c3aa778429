// Property tests (fast-check) for every line parser and for the ingest
// fast paths: random and mutated lines (real sample lines, mutated) never
// throw, every line is accounted for, sockets never outnumber socket lines,
// and the fast paths read exactly what the parsers read.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { LineDecoder } from "../src/ingest/decode.ts";
import { Ingestor } from "../src/ingest/ingest.ts";
import type { LineParser, ParseContext, Sink } from "../src/ingest/parser.ts";
import { tokenize } from "../src/ingest/parser.ts";
import { PARSERS } from "../src/ingest/registry.ts";
import { emptySnapshot, LINE_KINDS, type Snapshot } from "../src/model/snapshot.ts";
import { _parseCanonicalV4, StringPool } from "../src/model/socket_table.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

/** Every sample file's text, read once. */
function sampleFiles(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".txt") || e.name.endsWith(".log")) out.push({ path: p, text: fs.readFileSync(p, "utf8") });
    }
  };
  walk(path.join(ROOT, "samples"));
  return out;
}

const SAMPLES = sampleFiles();
const SAMPLE_LINES = [...new Set(SAMPLES.flatMap((s) => s.text.split(/\r?\n/)).filter((l) => l.trim()))];
// The plain rows the fast paths read, and some of each format around them.
const NETSTAT_ROWS = SAMPLE_LINES.filter((l) => /^tcp6?\s/.test(l));
const PROC_ROWS = SAMPLE_LINES.filter((l) => /^\s*\d+: [0-9A-F]{8,32}:[0-9A-F]{4} /.test(l));
const SS_ROWS = SAMPLE_LINES.filter((l) => /^(ESTAB|TIME-WAIT|LISTEN|CLOSE-WAIT|SYN-SENT|SYN-RECV|FIN-WAIT-[12]|LAST-ACK|CLOSING)\s/.test(l));

/** A sink that only counts, for calling parsers directly. */
function countingSink(): Sink & { sockets: number } {
  return {
    sockets: 0,
    socket() {
      this.sockets++;
    },
    tally() {},
    detail: () => true,
    counter() {},
    sysctl() {},
    symptom() {},
  };
}

function freshContext(): ParseContext {
  return { stateFilter: 0, stateFilterAmbiguous: false, columns: undefined, foreignCommand: undefined, scratch: {} };
}

// Characters that matter to the parsers: separators, digits, address and
// port punctuation, control characters, non-ASCII.
const ALPHABET = [..."0123456789 \t:.[]%*/-_()=,\"'#$>abcdefxyzABCDEFLISTENTIMEWAIT\r\x1b\x00\x7fé中"];
const interesting = fc.constantFrom(...ALPHABET);

/** A real sample line with a few random edits. */
function mutatedLine(pool: string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.constant("insert"), fc.nat(), fc.string({ unit: interesting, minLength: 1, maxLength: 4 })),
    fc.tuple(fc.constant("delete"), fc.nat(), fc.integer({ min: 1, max: 6 })),
    fc.tuple(fc.constant("replace"), fc.nat(), interesting),
    fc.tuple(fc.constant("swap"), fc.nat(), fc.nat()),
    fc.tuple(fc.constant("truncate"), fc.nat(), fc.constant(0)),
  );
  return fc.tuple(fc.constantFrom(...pool), fc.array(edit, { minLength: 1, maxLength: 4 })).map(([line, edits]) => {
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

const anyLine = fc.oneof(
  { weight: 3, arbitrary: mutatedLine(SAMPLE_LINES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: interesting, maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 1, arbitrary: fc.constantFrom(...SAMPLE_LINES) },
);

function ingest(text: string, parsers: readonly LineParser[] = PARSERS): Snapshot {
  const snap = emptySnapshot();
  const ing = new Ingestor(snap, "prop.txt", parsers);
  ing.pushText(text);
  ing.end();
  return snap;
}

function checkAccounting(snap: Snapshot, text: string): void {
  const r = snap.inputs[0];
  const sum = LINE_KINDS.reduce((n, k) => n + r.kinds[k], 0);
  assert.equal(sum, r.lines, "every line has exactly one kind");
  assert.equal(r.kinds.unparsed, r.unparsed);
  // The decoder's line count: newline-separated, a final newline ends the last line.
  const expected = text.length === 0 ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  assert.equal(r.lines, expected);
  assert.ok(snap.sockets.length <= r.kinds.socket, `${snap.sockets.length} table rows from ${r.kinds.socket} socket lines`);
  assert.ok(r.unparsedLines.length <= r.unparsed);
}

describe("every parser, called directly", () => {
  for (const parser of PARSERS) {
    it(`${parser.format}: parse() never throws on random and mutated lines, and adds at most one socket a line`, () => {
      fc.assert(
        fc.property(fc.array(anyLine, { minLength: 1, maxLength: 8 }), (lines) => {
          const ctx = freshContext();
          const sink = countingSink();
          for (const [i, raw] of lines.entries()) {
            const text = raw.replace(/[\r\n]/g, "");
            const tokens = tokenize(text);
            // The dispatcher books a line without tokens as noise and never offers it to a parser.
            if (tokens.length === 0) continue;
            const before = sink.sockets;
            const kind = parser.parse({ text, tokens, number: i + 1 }, ctx, sink);
            assert.ok(kind === undefined || LINE_KINDS.includes(kind), `unknown kind ${String(kind)}`);
            assert.ok(sink.sockets - before <= 1, "at most one socket row per line");
            if (sink.sockets > before) assert.equal(kind, "socket");
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("ingest of random and mutated inputs", () => {
  it("never throws and accounts for every line (mutated real lines, random strings, binary)", () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"), (lines, eol) => {
        const text = lines.map((l) => l.replace(/[\r\n]/g, "")).join(eol);
        checkAccounting(ingest(text), text);
      }),
      { numRuns: RUNS },
    );
  });

  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const snap = emptySnapshot();
        const ing = new Ingestor(snap, "bytes.bin", PARSERS);
        ing.push(bytes);
        const r = ing.end();
        assert.equal(LINE_KINDS.reduce((n, k) => n + r.kinds[k], 0), r.lines);
        assert.ok(snap.sockets.length <= r.kinds.socket);
      }),
      { numRuns: RUNS },
    );
  });

  it("accounts for every line of every real sample", () => {
    for (const s of SAMPLES) checkAccounting(ingest(s.text), s.text);
  });
});

// ---- the fast paths against the parsers -------------------------------------

/** The same parsers, wrapped so the Ingestor sees no fast path for any of them. */
const SLOW = PARSERS.map((p): LineParser => ({ format: p.format, parse: (l, c, s) => p.parse(l, c, s) }));

/** Everything a snapshot holds, as plain data. */
function dump(snap: Snapshot): unknown {
  const t = snap.sockets;
  const rows = [];
  for (let i = 0; i < t.length; i++) rows.push(t.get(i));
  return {
    inputs: snap.inputs,
    rows,
    strings: Array.from({ length: t.strings.size }, (_, id) => t.strings.str(id)),
    tallies: snap.tallies,
    counters: [...snap.counters],
    sysctls: [...snap.sysctls],
    symptoms: [...snap.symptoms],
  };
}

function assertSameAsParsers(text: string): void {
  assert.deepEqual(dump(ingest(text)), dump(ingest(text, SLOW)));
}

describe("ingest fast paths read exactly what the parsers read", () => {
  it("on every real sample file", () => {
    for (const s of SAMPLES) assertSameAsParsers(s.text);
  });

  it("on mutated netstat rows after a real netstat table", () => {
    const head = SAMPLES.find((s) => s.path.endsWith("netstat-nat.txt"))?.text ?? NETSTAT_ROWS.slice(0, 5).join("\n");
    fc.assert(
      fc.property(fc.array(mutatedLine(NETSTAT_ROWS), { minLength: 1, maxLength: 10 }), (rows) => {
        assertSameAsParsers(head.split("\n").slice(0, 4).join("\n") + "\n" + rows.map((r) => r.replace(/[\r\n]/g, "")).join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on mutated ss rows after a real ss table", () => {
    const head = SAMPLES.find((s) => s.path.endsWith("ss-tan.txt"))?.text ?? SS_ROWS.slice(0, 5).join("\n");
    fc.assert(
      fc.property(fc.array(mutatedLine(SS_ROWS), { minLength: 1, maxLength: 10 }), (rows) => {
        assertSameAsParsers(head.split("\n").slice(0, 4).join("\n") + "\n" + rows.map((r) => r.replace(/[\r\n]/g, "")).join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on mutated /proc/net/tcp and tcp6 rows after a real header", () => {
    const head = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
    fc.assert(
      fc.property(fc.array(mutatedLine(PROC_ROWS), { minLength: 1, maxLength: 10 }), (rows) => {
        assertSameAsParsers(head + "\n" + PROC_ROWS[0] + "\n" + rows.map((r) => r.replace(/[\r\n]/g, "")).join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on generated /proc rows with odd hex fields", () => {
    const hex = (n: number) => fc.oneof(fc.nat().map((v) => v.toString(16).toUpperCase().padStart(n, "0").slice(-n)), fc.constantFrom("", "G", "0x1", "ffffffffff"));
    const v6 = fc.oneof(
      hex(8).map((w) => `0000000000000000FFFF0000${w}`),
      fc.constantFrom("00000000000000000000000000000000", "00000000000000000000000001000000", "0000000000000000ffff00000100007F", "0000000000000000FFFF0001000000"),
    );
    const addr = fc.oneof(hex(8), v6);
    const row = fc.tuple(fc.nat({ max: 999 }), addr, hex(4), addr, hex(4), hex(2), hex(8), hex(8), hex(2), hex(8), fc.constantFrom("0", "1000", "65534", "x"), fc.oneof(fc.nat().map(String), fc.constantFrom("", "12a", "1234567890123456789")))
      .map(([sl, la, lp, ra, rp, st, tx, rx, tr, when, uid, ino]) =>
        `${String(sl).padStart(4)}: ${la}:${lp} ${ra}:${rp} ${st} ${tx}:${rx} ${tr}:${when} 00000000 ${uid.padStart(5)}        0 ${ino} 1 0000000000000000 20 4 30 10 -1`);
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
        assertSameAsParsers(PROC_ROWS[0] + "\n" + rows.join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("on generated rows with odd addresses, ports and queues", () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom("00", "01", "256", "999", "", "x"));
    const host = fc.oneof(
      fc.tuple(octet, octet, octet, octet).map((o) => o.join(".")),
      fc.constantFrom("::", "::1", "::ffff:10.0.0.1", "[::]", "[::ffff:127.0.0.1]", "*", "fe80::1%eth0", "[fe80::1%lo]", "localhost", "a.b.c.d", "1.2.3"),
    );
    const port = fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("*", "", "http", "0x1F", "1e3", "007", "65535", "65536", "123456"));
    const q = fc.oneof(fc.nat({ max: 99999 }).map(String), fc.constantFrom("0", "007", "1234567890", "-1", "x"));
    const ep = fc.tuple(host, port).map(([h, p]) => `${h}:${p}`);
    const netstatState = fc.constantFrom("ESTABLISHED", "TIME_WAIT", "LISTEN", "CLOSE_WAIT", "FIN_WAIT1", "SYN_SENT", "VERBUNDEN", "OUÇA", "NASLOUCHÁ", "POSLEDNÍ", "CLOSE", "UNKNOWN", "established", "constructor");
    const ssState = fc.constantFrom("ESTAB", "TIME-WAIT", "LISTEN", "CLOSE-WAIT", "FIN-WAIT-1", "SYN-RECV", "UNCONN", "NEW-SYN-RECV", "UNKNOWN", "ESTABLISHED");
    const netstat = fc.tuple(fc.constantFrom("tcp", "tcp6", "tcp4", "udp"), q, q, ep, ep, netstatState)
      .map(([p, r, s, l, f, st]) => `${p} ${r.padStart(8)} ${s.padStart(6)} ${l.padEnd(23)} ${f.padEnd(23)} ${st}`);
    const ss = fc.tuple(ssState, q, q, ep, ep).map(([st, r, s, l, f]) => `${st.padEnd(10)} ${r.padEnd(6)} ${s.padEnd(6)} ${l.padStart(20)} ${f.padStart(20)}   `);
    fc.assert(
      fc.property(fc.array(netstat, { minLength: 1, maxLength: 8 }), fc.array(ss, { minLength: 1, maxLength: 8 }), (a, b) => {
        assertSameAsParsers("tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN\n" + a.join("\n"));
        assertSameAsParsers("State      Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n" + b.join("\n"));
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("regressions the properties found", () => {
  it("netstat-linux: an endpoint with no host (\":80\") is not a row, and does not throw", () => {
    const snap = ingest("tcp        0      0 :80                     1.2.3.4:5               ESTABLISHED\n");
    assert.equal(snap.sockets.length, 0);
    assert.equal(snap.inputs[0].unparsed, 1);
  });
  it("netstat-linux: an unknown sixth word is not read as the Czech two-word LAST ACK", () => {
    // (ss reads it: a Netid-first row with no state column and something after it.)
    const snap = ingest("tcp        0      0 1.2.3.4:5               6.7.8.9:10              FOOBAR\n");
    assert.ok(snap.sockets.length === 0 || snap.sockets.get(0).state === undefined);
    const cz = ingest("Proto Recv-Q Send-Q Local Address           Foreign Address         State\n" +
      "tcp        0      0 1.2.3.4:5               6.7.8.9:10              POSLEDNÍ ACK\n");
    assert.equal(cz.sockets.length, 1);
    assert.equal(cz.sockets.get(0).state, "LAST_ACK");
  });
  it("netstat-linux fast path: a translated LISTEN (OUÇA) has no Send-Q, as the parser says", () => {
    const text = "tcp        0      0 127.0.0.1:8080          0.0.0.0:*               LISTEN\n" +
      "tcp        0      5 0.0.0.0:22              0.0.0.0:*               OUÇA\n";
    assertSameAsParsers(text);
    assert.equal(ingest(text).sockets.get(1).sendQ, undefined);
  });
});

describe("LineDecoder", () => {
  /** Lines as ranges, from the bytes pushed in the given piece sizes. */
  function lines(bytes: Uint8Array, sizes: number[]): { encoding: string; lines: string[] } {
    const d = new LineDecoder();
    const out: string[] = [];
    const on = (t: string, a: number, b: number) => out.push(t.slice(a, b));
    let i = 0, k = 0;
    while (i < bytes.length) {
      const n = Math.max(1, sizes.length ? sizes[k++ % sizes.length] : bytes.length);
      // A reused buffer, as readFd reuses its own: the decoder must copy what it keeps.
      const buf = new Uint8Array(bytes.subarray(i, i + n));
      d.pushRanges(buf, on);
      buf.fill(0x41);
      i += n;
    }
    d.endRanges(on);
    return { encoding: d.encoding, lines: out };
  }

  it("pushRanges() gives the same lines however the bytes are cut into chunks", () => {
    const text = fc.array(fc.oneof(mutatedLine(SAMPLE_LINES), fc.string({ maxLength: 40 }), fc.constantFrom("", "\r", "é中", "\u{1F600}")), { maxLength: 20 })
      .map((ls) => ls.join("\n"));
    const enc = fc.constantFrom("utf-8", "utf-8-bom", "utf-16le-bom", "bytes");
    fc.assert(
      fc.property(text, enc, fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }), fc.uint8Array({ maxLength: 200 }), (t, e, sizes, raw) => {
        let bytes: Uint8Array;
        if (e === "utf-8") bytes = new TextEncoder().encode(t);
        else if (e === "utf-8-bom") bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(t)]);
        else if (e === "utf-16le-bom") {
          bytes = new Uint8Array(2 + 2 * t.length);
          bytes.set([0xff, 0xfe]);
          for (let i = 0; i < t.length; i++) bytes[2 + 2 * i] = t.charCodeAt(i) & 255, bytes[3 + 2 * i] = t.charCodeAt(i) >> 8;
        } else bytes = raw;
        const whole = lines(bytes, []);
        const cut = lines(bytes, sizes);
        assert.equal(cut.encoding, whole.encoding);
        assert.deepEqual(cut.lines, whole.lines);
        // A final newline ends the last line; it does not start an empty one.
        const want = t.length ? t.split("\n") : [];
        if (t.endsWith("\n")) want.pop();
        if (e !== "bytes") assert.deepEqual(whole.lines, want);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("pushRanges() carries a line longer than 1 MiB across 64 KiB chunks", () => {
    const long = "x".repeat(1_500_000);
    const text = `first\n${long}\nlast\nno newline`;
    const r = lines(new TextEncoder().encode(text), [65536]);
    assert.deepEqual(r.lines.map((l) => l.length), [5, long.length, 4, 10]);
    assert.equal(r.lines[1], long);
  });

  it("pushRanges() keeps a character cut right after a line longer than 1 MiB", () => {
    // The 64 KiB chunk that ends the long line ends with the first byte of "é".
    const long = "x".repeat(20 * 65536 - 2);
    const r = lines(new TextEncoder().encode(`${long}\né中\nlast\n`), [65536]);
    assert.deepEqual(r.lines.slice(1), ["é中", "last"]);
  });
});

describe("StringPool", () => {
  it("intern() gives one id per distinct string, dotted quads included", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.string({ maxLength: 20 })), { maxLength: 200 }), (xs) => {
        const pool = new StringPool();
        const ids = xs.map((x) => pool.intern(x));
        const size = pool.size;
        for (let i = 0; i < xs.length; i++) {
          assert.equal(pool.idOf(xs[i]), ids[i]);
          assert.equal(pool.str(ids[i]), xs[i]);
          assert.equal(pool.intern(xs[i]), ids[i]);
          assert.equal(pool.quad(ids[i]), _parseCanonicalV4(xs[i]));
        }
        assert.equal(pool.size, size, "idOf, str and a second intern add nothing");
        assert.equal(pool.idOf("never interned"), -1);
        const all = Array.from({ length: pool.size }, (_, id) => pool.str(id));
        assert.equal(new Set(all).size, all.length, "no string twice");
      }),
      { numRuns: RUNS },
    );
  });

  it("_parseCanonicalV4() accepts exactly the quads `${a}.${b}.${c}.${d}` writes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.string({ unit: fc.constantFrom(..."0123456789."), maxLength: 16 })), (s) => {
        const v = _parseCanonicalV4(s);
        if (v === -1) return;
        assert.equal(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`, s);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
