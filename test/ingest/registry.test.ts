/** The registry: formats stay apart, and the tables composed from them. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { socketRow, splitColonPort } from "../../src/ingest/endpoint.ts";
import { type Format, FORMATS, REGISTRY, Registry } from "../../src/ingest/mod.ts";
import { StateWordConflict } from "../../src/ingest/state_words.ts";
import { NONE } from "../../src/model/socket_table.ts";
import { stateName, UNKNOWN_STATE } from "../../src/model/states.ts";
import { summarize } from "../../src/report/analysis.ts";
import { ingest, parse, ROOT } from "./_read.ts";

describe("formats stay apart", () => {
  it("Linux netstat rows stay netstat-linux, BSD rows netstat-bsd", () => {
    const linux = parse([
      "Active Internet connections (servers and established)",
      "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ",
      "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN     ",
      "tcp6       0      0 :::80                   :::*                    LISTEN     ",
    ].join("\n"));
    assert.deepEqual(linux.report.formats, { "netstat-linux": 2 });
    assert.equal(linux.report.unparsed, 0);
    const bsd = parse("tcp4       0      0  127.0.0.1.8080         *.*                    LISTEN\n");
    assert.deepEqual(bsd.report.formats, { "netstat-bsd": 1 });
  });

  it("ss rows stay ss, Windows rows netstat-windows, lsof rows lsof", () => {
    assert.deepEqual(parse("LISTEN 0 128 *:22 *:*\n").report.formats, { ss: 1 });
    assert.deepEqual(parse("  TCP    0.0.0.0:135    0.0.0.0:0    LISTENING    1028\n").report.formats, { "netstat-windows": 1 });
    assert.deepEqual(parse("sshd 1231 root 3u IPv4 21391 0t0 TCP *:22 (LISTEN)\n").report.formats, { lsof: 1 });
  });

  it("never throws on junk", () => {
    const junk = [
      "tcp4", "tcp4 0 0", "tcp4 x y a.b c.d", "0/0/", "0/0/x *.1", "  TCP", "  TCP :", "  TCP [::]:1 [", "COMMAND PID",
      "a 1 b 3u IPv4 x 0t0 TCP", "a 1 b 3u IPv4 x 0t0 TCP ->", "LocalAddress : ", "Count Name", "   1 ", "----- ----",
      "fffff80003ab6100", "fffff80003ab6100 tcp4", "State", "-----", "x".repeat(10000), "tcp4 0 0 " + ".".repeat(5000),
    ];
    for (const j of junk) assert.doesNotThrow(() => parse(j + "\n"));
  });
});

describe("the registry", () => {
  it("describes every format once, with what it reads", () => {
    const ids = FORMATS.map((f) => f.format);
    assert.equal(new Set(ids).size, ids.length);
    for (const f of FORMATS) assert.ok(f.reads.length > 10, f.format);
    assert.deepEqual(ids, REGISTRY.listed.map((f) => f.format));
  });

  it("gives each input its own fast reader, all of a format's sharing one read function", () => {
    const fast = REGISTRY.formats.filter((f) => f.rows);
    assert.deepEqual(fast.map((f) => f.format).sort(), ["netstat-linux", "proc-net-tcp", "ss"]);
    for (const f of fast) {
      const a = f.rows!(), b = f.rows!();
      assert.notEqual(a, b, f.format);
      // A closure per input would lose its compiled code with the input (a watch reads new inputs every tick).
      assert.equal(a.read, b.read, f.format);
    }
  });

  it("offers a line to the frame formats first and to the fallback last", () => {
    const order = REGISTRY.formats.map((f) => f.format);
    assert.deepEqual(order.slice(0, 2), ["tcpdoc-snapshot", "shell"]);
    assert.equal(order.at(-1), "log");
    assert.deepEqual([...order].sort(), [...FORMATS.map((f) => f.format)].sort());
  });

  it("composes the state words of every format, and each format's own list is in it", () => {
    for (const f of REGISTRY.formats) {
      for (const [word, name] of Object.entries(f.states ?? {})) assert.equal(stateName(REGISTRY.states.id(word)), name, `${f.format}: ${word}`);
    }
    assert.equal(REGISTRY.states.id("not a state"), UNKNOWN_STATE);
    assert.equal(REGISTRY.states.id("constructor"), UNKNOWN_STATE);
  });

  it("is composed at construction: a registry of some formats knows only their words and commands", () => {
    const ssOnly = new Registry([REGISTRY.byId("ss")!]);
    assert.equal(stateName(ssOnly.states.id("ESTAB")), "ESTABLISHED");
    // German Windows and net-tools words belong to their formats, not to a shared table.
    assert.equal(ssOnly.states.id("HERGESTELLT"), UNKNOWN_STATE);
    assert.equal(ssOnly.states.id("VERBUNDEN"), UNKNOWN_STATE);
    assert.deepEqual([...ssOnly.commands], ["ss"]);
    assert.equal(stateName(REGISTRY.states.id("HERGESTELLT")), "ESTABLISHED");
    assert.ok(REGISTRY.commands.has("lsof") && REGISTRY.commands.has("sudo"));
  });

  it("refuses two formats that read one word as different states, or share an id", () => {
    const a: Format = { format: "a", reads: "a", states: { DONE: "CLOSED" }, parse: () => undefined };
    const b: Format = { format: "b", reads: "b", states: { DONE: "TIME_WAIT" }, parse: () => undefined };
    assert.throws(() => new Registry([a, b]), (e: Error) => e instanceof StateWordConflict && /"DONE" is CLOSED in a but TIME_WAIT in b/.test(e.message));
    assert.throws(() => new Registry([a, { ...a }]), /two formats are named "a"/);
  });

  it("lets a new format read lines with one module and one registry line", () => {
    // The worked example of docs/formats.md, in small: a format that reads "conn STATE local peer".
    const conn: Format = {
      format: "conn",
      reads: "conn lines",
      states: { OPEN: "ESTABLISHED" },
      parse(line, ctx, sink) {
        const t = line.tokens;
        if (t[0] !== "conn" || t.length !== 4) return undefined;
        const local = splitColonPort(t[2]), remote = splitColonPort(t[3]);
        if (!local || !remote) return undefined;
        sink.socket(socketRow(ctx.states.id(t[1]), local, remote, NONE, NONE));
        return "socket";
      },
    };
    const snap = ingest("conn OPEN 10.0.0.1:80 10.0.0.2:5000\n", new Registry([...REGISTRY.listed, conn]));
    assert.deepEqual(snap.inputs[0].formats, { conn: 1 });
    assert.equal(summarize(snap).states.ESTABLISHED, 1);
  });
});

describe("ingest stays pure", () => {
  it("no module under src/ingest or src/model imports node:* (files, processes and threads are src/sources')", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.tsx?$/.test(e.name) && /from\s+["']node:|import\(\s*["']node:|require\(\s*["']node:/.test(fs.readFileSync(p, "utf8"))) offenders.push(p);
      }
    };
    walk(path.join(ROOT, "src", "ingest"));
    walk(path.join(ROOT, "src", "model"));
    assert.deepEqual(offenders, []);
  });
});
