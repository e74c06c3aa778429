import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { familyOf, splitColonPort, splitDotPort } from "../src/ingest/address.ts";
import { cleanLine, LineDecoder, sniffEncoding } from "../src/ingest/decode.ts";
import { snapshotFromTexts } from "../src/ingest/mod.ts";
import { tokenize } from "../src/ingest/parser.ts";
import { decodeProcAddress } from "../src/ingest/parsers/proc_net_tcp.ts";
import { NONE } from "../src/model/socket_table.ts";
import { summarize } from "../src/report/analysis.ts";

describe("splitColonPort()", () => {
  it("splits the endpoint shapes ss, netstat and Windows print", () => {
    assert.deepEqual(splitColonPort("0.0.0.0:*"), { host: "0.0.0.0", port: NONE });
    assert.deepEqual(splitColonPort("::1:8080"), { host: "::1", port: 8080 });
    assert.deepEqual(splitColonPort("[::ffff:127.0.0.1]:8080"), { host: "::ffff:127.0.0.1", port: 8080 });
    assert.deepEqual(splitColonPort("127.0.0.53%lo:53"), { host: "127.0.0.53", port: 53 });
    assert.deepEqual(splitColonPort("[fe80::1%4]:139"), { host: "fe80::1", port: 139 });
    assert.deepEqual(splitColonPort("*:*"), { host: "*", port: NONE });
    assert.deepEqual(splitColonPort("localhost:https"), { host: "localhost", port: 443 });
    assert.equal(splitColonPort("nocolon"), undefined);
  });
});

describe("splitDotPort()", () => {
  it("splits BSD endpoints on the last dot", () => {
    assert.deepEqual(splitDotPort("127.0.0.1.8080"), { host: "127.0.0.1", port: 8080 });
    assert.deepEqual(splitDotPort("*.*"), { host: "*", port: NONE });
    assert.deepEqual(splitDotPort("fe80::1%lo0.123"), { host: "fe80::1", port: 123 });
  });
});

describe("familyOf()", () => {
  it("tells IPv4 from IPv6 and names", () => {
    assert.equal(familyOf("10.0.0.1"), 4);
    assert.equal(familyOf("::1"), 6);
    assert.equal(familyOf("localhost"), 0);
  });
});

describe("tokenize()", () => {
  it("splits on runs of spaces and tabs", () => {
    assert.deepEqual(tokenize("  a\t b  c "), ["a", "b", "c"]);
    assert.deepEqual(tokenize(""), []);
  });
});

describe("sniffEncoding()", () => {
  it("recognises BOMs, BOM-less UTF-16 and GBK", () => {
    assert.equal(sniffEncoding(new Uint8Array([0xff, 0xfe, 0x41, 0])).encoding, "utf-16le");
    assert.equal(sniffEncoding(new Uint8Array([0xfe, 0xff, 0, 0x41])).encoding, "utf-16be");
    assert.equal(sniffEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).bomLength, 3);
    const le = new Uint8Array([..."TCP  0.0.0.0:135"].flatMap((c) => [c.charCodeAt(0), 0]));
    assert.equal(sniffEncoding(le).encoding, "utf-16le");
    // "活动连接" (Active Connections) in GBK, as a Chinese Windows console writes it.
    const gbk = new Uint8Array([0xbb, 0xee, 0xb6, 0xaf, 0xc1, 0xac, 0xbd, 0xd3, 0x0d, 0x0a]);
    assert.equal(sniffEncoding(gbk).encoding, "gb18030");
    assert.equal(sniffEncoding(new TextEncoder().encode("tcp 0 0 a:1 b:2 LISTEN")).encoding, "utf-8");
  });
});

describe("LineDecoder", () => {
  it("joins lines split across chunks, including inside a multi-byte character", () => {
    const bytes = new TextEncoder().encode("ä1\nb2ü\r\nlast");
    const lines: string[] = [];
    const d = new LineDecoder();
    for (let i = 0; i < bytes.length; i++) d.push(bytes.subarray(i, i + 1), (l) => lines.push(l));
    d.end((l) => lines.push(l));
    assert.deepEqual(lines.map(cleanLine), ["ä1", "b2ü", "last"]);
  });
});

describe("cleanLine()", () => {
  it("removes CR, ANSI colour and control characters", () => {
    assert.equal(cleanLine("\x1b[1;32mESTAB\x1b[0m 0 0\r"), "ESTAB 0 0");
    assert.equal(cleanLine("a\x07b"), "ab");
  });
});

describe("decodeProcAddress()", () => {
  it("decodes little-endian words", () => {
    assert.equal(decodeProcAddress("0100007F"), "127.0.0.1");
    assert.equal(decodeProcAddress("00000000000000000000000001000000"), "::1");
    assert.equal(decodeProcAddress("0000000000000000FFFF00000100007F"), "::ffff:127.0.0.1");
    assert.equal(decodeProcAddress("zz"), undefined);
  });
});

describe("ss state filter from the pasted command line", () => {
  it("gives rows without a State column the state named in the command", () => {
    // Shape of `ss -tan state close-wait` as pasted from a terminal.
    const snap = snapshotFromTexts([{
      path: "paste",
      text: "root@web:~# ss -tan state close-wait\n" +
        "Recv-Q Send-Q Local Address:Port Peer Address:Port\n" +
        "1      0      127.0.0.1:8080     127.0.0.1:40001\n" +
        "0      0      127.0.0.1:8080     127.0.0.1:40002\n" +
        "root@web:~# ^C\n",
    }]);
    const s = summarize(snap);
    assert.deepEqual(s.states, { CLOSE_WAIT: 2 });
    assert.equal(snap.inputs[0].unparsed, 0);
    assert.equal(snap.inputs[0].kinds.noise, 2);
  });
  it("leaves the state unknown when the filter names several states", () => {
    const snap = snapshotFromTexts([{
      path: "paste",
      text: "$ ss -tan state connected\nRecv-Q Send-Q Local Address:Port Peer Address:Port\n0 0 127.0.0.1:8080 127.0.0.1:40001\n",
    }]);
    const s = summarize(snap);
    assert.deepEqual(s.states, {});
    assert.equal(s.sockets, 1);
    assert.equal(s.stateUnknown, 1);
  });
});

describe("line accounting", () => {
  it("gives every line exactly one kind and keeps unparsed lines with numbers", () => {
    const text = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5555\nwhat is this\n\n";
    const snap = snapshotFromTexts([{ path: "x", text }]);
    const r = snap.inputs[0];
    const total = Object.values(r.kinds).reduce((a, b) => a + b, 0);
    assert.equal(total, r.lines);
    assert.equal(r.lines, 4);
    assert.deepEqual(r.unparsedLines, [{ line: 3, text: "what is this" }]);
  });
});

describe("histograms", () => {
  it("reads uniq -c output in both column orders and skips heading debris", () => {
    const snap = snapshotFromTexts([{ path: "h", text: "    120 ESTABLISHED\n      1 Foreign\n      1 established)\nTIME_WAIT 30\n" }]);
    const s = summarize(snap);
    assert.deepEqual(s.states, { ESTABLISHED: 120, TIME_WAIT: 30 });
    assert.equal(snap.inputs[0].unparsed, 0);
  });
});

describe("FORMATS", () => {
  it("describes every parser's format and nothing else", async () => {
    const { FORMATS, PARSERS } = await import("../src/ingest/registry.ts");
    assert.deepEqual(FORMATS.map((f) => f.format).sort(), [...new Set(PARSERS.map((p) => p.format))].sort());
  });
});

describe("wrapText()", () => {
  it("wraps at the width, indents continuation lines and cuts words longer than a line", async () => {
    const { wrapText, wrapParagraphs } = await import("../src/text/wrap.ts");
    assert.deepEqual(wrapText("one two three", 10), ["one two", "three"]);
    assert.deepEqual(wrapText("abcdefghijklmnopqrstuvwxyz ok", 14, "> "), ["> abcdefghijkl", "  mnopqrstuvwx", "  yz ok"]);
    assert.deepEqual(wrapParagraphs("one two\n\nthree", 12, "  "), ["  one two", "", "  three"]);
  });
});
