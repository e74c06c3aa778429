/** The address table's home slots (model/string_pool.ts): every bit of an address counts. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { home, StringPool } from "../../src/model/string_pool.ts";
import { formatV4 } from "../../src/model/address.ts";

/** 10.X.Y.1 for every X and Y: one gateway address per subnet, alike in their low bits. */
function gateways(): number[] {
  const keys: number[] = [];
  for (let x = 0; x < 256; x++) for (let y = 0; y < 256; y++) keys.push((10 << 24) | (x << 16) | (y << 8) | 1);
  return keys;
}

describe("home()", () => {
  it("spreads addresses that differ only above their low bits over the whole table", () => {
    // the table the pool keeps for 65,536 keys has 131,072 slots; from the low bits of the product
    // they would share 4 homes of the first 1,024 slots and 512 of 131,072 (random homes: about 51,600)
    for (const [shift, least] of [[22, 1000], [15, 45_000]]) {
      const slots = 2 ** (32 - shift), homes = new Set(gateways().map((k) => home(k, shift)));
      assert.ok(homes.size >= least, `${homes.size} homes of ${slots}`);
      for (const h of homes) assert.ok(h >= 0 && h < slots);
    }
  });

  it("puts a key's home in a table twice the size at 2h or 2h+1", () => {
    for (const k of gateways().slice(0, 4096)) {
      const h = home(k, 22), h2 = home(k, 21);
      assert.ok(h2 === 2 * h || h2 === 2 * h + 1);
    }
  });
});

describe("StringPool: an address table grown many times", () => {
  it("keeps one id per address and finds each again", () => {
    const pool = new StringPool(), keys = gateways(), ids = keys.map((k) => pool.intern(formatV4(k >>> 0)));
    assert.equal(new Set(ids).size, keys.length);
    keys.forEach((k, i) => {
      assert.equal(pool.intern(formatV4(k >>> 0)), ids[i]);
      assert.equal(pool.str(ids[i]), formatV4(k >>> 0));
    });
  });
});

describe("StringPool.internAll: another thread's pool taken over", () => {
  it("keeps each kind, and text stays text even when it reads like an address or a timer", () => {
    const b = (s: string) => new TextEncoder().encode(s);
    const there = new StringPool();
    // a program name that reads like a /proc timer, and a cut address: text where they were read
    const odd = ["keepalive (7.20s)", "::ffff:192.168.17"].map((s) => there.internTextBytes(b(s), 0, s.length));
    const v4 = there.intern("10.0.0.1"), v6 = there.intern("2001:db8::1"), timer = there.intern("timewait (0.50s)");
    const here = new StringPool();
    here.intern("192.0.2.9");
    const remap = here.internAll(there.export());
    for (const id of [...odd, v4, v6, timer]) assert.equal(here.str(remap[id]), there.str(id));
    assert.equal(here.timerCode(remap[odd[0]]), -1, "text, not a timer");
    assert.equal(here.family(remap[odd[1]]), there.family(odd[1]));
    assert.notEqual(here.timerCode(remap[timer]), -1, "a timer stays a timer");
    assert.equal(here.quad(remap[v4]), there.quad(v4));
    // the ids are those this pool's own reading of the same bytes gives
    assert.equal(here.internTextBytes(b("keepalive (7.20s)"), 0, 17), remap[odd[0]]);
  });
});

describe("StringPool.internName: the small cache before internBytes", () => {
  it("gives the id internBytes gives, for any sequence of texts", () => {
    const enc = new TextEncoder();
    // same length and end bytes (one cache slot), addresses canonical or not, text that reads like a timer
    const texts = ["java", "jova", "jeva", "nginx: worker", "0", "998", "", "10.0.0.1", "010.0.0.1", "::ffff:10.0.0.1",
      "::1", "0:0:0:0:0:0:0:1", "0:0::1", "2001:db8::a", "keepalive (7.20s)", "::ffff:172.23.133", "sshd", "sshe", "ssht", "zava"];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...texts), { minLength: 1, maxLength: 60 }), (seq) => {
        const named = new StringPool(), plain = new StringPool();
        for (const s of seq) {
          // in the middle of a bigger buffer, as a row reader sees it
          const b = enc.encode(`  ${s}  `);
          const id = named.internName(b, 2, 2 + s.length);
          assert.equal(id, plain.internBytes(b, 2, 2 + s.length), s);
          assert.equal(named.str(id), plain.str(id));
        }
        assert.equal(named.size, plain.size);
      }),
      { numRuns: 300 },
    );
  });
});
