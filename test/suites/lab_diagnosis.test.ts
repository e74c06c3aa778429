// Every lab scenario (real captures in samples/linux/, test/lab/README.md)
// is diagnosed from any single Linux socket-table format alone (ss -tan,
// netstat -nat, /proc/net/tcp with tcp6), and from all its files of one
// moment together: the scenario's rule at warning or worse (at info for the
// two whose rule is info by design). The healthy scenarios give nothing at
// warning. A scenario whose evidence is not in any socket table (an error
// in the application's log, a kernel counter, a setting) is read with that
// file beside the table, and the test says which.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Diagnoser, loadRuleSet } from "../../src/engine/mod.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { severityRank, type Severity } from "../../src/model/finding.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const LAB = path.join(ROOT, "samples", "linux");

/** The rule each scenario reproduces, when it is not the scenario's own name, and its floor. */
const EXPECT: Record<string, { rule?: string; floor?: Severity; beside?: string[]; why?: string }> = {
  "client-close-wait-port-exhaustion": { rule: "time-wait-port-exhaustion", floor: "critical" },
  "ephemeral-block-full": { rule: "time-wait-port-exhaustion", floor: "critical" },
  closing: { rule: "closing-simultaneous-close" },
  "time-wait-churn": { floor: "info", why: "churn is info by design: nothing fails yet" },
  "address-in-use-other-instance": { beside: ["app.log"], why: "the tables show two healthy listeners; the failed second instance is in the log" },
  "connection-refused-no-listener": { beside: ["app.log"], why: "the refused connects are in the log" },
  "closed-held-by-process": { beside: ["ss-s.txt", "app.log"], why: "CLOSE sockets are in no Linux table; ss -s counts them" },
  "time-wait-bucket-overflow": { beside: ["nstat.txt"], why: "the overflow is a kernel counter" },
  "too-many-open-files": { beside: ["app.log"], why: "EMFILE is in the log (the table alone shows the CLOSE_WAIT leak)" },
  "syncookies-disabled": { beside: ["sysctl.txt"], why: "tcp_syncookies=0 is a setting (the table alone shows the flood)" },
  "somaxconn-caps-backlog": { beside: ["sysctl.txt"], why: "the cap is net.core.somaxconn (the table alone shows the full queue)" },
  "defer-accept": { rule: "defer-accept-syn-recv", floor: "info", why: "TCP_DEFER_ACCEPT is info by design: nothing to fix" },
};

const HEALTHY = ["healthy", "healthy-busy-time-wait", "healthy-keepalive-established"];
const SKIP = /^(formats|series-)/;
const TABLES: string[][] = [["ss-tan.txt"], ["netstat-nat.txt"], ["proc-net-tcp.txt", "proc-net-tcp6.txt"]];

function scenarios(): string[] {
  return fs.readdirSync(LAB).filter((d) => fs.statSync(path.join(LAB, d)).isDirectory() && !SKIP.test(d)).sort();
}

function allFiles(scenario: string): string[] {
  return fs.readdirSync(path.join(LAB, scenario)).filter((f) => /\.(txt|log)$/.test(f)).sort().map((f) => path.join(LAB, scenario, f));
}

// The rule set loads once, outside describe: Deno's node:test registers no
// test that an async describe adds after an await.
const ruleSet = loadRuleSet(ruleLoadOptions({ userRules: false }));

describe("every lab scenario is diagnosed from each socket-table format alone and from all its files", () => {
  for (const scenario of scenarios()) {
    const e = EXPECT[scenario] ?? {};
    const rule = e.rule ?? scenario;
    const floor: Severity = e.floor ?? "warning";
    const inputs: [string, string[]][] = TABLES.map((t) => [
      t[0] + (e.beside ? ` with ${e.beside.join(", ")}` : ""),
      [...t, ...(e.beside ?? [])].map((f) => path.join(LAB, scenario, f)).filter(fs.existsSync),
    ]);
    inputs.push(["all its files", allFiles(scenario)]);
    for (const [name, files] of inputs) {
      it(`${scenario}: ${name}`, async () => {
        const findings = await new Diagnoser(readInputs(files), await ruleSet).run({});
        const loud = findings.filter((f) => severityRank(f.severity) >= severityRank("warning")).map((f) => `${f.rule}:${f.severity}`);
        if (HEALTHY.includes(scenario)) return assert.deepEqual(loud, [], "a healthy scenario raises nothing at warning");
        const f = findings.find((x) => x.rule === rule);
        assert.ok(f, `${rule} did not fire (got ${findings.map((x) => x.rule).join(", ") || "nothing"})${e.why ? `; ${e.why}` : ""}`);
        assert.ok(severityRank(f.severity) >= severityRank(floor), `${rule} at ${f.severity}, expected ${floor} or worse`);
        assert.ok(!f.partial, `${rule} is partial`);
      });
    }
  }
});
