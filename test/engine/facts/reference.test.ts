// The fast paths of the facts (state runs, list filters, tuple hashing,
// numeric /24 keys, the shared per-state pass) agree with a plain reference:
// random socket tables, every grouping and filter, with and without
// exceptions, checked against straightforward Map-of-strings code written
// from the facts' definitions in docs/facts.md.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FactContext, GROUP_BY, type RuleException } from "../../../src/engine/mod.ts";
import { emptySnapshot, LINE_KINDS, type LineKind, type Snapshot } from "../../../src/model/snapshot.ts";
import { NONE } from "../../../src/model/socket_table.ts";
import { STATES } from "../../../src/model/states.ts";

const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 100);

// Small domains, so that groups collide; odd addresses on purpose.
const ADDRS = [
  "10.0.0.1", "10.0.0.2", "10.0.1.7", "::ffff:10.0.0.3", "010.0.0.1", "10.0.0.300", "10.0.0.0/24", "10.0.0.00/24", "10.0.0.00",
  "2001:db8::1", "2001:db8:0:1::5", "fe80::1", "*", "", "0.0.0.0", "::", "192.168.1.1", "1.2.3.4", "1.2.3",
  // IPv6 whose "::" ends before the fourth group, one spelled out, and ::ffff: with an IPv4 address in hex
  "2001::5:1:2:3:4", "2001:0:0:5:0:0:0:7", "::ffff:a00:3",
];
const PORTS = [NONE, 0, 22, 80, 443, 8080, 32768, 40000, 50000, 60999, 61000, 65535];
const QUEUES = [NONE, 0, 1, 100];
const PROGRAMS = ["", "nginx", "java"];

interface Row {
  state: number;
  la: number;
  lp: number;
  ra: number;
  rp: number;
  rq: number;
  sq: number;
  pid: number;
  prog: number;
  inode: number;
  input: number;
}

const rowArb: fc.Arbitrary<Row> = fc.record({
  state: fc.oneof(fc.constantFrom(1, 4, 4, 4, 10, 10, 7), fc.integer({ min: 0, max: STATES.length })),
  la: fc.integer({ min: 0, max: 5 }),
  lp: fc.constantFrom(...PORTS),
  ra: fc.integer({ min: 0, max: ADDRS.length - 1 }),
  rp: fc.constantFrom(...PORTS),
  rq: fc.constantFrom(...QUEUES),
  sq: fc.constantFrom(...QUEUES),
  pid: fc.constantFrom(NONE, NONE, 1, 2),
  prog: fc.integer({ min: 0, max: PROGRAMS.length - 1 }),
  inode: fc.constantFrom(NONE, NONE, 0, 1234),
  input: fc.integer({ min: 0, max: 2 }),
});

const tableArb = fc.record({
  rows: fc.array(rowArb, { maxLength: 120 }),
  tallied: fc.option(fc.integer({ min: 0, max: STATES.length }), { nil: undefined }),
  range: fc.constantFrom(undefined, "40000 50000", "0 65535"),
});

function snapshotOf(rows: Row[], tallied: number | undefined, range: string | undefined): Snapshot {
  const snap = emptySnapshot();
  for (let k = 0; k < 3; k++) {
    const kinds = Object.fromEntries(LINE_KINDS.map((x) => [x, 0])) as Record<LineKind, number>;
    snap.inputs.push({ path: `in${k}`, format: "test", formats: {}, encoding: "utf-8", lines: 0, sockets: 0, kinds, unparsed: 0, unparsedLines: [] });
  }
  for (const [n, r] of rows.entries()) {
    snap.sockets.add({
      family: 4, state: r.state, localAddress: ADDRS[r.la], localPort: r.lp, remoteAddress: ADDRS[r.ra], remotePort: r.rp,
      recvQ: r.rq, sendQ: r.sq, pid: r.pid === NONE ? undefined : r.pid, program: PROGRAMS[r.prog] || undefined,
      inode: r.inode === NONE ? undefined : r.inode,
    }, r.input, n + 1);
  }
  if (tallied !== undefined) snap.tallies[tallied] = 3;
  if (range) snap.sysctls.set("net.ipv4.ip_local_port_range", { key: "net.ipv4.ip_local_port_range", value: range, input: 0, line: 1 });
  return snap;
}

// ---------------------------------------------------------------- the reference

const round4 = (x: number) => Math.round(x * 10000) / 10000;

function refSubnet(addr: string): string {
  const a = addr.startsWith("::ffff:") ? addr.slice(7) : addr;
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(a);
  if (v4) return `${v4[1]}.0/24`;
  if (!addr.includes(":")) return a;
  // all eight groups (the addresses here are written in lowercase hex, no leading zeros)
  const [head, tail] = addr.includes("::") ? addr.split("::") : [addr, ""];
  const h = head.split(":").filter(Boolean), t = tail.split(":").filter(Boolean);
  const g = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t].map((x) => parseInt(x, 16));
  // ::ffff: and an IPv4 address in hex: that address's /24
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.0/24`;
  return `${g.slice(0, 4).map((x) => x.toString(16)).join(":")}::/64`;
}

/** The sockets a row-by-row reading keeps, and what the facts need of them. */
class Ref {
  readonly #listen = new Set<number>();
  constructor(readonly snap: Snapshot, readonly ex: Uint8Array | null) {
    const t = snap.sockets;
    for (let i = 0; i < t.length; i++) if (t.state[i] === 1 && t.localPort[i] !== NONE) this.#listen.add(t.localPort[i]);
  }
  get t() {
    return this.snap.sockets;
  }
  range(): [number, number] {
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(this.snap.sysctls.get("net.ipv4.ip_local_port_range")?.value ?? "");
    return m && Number(m[1]) <= Number(m[2]) ? [Number(m[1]), Number(m[2])] : [32768, 60999];
  }
  /** Whether a LISTEN socket (excepted or not) holds the port. */
  listening(port: number): boolean {
    return this.#listen.has(port);
  }
  keyOf(by: string, i: number): string {
    const t = this.t, v = t.strings;
    switch (by) {
      case "local-port": return `${t.localPort[i]}`;
      case "remote-port": return `${t.remotePort[i]}`;
      case "local-address": return v.str(t.localAddr[i]);
      case "remote-host": return v.str(t.remoteAddr[i]);
      case "remote-subnet": return refSubnet(v.str(t.remoteAddr[i]));
      case "local-endpoint": return `${v.str(t.localAddr[i])}|${t.localPort[i]}`;
      case "remote-endpoint":
      case "destination": return `${v.str(t.remoteAddr[i])}|${t.remotePort[i]}`;
      case "process": return t.pidOf(i) !== NONE ? `pid ${t.pidOf(i)}` : t.program[i] ? `prog ${v.str(t.program[i])}` : "none";
      case "service": {
        // the server's end: a listener on the local port, or a local port outside the range whose peer's port is inside it or higher
        const [low, high] = this.range(), lp = t.localPort[i], rp = t.remotePort[i];
        const inRange = (x: number) => x >= low && x <= high;
        const server = lp !== NONE && (this.listening(lp) || (!inRange(lp) && (rp === NONE || inRange(rp) || rp > lp)));
        return server ? `server|${lp}` : `client|${v.str(t.remoteAddr[i])}|${rp}`;
      }
      default: return `${v.str(t.localAddr[i])}|${v.str(t.remoteAddr[i])}|${t.remotePort[i]}`;
    }
  }
  /** Groups in first-seen order, the biggest first (a stable sort keeps first-seen first among equals). */
  groups(keep: (i: number) => boolean, by: string) {
    const t = this.t, m = new Map<string, { count: number; first: number; tw: number }>();
    for (let i = 0; i < t.length; i++) {
      if ((this.ex && this.ex[i]) || !keep(i)) continue;
      const k = this.keyOf(by, i);
      const g = m.get(k) ?? { count: 0, first: i, tw: 0 };
      g.count++;
      if (t.state[i] === 10) g.tw++;
      m.set(k, g);
    }
    return { all: [...m.values()].sort((a, b) => b.count - a.count), distinct: m.size };
  }
}

interface GroupParams {
  state?: string | string[];
  by: string;
  listener?: "present" | "absent";
  local_port?: "ephemeral" | "non-ephemeral";
  queue?: "recv" | "send";
}

function refGroup(ref: Ref, p: GroupParams): { value: unknown; nullWhy?: boolean } {
  const t = ref.t, [low, high] = ref.range();
  const states = p.state === undefined ? undefined : new Set(([] as string[]).concat(p.state).map((s) => STATES.indexOf(s as never) + 1).filter((id) => id > 0));
  // "no listener" needs a full table: the random tables are one when they have a row
  if (p.listener === "absent" && t.length === 0) return { value: null, nullWhy: true };
  const base = (i: number) => {
    if (states && !states.has(t.state[i])) return false;
    if (p.listener && ref.listening(t.localPort[i]) !== (p.listener === "present")) return false;
    const inRange = t.localPort[i] >= low && t.localPort[i] <= high;
    return !p.local_port || inRange === (p.local_port === "ephemeral");
  };
  const q = p.queue === "recv" ? t.recvQ : t.sendQ;
  const keep = (i: number) => base(i) && (!p.queue || q[i] > 0);
  const { all, distinct } = ref.groups(keep, p.by);
  const total = all.reduce((n, g) => n + g.count, 0);
  let tallied = 0;
  for (let id = 0; id < ref.snap.tallies.length; id++) if (!states ? true : states.has(id)) tallied += ref.snap.tallies[id];
  if (total === 0 && tallied > 0) return { value: null, nullWhy: true };
  if (p.queue) {
    let asked = 0, known = 0;
    for (let i = 0; i < t.length; i++) if (!(ref.ex && ref.ex[i]) && base(i)) asked++, known += q[i] !== NONE ? 1 : 0;
    if (asked > 0 && known === 0) return { value: null, nullWhy: true };
  }
  if (p.by === "process" && total > 0 && all.every((g) => ref.keyOf("process", g.first) === "none")) return { value: null, nullWhy: true };
  // sockets naming no process count in the total but form no group
  const named = p.by === "process" ? all.filter((g) => ref.keyOf("process", g.first) !== "none") : all;
  const groups = named.slice(0, 5).map((g) => {
    const out: Record<string, unknown> = { count: g.count, share: round4(g.count / total), first: g.first };
    if (p.by === "local-port" || p.by === "local-endpoint") out.listening = ref.listening(t.localPort[g.first]);
    if (g.tw) out.timeWait = g.tw;
    return out;
  });
  return { value: { total, distinct, tallied, groups } };
}

function refEphemeral(ref: Ref) {
  const t = ref.t, [low, high] = ref.range(), size = high - low + 1;
  const counted = new Set(["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "LAST_ACK", "CLOSE_WAIT"].map((s) => STATES.indexOf(s as never) + 1));
  const keep = (i: number) => {
    const p = t.localPort[i];
    return counted.has(t.state[i]) && p >= low && p <= high && !ref.listening(p);
  };
  const { all, distinct } = ref.groups(keep, "source-destination");
  const total = all.reduce((n, g) => n + g.count, 0);
  const groups = all.slice(0, 5).map((g) => ({ count: g.count, share: round4(g.count / size), timeWait: g.tw, timeWaitShare: round4(g.tw / g.count), first: g.first }));
  return { total, distinct, groups };
}

/** Per state: sockets, with queue figures, nonzero Recv-Q/Send-Q and bytes, known ownership, orphans. */
function refPerState(ref: Ref) {
  const t = ref.t, n = STATES.length + 1, withProc = new Set<number>();
  for (let i = 0; i < t.length; i++) if (t.pidOf(i) !== NONE || t.program[i] !== 0) withProc.add(t.input[i]);
  const z = () => new Array<number>(n).fill(0);
  const s = { seen: z(), withQ: z(), rq: z(), sq: z(), rb: z(), sb: z(), known: z(), orphan: z(), mr: z(), ms: z() };
  for (let i = 0; i < t.length; i++) {
    if (ref.ex && ref.ex[i]) continue;
    const st = t.state[i], r = t.recvQ[i], q = t.sendQ[i];
    s.seen[st]++;
    if (r !== NONE || q !== NONE) {
      s.withQ[st]++;
      if (r > 0) s.rq[st]++, s.rb[st] += r, s.mr[st] = Math.max(s.mr[st], r);
      if (q > 0) s.sq[st]++, s.sb[st] += q, s.ms[st] = Math.max(s.ms[st], q);
    }
    if (t.inodeOf(i) !== NONE) s.known[st]++, s.orphan[st] += t.inodeOf(i) === 0 ? 1 : 0;
    else if (withProc.has(t.input[i])) s.known[st]++, s.orphan[st] += t.pidOf(i) === NONE && t.program[i] === 0 ? 1 : 0;
  }
  return s;
}

// ---------------------------------------------------------------- the checks

const EXCEPTIONS: (RuleException[] | undefined)[] = [
  undefined,
  [{ ports: [80, 40000] }],
  [{ remote_addresses: ["10.0.0.0/24"] }, { processes: ["nginx"] }],
];

function check(snap: Snapshot): void {
  const ctx = new FactContext(snap);
  const t = snap.sockets, v = t.strings;
  for (const ex of EXCEPTIONS) {
    const ref = new Ref(snap, ctx.excluded(ex));
    const get = (fact: string, params: Record<string, unknown> = {}) => ctx.get(fact, params, ex, {}).value as Record<string, unknown> | null;
    for (const by of GROUP_BY) {
      for (const state of [undefined, "ESTABLISHED", "TIME_WAIT", "LISTEN", ["CLOSE_WAIT", "ESTABLISHED"], "BOGUS"]) {
        for (const filter of [{}, { queue: "recv" }, { queue: "send" }, { listener: "absent" }, { listener: "present", local_port: "ephemeral" }, { local_port: "non-ephemeral", queue: "recv" }] as const) {
          const p: GroupParams = { by, ...(state === undefined ? {} : { state }), ...filter };
          const got = get("group", { ...p }) as { total: number; distinct: number; tallied: number; groups: Record<string, unknown>[] } | null;
          const want = refGroup(ref, p);
          const where = JSON.stringify({ p, ex });
          if (want.value === null) {
            assert.equal(got, null, where);
            continue;
          }
          assert.ok(got, where);
          const w = want.value as { total: number; distinct: number; tallied: number; groups: Record<string, unknown>[] };
          assert.deepEqual([got.total, got.distinct, got.tallied], [w.total, w.distinct, w.tallied], where);
          assert.deepEqual(got.groups.map(({ key: _k, ...g }) => g), w.groups, where);
          if (by === "remote-subnet") {
            assert.deepEqual(got.groups.map((g) => g.key), got.groups.map((g) => refSubnet(v.str(t.remoteAddr[g.first as number]))), where);
          }
          // examples: the first sockets in these states (not excepted) in the group of the top one
          const first = got.groups[0]?.first as number | undefined;
          if (first !== undefined && Object.keys(filter).length === 0) {
            const inState = (i: number) => state === undefined || ([] as string[]).concat(state).includes(STATES[t.state[i] - 1]);
            const want: number[] = [];
            for (let i = 0; i < t.length && want.length < 4; i++) {
              if (inState(i) && !(ref.ex && ref.ex[i]) && ref.keyOf(by, i) === ref.keyOf(by, first)) want.push(i);
            }
            assert.deepEqual(ctx.scan.examples(state, 4, ctx.excluded(ex), by, first), want, where);
          }
        }
      }
    }
    for (const state of [undefined, "ESTABLISHED", ["LISTEN", "TIME_WAIT"]]) {
      const want: number[] = [];
      for (let i = 0; i < t.length && want.length < 7; i++) {
        if ((state === undefined || ([] as string[]).concat(state).includes(STATES[t.state[i] - 1])) && !(ref.ex && ref.ex[i])) want.push(i);
      }
      assert.deepEqual(ctx.scan.examples(state, 7, ctx.excluded(ex)), want);
    }
    const eph = get("ephemeral") as { total: number; distinct: number; groups: Record<string, unknown>[] };
    const wantEph = refEphemeral(ref);
    assert.deepEqual([eph.total, eph.distinct], [wantEph.total, wantEph.distinct]);
    assert.deepEqual(eph.groups.map(({ key: _k, ...g }) => g), wantEph.groups);

    const s = refPerState(ref);
    const states = get("states")!;
    const queues = get("queues")!;
    const orphans = get("orphans")!;
    for (let id = 0; id <= STATES.length; id++) {
      const name = id === 0 ? "UNKNOWN" : STATES[id - 1];
      const present = s.seen[id] + snap.tallies[id];
      // with no row and no count the inputs hold no socket evidence: every state is unknown
      const anyEvidence = t.length > 0;
      assert.equal(states[name], anyEvidence ? present : null, name);
      if (id === 0) continue;
      if (name !== "LISTEN") {
        assert.deepEqual(queues[name], s.withQ[id] === 0
          ? (present > 0 ? null : { total: 0, recvQ: 0, sendQ: 0, recvQShare: 0, sendQShare: 0, recvQBytes: 0, sendQBytes: 0, maxRecvQ: 0, maxSendQ: 0 })
          : { total: s.withQ[id], recvQ: s.rq[id], sendQ: s.sq[id], recvQShare: round4(s.rq[id] / s.withQ[id]), sendQShare: round4(s.sq[id] / s.withQ[id]), recvQBytes: s.rb[id], sendQBytes: s.sb[id], maxRecvQ: s.mr[id], maxSendQ: s.ms[id] }, name);
      }
      assert.deepEqual(orphans[name], s.known[id] === 0
        ? (present > 0 ? null : { count: 0, share: 0, known: 0 })
        : { count: s.orphan[id], share: round4(s.orphan[id] / s.known[id]), known: s.known[id] }, name);
    }

    // LISTEN sockets: ports, counts, the unexpected ones
    const listen: number[] = [];
    for (let i = 0; i < t.length; i++) if (t.state[i] === 1 && !(ref.ex && ref.ex[i])) listen.push(i);
    const listeners = get("listeners")!;
    assert.equal(listeners.count, listen.length);
    assert.deepEqual(listeners.ports, t.length === 0 ? null : [...new Set(listen.map((i) => t.localPort[i]).filter((p) => p !== NONE))].sort((a, b) => a - b).map(String));
    const unexpected = get("unexpected-listeners", { allow: "22, 443" })!;
    const odd = listen.filter((i) => t.localPort[i] !== NONE && t.localPort[i] !== 22 && t.localPort[i] !== 443);
    assert.equal(unexpected.listeners, listen.length);
    assert.equal(unexpected.count, odd.length);
    assert.equal(unexpected.distinct, new Set(odd.map((i) => `${t.localAddr[i]}|${t.localPort[i]}`)).size);
  }
  const inputs = ctx.get("inputs", {}, undefined, {}).value as Record<string, boolean>;
  let proc = false, queues = false, backlog = false;
  for (let i = 0; i < t.length; i++) {
    proc ||= t.pidOf(i) !== NONE || t.program[i] !== 0;
    queues ||= t.recvQ[i] !== NONE;
    backlog ||= t.state[i] === 1 && t.sendQ[i] !== NONE;
  }
  assert.deepEqual([inputs.processes, inputs.queues, inputs.backlog], [proc, queues, backlog]);
}

describe("fast fact paths agree with a plain reference", () => {
  it("on random socket tables", () => {
    fc.assert(fc.property(tableArb, ({ rows, tallied, range }) => check(snapshotOf(rows, tallied, range))), { numRuns: RUNS });
  });
  it("on an empty table", () => check(snapshotOf([], undefined, undefined)));
  it("on a table big enough to grow every hash table", () => {
    const rows: Row[] = [];
    let x = 12345;
    const rnd = (n: number) => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
    for (let k = 0; k < 20000; k++) {
      rows.push({
        state: [4, 10, 7, 2, 1][rnd(5)], la: rnd(6), lp: 32768 + rnd(28000), ra: rnd(ADDRS.length), rp: rnd(3000),
        rq: QUEUES[rnd(4)], sq: QUEUES[rnd(4)], pid: rnd(2) ? NONE : rnd(500), prog: rnd(3), inode: NONE, input: rnd(3),
      });
    }
    check(snapshotOf(rows, undefined, undefined));
  });
});
