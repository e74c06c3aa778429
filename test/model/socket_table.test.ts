/** The socket table and its string pool. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseV4 } from "../../src/model/address.ts";
import { formatKernelTimer, packKernelTimer, parseKernelTimer } from "../../src/model/kernel_timer.ts";
import { kernelTimerCell, NONE, plainRow, QUEUE_CLAMPED, SocketTable, StringPool, TIMER_BY_VALUE } from "../../src/model/socket_table.ts";

const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

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
          assert.equal(pool.quad(ids[i]), parseV4(xs[i]));
        }
        assert.equal(pool.size, size, "idOf, str and a second intern add nothing");
        assert.equal(pool.idOf("never interned"), -1);
        const all = Array.from({ length: pool.size }, (_, id) => pool.str(id));
        assert.equal(new Set(all).size, all.length, "no string twice");
      }),
      { numRuns: RUNS },
    );
  });

  it("parseV4() accepts exactly the quads `${a}.${b}.${c}.${d}` writes", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.string({ unit: fc.constantFrom(..."0123456789."), maxLength: 16 })), (s) => {
        const v = parseV4(s);
        if (v === -1) return;
        assert.equal(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`, s);
      }),
      { numRuns: RUNS * 3 },
    );
  });
});

describe("StringPool, /proc timers by value", () => {
  // Texts as formatKernelTimer writes them, and near misses that must stay text.
  const timerText = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 6 }), fc.oneof(fc.nat(3000), fc.nat(2 ** 30))).map(([c, t]) => formatKernelTimer(c, t)),
    fc.tuple(fc.constantFrom("keepalive", "retransmit", "probe", "timewait", "on"), fc.stringMatching(/^0?[0-9]{1,8}\.[0-9]{1,3}$/))
      .map(([n, x]) => `${n} (${x}s)`),
  );
  it("intern() of a timer's text and internTimer() of its value give one id, written back the same", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(timerText, fc.ipV6(), fc.string({ maxLength: 12 })), { maxLength: 100 }), (xs) => {
        const pool = new StringPool();
        const ids = xs.map((x) => pool.intern(x));
        for (let i = 0; i < xs.length; i++) {
          assert.equal(pool.str(ids[i]), xs[i]);
          assert.equal(pool.idOf(xs[i]), ids[i]);
          const packed = parseKernelTimer(xs[i]);
          if (packed !== -1) assert.equal(pool.internTimer(packed), ids[i]);
        }
        const all = Array.from({ length: pool.size }, (_, id) => pool.str(id));
        assert.equal(new Set(all).size, all.length, "no string twice");
      }),
      { numRuns: RUNS },
    );
  });
  it("timerCode() names the code of a timer kept by value, and nothing for text", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(timerText, fc.string({ maxLength: 12 })), { maxLength: 50 }), (xs) => {
        const pool = new StringPool();
        for (const x of xs) {
          const id = pool.intern(x), packed = parseKernelTimer(x), code = pool.timerCode(id);
          if (packed === -1) assert.equal(code, -1, x);
          else assert.equal(formatKernelTimer(code, packed >>> 3), x);
        }
      }),
      { numRuns: RUNS },
    );
  });
  it("packs equal texts equal: code 5 (zero-window probe) shows as keepalive, like code 2", () => {
    assert.equal(packKernelTimer(5, 7184), packKernelTimer(2, 7184));
    assert.equal(formatKernelTimer(2, 7184), "keepalive (71.84s)");
    assert.equal(parseKernelTimer("keepalive (71.84s)"), packKernelTimer(2, 7184));
    assert.equal(parseKernelTimer("keepalive (071.84s)"), -1);
    assert.equal(packKernelTimer(2, 2 ** 26), -1, "past the ticks kept by value");
    assert.ok(packKernelTimer(5, 2 ** 26 - 1) < 2 ** 29);
  });
});

describe("SocketTable timer cells: /proc timers by value, other timers by string id", () => {
  const timerText = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 5 }), fc.oneof(fc.nat(3000), fc.nat(2 ** 29))).map(([c, t]) => formatKernelTimer(c, t)),
    fc.constantFrom("keepalive (071.84s)", "on (0.20/0/0)", "keepalive,9min,0", "persist (1.00/0/0)"),
    fc.string({ minLength: 1, maxLength: 12 }),
  );
  const row = (timer: string) => ({ family: 4 as const, state: 1, localAddress: "10.0.0.1", localPort: 80, remoteAddress: "10.0.0.2", remotePort: 1, recvQ: 0, sendQ: 0, timer });

  it("give back the text added, a kernel timer without adding to the string pool", () => {
    fc.assert(
      fc.property(fc.array(timerText, { minLength: 1, maxLength: 40 }), (xs) => {
        const t = new SocketTable(4);
        for (const [k, x] of xs.entries()) {
          const before = t.strings.size;
          const i = t.add(row(x), 0, k);
          assert.equal(t.get(i).timer, x);
          assert.equal(t.timerText(i), x);
          const packed = parseKernelTimer(x);
          assert.equal(t.timer[i] >= TIMER_BY_VALUE, packed !== -1, x);
          // the two addresses were interned by the first row
          if (packed !== -1 && k > 0) assert.equal(t.strings.size, before, `${x}: no string`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("are the same whether a row's timer comes as text or by value, and keep their value on another thread's rows (appendPlain)", () => {
    const packed = packKernelTimer(2, 7184);
    const t = new SocketTable(4);
    const a = t.add(row("keepalive (71.84s)"), 0, 1);
    const plain = plainRow();
    plain.timer = kernelTimerCell(packed);
    const b = t.addPlain(plain, 0, 2);
    assert.equal(t.timer[a], t.timer[b]);
    assert.equal(t.timer[a], TIMER_BY_VALUE + packed);
    const src = new SocketTable(4);
    src.addPlain(plain, 0, 1);
    const text = plainRow();
    text.timer = src.strings.intern("on (0.20/0/0)");
    src.addPlain(text, 0, 2);
    // the text's id is remapped into this table's pool; the cell by value is not an id
    const remap = t.strings.internAll(src.strings.export());
    t.appendPlain(src, 2, remap, 0, 3);
    assert.deepEqual([t.get(2).timer, t.get(3).timer], ["keepalive (71.84s)", "on (0.20/0/0)"]);
  });
});

describe("SocketTable queue columns", () => {
  it("keep figures past 31 bits: never 0 or NONE in the column, exact in get()", () => {
    const t = new SocketTable(1);
    for (const q of [0, 4294967295, 4294967296, 2 ** 53 - 1]) {
      t.add({ family: 4, state: 1, localAddress: "10.0.0.1", localPort: 80, remoteAddress: "10.0.0.2", remotePort: 1, recvQ: q, sendQ: q }, 0, 1);
    }
    t.add({ family: 4, state: 1, localAddress: "10.0.0.1", localPort: 80, remoteAddress: "", remotePort: NONE, recvQ: NONE, sendQ: NONE }, 0, 2);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => t.get(i).recvQ), [0, 4294967295, 4294967296, 2 ** 53 - 1, undefined]);
    assert.deepEqual([...t.recvQ.subarray(0, 5)], [0, QUEUE_CLAMPED, QUEUE_CLAMPED, QUEUE_CLAMPED, NONE]);
    const plain = plainRow();
    plain.recvQ = 4294967296;
    plain.sendQ = 7;
    const i = t.addPlain(plain, 0, 3);
    assert.deepEqual([t.get(i).recvQ, t.get(i).sendQ], [4294967296, 7]);
  });
});

describe("SocketTable columns written only when not empty (program, user, timer)", () => {
  const row = (extra: { program?: string; user?: string; timer?: string }) => ({
    family: 4 as const, state: 1, localAddress: "10.0.0.1", localPort: 80, remoteAddress: "10.0.0.2", remotePort: 1, recvQ: 0, sendQ: 0, ...extra,
  });

  it("leave no value of a dropped row to the row that takes its place", () => {
    // Rows by every path (add, addPlain, appendPlain), some dropped by retain(), then new rows in their places.
    const t = new SocketTable(2);
    for (let k = 0; k < 6; k++) t.add(row({ program: `p${k}`, user: `u${k}`, timer: "keepalive (1.00/0/0)" }), 0, k);
    t.retain(new Uint8Array([1, 0, 1, 0, 0, 0]));
    assert.equal(t.length, 2);
    t.add(row({}), 0, 10);
    t.addPlain(plainRow(), 0, 11);
    const src = new SocketTable(4);
    src.addPlain(plainRow(), 0, 1);
    t.appendPlain(src, 1, new Uint32Array(src.strings.size), 0, 12);
    assert.deepEqual([0, 1].map((i) => t.get(i).program), ["p0", "p2"]);
    for (const i of [2, 3, 4]) {
      const s = t.get(i);
      assert.deepEqual([s.program, s.user, s.timer, t.program[i], t.user[i], t.timer[i]], [undefined, undefined, undefined, 0, 0, 0], `row ${i}`);
    }
  });

  it("keep what is given, through a growth of the table", () => {
    const t = new SocketTable(1);
    t.add(row({ program: "nginx", user: "www" }), 0, 1);
    t.add(row({ timer: "keepalive (1.00/0/0)" }), 0, 2);
    t.add(row({}), 0, 3);
    assert.deepEqual([0, 1, 2].map((i) => [t.get(i).program, t.get(i).user, t.get(i).timer]), [
      ["nginx", "www", undefined],
      [undefined, undefined, "keepalive (1.00/0/0)"],
      [undefined, undefined, undefined],
    ]);
  });
});

describe("SocketTable pid and inode columns (the value + 1, 0 when unknown)", () => {
  const row = (extra: { pid?: number; inode?: number }) => ({
    family: 4 as const, state: 1, localAddress: "10.0.0.1", localPort: 80, remoteAddress: "10.0.0.2", remotePort: 1, recvQ: 0, sendQ: 0, ...extra,
  });

  it("keep pid 0 and inode 0 as known figures, and NONE as unknown", () => {
    // Windows netstat -ano gives TIME_WAIT sockets pid 0; /proc gives them inode 0.
    const t = new SocketTable(1);
    t.add(row({ pid: 0, inode: 0 }), 0, 1);
    t.add(row({ pid: 4321, inode: 2 ** 32 + 5 }), 0, 2);
    t.add(row({}), 0, 3);
    t.add(row({ pid: NONE, inode: NONE }), 0, 4);
    assert.deepEqual([0, 1, 2, 3].map((i) => [t.pidOf(i), t.inodeOf(i)]), [[0, 0], [4321, 2 ** 32 + 5], [NONE, NONE], [NONE, NONE]]);
    assert.deepEqual([0, 1, 2, 3].map((i) => [t.get(i).pid, t.get(i).inode]), [[0, 0], [4321, 2 ** 32 + 5], [undefined, undefined], [undefined, undefined]]);
  });

  it("leave a figure no pid can be unknown, not wrapped into another pid", () => {
    const t = new SocketTable(1);
    for (const pid of [-5, 2 ** 31 - 1, 2 ** 32, NaN]) t.add(row({ pid }), 0, 1);
    t.add(row({ pid: 2 ** 31 - 2 }), 0, 2);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => t.pidOf(i)), [NONE, NONE, NONE, NONE, 2 ** 31 - 2]);
  });

  it("write nothing for a row without them, and say so (pidColumn, inodeColumn)", () => {
    const t = new SocketTable(4);
    t.add(row({}), 0, 1);
    t.addPlain(plainRow(), 0, 2);
    assert.deepEqual([...t.pidPlusOne, ...t.inodePlusOne], new Array(8).fill(0));
    assert.deepEqual([t.pidColumn(), t.inodeColumn()], [undefined, undefined]);
    t.addPlain({ ...plainRow(), inode: 77 }, 0, 3);
    assert.equal(t.inodeOf(2), 77);
    assert.deepEqual([t.pidColumn(), t.inodeColumn()], [undefined, t.inodePlusOne]);
    t.setPid(1, 12);
    assert.deepEqual([t.pidColumn(), t.pidOf(1)], [t.pidPlusOne, 12]);
  });

  it("leave no pid or inode of a dropped row to the row that takes its place", () => {
    const t = new SocketTable(2);
    for (let k = 0; k < 4; k++) t.add(row({ pid: 100 + k, inode: 200 + k }), 0, k);
    t.retain(new Uint8Array([0, 1, 0, 0]));
    t.add(row({}), 0, 10);
    t.addPlain(plainRow(), 0, 11);
    assert.deepEqual([0, 1, 2].map((i) => [t.pidOf(i), t.inodeOf(i)]), [[101, 201], [NONE, NONE], [NONE, NONE]]);
  });

  it("travel with rows read on another thread (appendPlain)", () => {
    const src = new SocketTable(2);
    src.addPlain({ ...plainRow(), pid: 9, inode: 0 }, 0, 1);
    src.addPlain(plainRow(), 0, 2);
    const t = new SocketTable(1);
    t.appendPlain(src, 2, new Uint32Array(src.strings.size), 0, 5);
    assert.deepEqual([0, 1].map((i) => [t.pidOf(i), t.inodeOf(i)]), [[9, 0], [NONE, NONE]]);
    assert.deepEqual([t.pidColumn(), t.inodeColumn()], [t.pidPlusOne, t.inodePlusOne]);
  });
});
