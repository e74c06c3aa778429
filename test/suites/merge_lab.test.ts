// One socket, one count: the lab's ss -tan, netstat -nat and /proc/net/tcp{,6}
// of one moment, read together, count as one of them (issue 12), not as
// their sum. Scenarios whose sockets churn between the captures (series-*)
// list some sockets in one file only: their union lies between the largest
// file and the sum.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { readInputs } from "../../src/sources/files.ts";
import { summarize } from "../../src/report/analysis.ts";
import { ROOT } from "../ingest/_read.ts";

type Counts = { sockets: number; states: Record<string, number> };
const FILES = ["ss-tan.txt", "netstat-nat.txt", "proc-net-tcp.txt", "proc-net-tcp6.txt"];
const sorted = (s: Record<string, number>) => JSON.stringify(Object.entries(s).filter(([, n]) => n > 0).sort());

describe("duplicate tables of one moment merge (lab captures)", () => {
  const lab = path.join(ROOT, "samples", "linux");
  for (const d of fs.readdirSync(lab).sort()) {
    const dir = path.join(lab, d);
    const expFile = path.join(dir, "expected.json");
    if (!fs.existsSync(expFile)) continue;
    const exp = JSON.parse(fs.readFileSync(expFile, "utf8")) as Record<string, Counts>;
    const files = FILES.filter((f) => fs.existsSync(path.join(dir, f)) && exp[f]);
    if (files.length < 3 || !exp["ss-tan.txt"]) continue;
    it(`${d}: ${files.join(" + ")}`, () => {
      const snap = readInputs(files.map((f) => path.join(dir, f)));
      const s = summarize(snap);
      const proc: Record<string, number> = {};
      for (const f of ["proc-net-tcp.txt", "proc-net-tcp6.txt"]) for (const [k, v] of Object.entries(exp[f]?.states ?? {})) proc[k] = (proc[k] ?? 0) + v;
      const each = [exp["ss-tan.txt"].states, exp["netstat-nat.txt"]?.states ?? {}, proc];
      const sizes = files.map((f) => exp[f].sockets);
      if (d.startsWith("series-")) {
        assert.ok(s.sockets >= Math.max(exp["ss-tan.txt"].sockets, exp["netstat-nat.txt"]?.sockets ?? 0), `${s.sockets}`);
        assert.ok(s.sockets < sizes.reduce((a, b) => a + b, 0), `${s.sockets} is the sum`);
      } else assert.ok(each.map(sorted).includes(sorted(s.states as Record<string, number>)), `${sorted(s.states as Record<string, number>)} is none of ${each.map(sorted).join(" | ")}`);
      assert.ok((snap.merged ?? 0) > 0 || s.sockets === 0);
    });
  }
});
