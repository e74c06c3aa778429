// The TCP state knowledge base: data completeness, alias resolution, the
// diagram's size and contents, and `tcpdoc explain STATE` through main().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { main } from "../src/cli/main.ts";
import {
  DIAGRAM_WIDTH,
  drawStateDiagram,
  explainState,
  formatCount,
  layoutStateDiagram,
  listStates,
  resolveState,
  SEQUENCES,
  STATE_KNOWLEDGE,
  stateInfo,
  suggestStates,
  TRANSITIONS,
} from "../src/knowledge/mod.ts";
import { REGISTRY, SS_FILTER_STATES } from "../src/ingest/mod.ts";
import { stateName, STATES, type StateName } from "../src/model/states.ts";

const parseState = (word: string) => REGISTRY.states.id(word);

const RULE_IDS = new Set([
  "close-wait-leak",
  "time-wait-port-exhaustion",
  "time-wait-blocks-restart",
  "fin-wait-1-after-restart",
  "fin-wait-2-lingering",
  "last-ack-after-load-test",
  "syn-flood",
  "syn-sent-unreachable-upstream",
  "accept-queue-overflow",
  "time-wait-churn",
  "closing-simultaneous-close",
  "recv-queue-backlog",
  "send-queue-backlog",
  "orphan-pressure",
  "syn-recv-stuck-one-client",
  "unexpected-listener",
]);

const DIAGRAM_STATES = STATES.filter((s) => s !== "BOUND");

/** The state words of every format (the registry's table) that are plain ASCII words. */
function modelAliases(): string[] {
  const keys = [...REGISTRY.states.entries()].map(([w]) => w).filter((w) => /^[A-Za-z0-9_-]+$/.test(w));
  assert.ok(keys.length > 30, `found only ${keys.length} state words`);
  return keys;
}

function counts(): Record<StateName, number> {
  const c = {} as Record<StateName, number>;
  STATES.forEach((s, i) => (c[s] = 300 + i * 1111));
  return c;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { out: process.stdout.write, err: process.stderr.write };
  // main() writes text; while it awaits (the rule commands load lazily) the
  // node test runner may report through the same stdout, as bytes: pass those on
  const capture = (into: string[], stream: NodeJS.WriteStream, orig: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      typeof chunk === "string" ? (into.push(chunk), true) : (orig as (...a: unknown[]) => boolean).call(stream, chunk, ...rest)) as typeof process.stdout.write;
  process.stdout.write = capture(out, process.stdout, saved.out);
  process.stderr.write = capture(err, process.stderr, saved.err);
  try {
    const code = await main(argv);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

describe("STATE_KNOWLEDGE", () => {
  it("STATE_KNOWLEDGE has an entry with non-empty fields for every canonical state", () => {
    for (const s of STATES) {
      const k = STATE_KNOWLEDGE[s];
      assert.ok(k, `no entry for ${s}`);
      assert.equal(k.name, s);
      for (const f of ["summary", "who", "waitsFor", "lifetime", "whenMany"] as const) {
        assert.ok(k[f].trim().length > 10, `${s}.${f} is empty`);
      }
      assert.ok(k.aliases.length > 0, `${s} has no aliases`);
      assert.ok(k.relatedRules.length > 0, `${s} has no related rules`);
      assert.ok(k.sources.length > 0, `${s} has no sources`);
      assert.doesNotMatch(k.summary, /\.$/, `${s}.summary ends with a period`);
    }
  });
  it("STATE_KNOWLEDGE uses only the agreed rule ids", () => {
    for (const s of STATES) {
      for (const id of STATE_KNOWLEDGE[s].relatedRules) assert.ok(RULE_IDS.has(id), `${s}: unknown rule id ${id}`);
    }
  });
  it("STATE_KNOWLEDGE cites the RFC for every RFC state and Linux sources for the timers", () => {
    for (const s of DIAGRAM_STATES) assert.ok(STATE_KNOWLEDGE[s].sources.some((x) => /RFC 9293/.test(x)), s);
    assert.ok(STATE_KNOWLEDGE.TIME_WAIT.sources.some((x) => x.includes("include/net/tcp.h")));
    assert.match(STATE_KNOWLEDGE.TIME_WAIT.lifetime, /60 s.*TCP_TIMEWAIT_LEN/);
    assert.match(STATE_KNOWLEDGE.FIN_WAIT_2.lifetime, /tcp_fin_timeout/);
    assert.match(STATE_KNOWLEDGE.CLOSE_WAIT.lifetime, /No timeout/);
    assert.match(STATE_KNOWLEDGE.SYN_SENT.lifetime, /tcp_syn_retries.*127 s/);
    assert.match(STATE_KNOWLEDGE.SYN_RECV.lifetime, /tcp_synack_retries.*63 s/);
    assert.match(STATE_KNOWLEDGE.FIN_WAIT_1.lifetime, /tcp_orphan_retries/);
  });
  it("STATE_KNOWLEDGE aliases are spellings the model reads as the same state", () => {
    for (const s of STATES) {
      for (const a of STATE_KNOWLEDGE[s].aliases) {
        const viaModel = stateName(parseState(a.spelling)) ?? SS_FILTER_STATES[a.spelling];
        assert.equal(viaModel, s, `${a.spelling} (${a.tools})`);
      }
    }
  });
});

describe("TRANSITIONS and SEQUENCES", () => {
  it("TRANSITIONS gives every state a way in and a way out", () => {
    for (const s of STATES) {
      assert.ok(TRANSITIONS.some((t) => t.to === s), `nothing enters ${s}`);
      assert.ok(TRANSITIONS.some((t) => t.from === s), `nothing leaves ${s}`);
    }
    for (const t of TRANSITIONS) assert.ok(t.label && t.on, `${t.from} -> ${t.to} lacks a label`);
  });
  it("SEQUENCES holds the open, active-close, passive-close and simultaneous-close walks", () => {
    const byId = new Map(SEQUENCES.map((q) => [q.id, q]));
    assert.deepEqual(byId.get("active-close")?.steps, ["ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED"]);
    assert.deepEqual(byId.get("passive-close")?.steps, ["ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"]);
    assert.ok(byId.get("simultaneous-close")?.steps.includes("CLOSING"));
    assert.deepEqual(byId.get("open-active")?.steps, ["CLOSED", "SYN_SENT", "ESTABLISHED"]);
    assert.deepEqual(byId.get("open-passive")?.steps, ["CLOSED", "LISTEN", "SYN_RECV", "ESTABLISHED"]);
    for (const q of SEQUENCES) {
      assert.equal(q.edges.length, q.steps.length - 1);
      q.edges.forEach((e, i) => {
        assert.equal(e.from, q.steps[i]);
        assert.equal(e.to, q.steps[i + 1]);
      });
    }
    const edge = byId.get("passive-close")!.edges[0];
    assert.equal(edge.label, "FIN/ACK");
  });
});

describe("resolveState()", () => {
  it("resolveState() resolves every state word the formats read to the same state, the English ones in any case", () => {
    // Words only translated net-tools and Windows print (VERBUNDEN, HERGESTELLT) are read exactly, not explained.
    const of = (id: string) => Object.keys(REGISTRY.formats.find((f) => f.format === id)?.states ?? {});
    const english = new Set(
      REGISTRY.formats.filter((f) => f.format !== "netstat-linux" && f.format !== "netstat-windows").flatMap((f) => of(f.format)),
    );
    for (const s of STATES) for (const a of STATE_KNOWLEDGE[s].aliases) english.add(a.spelling);
    for (const alias of modelAliases()) {
      assert.equal(resolveState(alias), stateName(parseState(alias)), alias);
      if (english.has(alias)) assert.equal(resolveState(alias.toLowerCase()), stateName(parseState(alias)), alias.toLowerCase());
    }
  });
  it("resolveState() resolves every ss state-filter word", () => {
    for (const [w, s] of Object.entries(SS_FILTER_STATES)) assert.equal(resolveState(w), s, w);
  });
  it("resolveState() accepts any case and separator", () => {
    const cases: Array<[string, StateName]> = [
      ["close-wait", "CLOSE_WAIT"],
      ["CLOSE_WAIT", "CLOSE_WAIT"],
      ["CloseWait", "CLOSE_WAIT"],
      ["close wait", "CLOSE_WAIT"],
      ["TIME-WAIT", "TIME_WAIT"],
      ["timewait", "TIME_WAIT"],
      ["listening", "LISTEN"],
      ["estab", "ESTABLISHED"],
      ["fin_wait1", "FIN_WAIT_1"],
      ["syn_rcvd", "SYN_RECV"],
      ["SynReceived", "SYN_RECV"],
      ["unconn", "CLOSED"],
      ["bound", "BOUND"],
    ];
    for (const [w, s] of cases) assert.equal(resolveState(w), s, w);
    assert.equal(resolveState("close-wait-leak"), undefined);
    assert.equal(resolveState(""), undefined);
  });
  it("suggestStates() puts the nearest spelling first", () => {
    assert.equal(suggestStates("closewiat")[0], "CLOSE_WAIT");
    assert.equal(suggestStates("time_wiat")[0], "TIME_WAIT");
    assert.equal(suggestStates("finwait")[0], "FIN_WAIT_1");
  });
});

describe("stateInfo() and listStates()", () => {
  it("stateInfo() adds the transitions into and out of the state", () => {
    const info = stateInfo("close-wait")!;
    assert.equal(info.name, "CLOSE_WAIT");
    assert.ok(info.into.some((t) => t.from === "ESTABLISHED"));
    assert.ok(info.outOf.some((t) => t.to === "LAST_ACK"));
    assert.equal(stateInfo("nope"), undefined);
  });
  it("listStates() lists the canonical states in order", () => {
    assert.deepEqual(listStates().map((s) => s.name), [...STATES]);
  });
});

describe("explainState()", () => {
  it("explainState() covers every field and wraps to the width", () => {
    for (const s of STATES) {
      for (const width of [60, 80]) {
        const text = explainState(s, width)!;
        for (const label of ["Printed as", "Who", "Waits for", "Comes from", "Leads to", "Lasts", "Many of them", "Rules", "Sources"]) {
          assert.match(text, new RegExp(`^${label}`, "m"), `${s}: ${label}`);
        }
        for (const line of text.split("\n")) assert.ok(line.length <= width, `${s} @${width}: ${line}`);
      }
    }
  });
  it("explainState() returns undefined for a word that is not a state", () => {
    assert.equal(explainState("banana"), undefined);
  });
});

describe("drawStateDiagram()", () => {
  for (const ascii of [false, true]) {
    const variant = ascii ? "ASCII" : "Unicode";
    it(`drawStateDiagram() fits ${DIAGRAM_WIDTH} columns and 16 lines (${variant})`, () => {
      for (const c of [counts(), undefined, { ESTABLISHED: 99_999, FIN_WAIT_1: 88_888, CLOSE_WAIT: 77_777 }]) {
        for (const highlight of [undefined, ...STATES]) {
          const lines = drawStateDiagram(c, { ascii, highlight });
          assert.ok(lines.length <= 16, `${lines.length} lines`);
          for (const l of lines) assert.ok([...l].length <= DIAGRAM_WIDTH, `${l.length}: ${l}`);
        }
      }
    });
    it(`drawStateDiagram() shows each state with its count (${variant})`, () => {
      const c = counts();
      const text = drawStateDiagram(c, { ascii }).join("\n");
      for (const s of STATES) assert.ok(text.includes(`${s} ${c[s]}`), `${s} ${c[s]} missing`);
    });
  }
  it("drawStateDiagram() uses only ASCII in the ASCII variant", () => {
    const text = drawStateDiagram(counts(), { ascii: true, highlight: "TIME_WAIT" }).join("\n");
    assert.match(text, /^[\x20-\x7e\n]*$/);
    assert.doesNotMatch(drawStateDiagram(counts()).join("\n"), /^[\x20-\x7e\n]*$/);
  });
  it("drawStateDiagram() marks the highlighted state and reports where it is", () => {
    const d = layoutStateDiagram({ CLOSE_WAIT: 312 }, { highlight: "CLOSE_WAIT" });
    assert.ok(d.lines.join("\n").includes("[*CLOSE_WAIT 312*]"));
    const n = d.nodes.find((x) => x.highlighted)!;
    assert.equal(n.state, "CLOSE_WAIT");
    assert.equal(d.lines[n.row].slice(n.column, n.column + n.width), "[*CLOSE_WAIT 312*]");
    assert.equal(d.nodes.filter((x) => x.highlighted).length, 1);
  });
  it("drawStateDiagram() names every state even without counts, and BOUND only when present", () => {
    const text = drawStateDiagram().join("\n");
    for (const s of DIAGRAM_STATES) assert.ok(text.includes(`[ ${s} ]`), s);
    assert.ok(!text.includes("BOUND"));
    assert.ok(drawStateDiagram({ BOUND: 4 }).join("\n").includes("BOUND 4"));
  });
  it("formatCount() keeps counts within 5 characters", () => {
    assert.equal(formatCount(312), "312");
    assert.equal(formatCount(99_999), "99999");
    assert.equal(formatCount(250_000), "250k");
    assert.equal(formatCount(1_234_567), "1.2M");
    for (const n of [0, 7, 100_000, 999_499, 999_500, 9_949_999, 9_950_000, 123_456_789, 5e9]) {
      assert.ok(formatCount(n).length <= 5, `${n} -> ${formatCount(n)}`);
    }
  });
});

describe("tcpdoc explain STATE", () => {
  it("main() explains close-wait with the diagram above the text", async () => {
    const r = await run(["explain", "close-wait"]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    const diagramAt = r.stdout.indexOf("[*CLOSE_WAIT*]");
    const textAt = r.stdout.indexOf("CLOSE_WAIT: ");
    assert.ok(diagramAt >= 0 && textAt > diagramAt, r.stdout);
    assert.match(r.stdout, /close-wait-leak/);
    for (const line of r.stdout.split("\n")) assert.ok([...line].length <= 80, line);
  });
  it("main() accepts PowerShell and Windows spellings, and --plain draws ASCII", async () => {
    const r = await run(["explain", "TimeWait", "--plain"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\[\*TIME_WAIT\*\]/);
    assert.match(r.stdout, /TCP_TIMEWAIT_LEN/);
    assert.match(r.stdout, /^[\x20-\x7e\n]*$/);
    const w = await run(["explain", "LISTENING"]);
    assert.equal(w.code, 0);
    assert.match(w.stdout, /^LISTEN: /m);
  });
  it("main() lists the states and mentions rule ids when explain has no argument", async () => {
    const r = await run(["explain"]);
    assert.equal(r.code, 0);
    for (const s of STATES) assert.match(r.stdout, new RegExp(`^  ${s} `, "m"));
    assert.match(r.stdout, /[Rr]ule ids/);
  });
  it("main() exits 2 with one line suggesting the closest states for an unknown word", async () => {
    const r = await run(["explain", "closewiat"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /"closewiat"/);
    assert.match(r.stderr, /CLOSE_WAIT/);
  });
});
