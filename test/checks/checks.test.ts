// The probe catalogue and the check policy: typed parameters, the
// placeholder vocabulary, and a plan for every built-in check with a probe.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  actionLines,
  checkValue,
  fillCommand,
  isAddressLiteral,
  PLACEHOLDERS,
  placeholdersIn,
  placeholderValues,
  planCheck,
  PROBES,
  probeJsonSchema,
  validateProbe,
} from "../../src/checks/mod.ts";
import { loadRuleSet } from "../../src/engine/mod.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");

describe("parameter types", () => {
  it("checkValue() takes only values of the type", () => {
    assert.deepEqual(checkValue("state", "close-wait"), { ok: true, value: "CLOSE_WAIT" });
    assert.equal(checkValue("state", "close-wai").ok, false);
    assert.deepEqual(checkValue("port", "8080"), { ok: true, value: 8080 });
    for (const bad of [0, 65536, "80; rm", "-1", 1.5, "0x50", "", "8080 "]) assert.equal(checkValue("port", bad).ok, false, String(bad));
    assert.equal(checkValue("pid", "1 2").ok, false);
    assert.equal(checkValue("seconds", 61).ok, false);
    assert.equal(checkValue("sysctls", ["net.core.somaxconn", "kernel.core_pattern"]).ok, false);
    assert.equal(checkValue("counters", ["TcpActiveOpens"]).ok, true);
  });

  it("isAddressLiteral() takes IPv4 and IPv6 literals and nothing else", () => {
    for (const ok of ["127.0.0.1", "10.0.0.255", "::1", "::", "fe80::1", "2001:db8::1:2", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"]) assert.ok(isAddressLiteral(ok), ok);
    for (const bad of ["256.0.0.1", "1.2.3", "example.com", "1.2.3.4/24", "1.2.3.4:80", "-n", "1::2::3", "1:2:3:4:5:6:7:8:9", "1.2.3.4;id", "", "::1 ", "10.0.0.1.1"]) {
      assert.ok(!isAddressLiteral(bad), bad);
    }
  });
});

describe("placeholders", () => {
  it("every capitalised word the built-in rules' commands use is in the vocabulary or plain text", () => {
    const words = new Set<string>();
    for (const f of fs.readdirSync(path.join(ROOT, "rules"))) {
      if (!f.endsWith(".yaml") || f.includes(".test.") || f.startsWith("_")) continue;
      for (const m of fs.readFileSync(path.join(ROOT, "rules", f), "utf8").matchAll(/command: (.*)/g)) for (const w of placeholdersIn(m[1])) words.add(w);
    }
    assert.deepEqual([...words].sort(), ["CLIENT", "DEST_IP", "HOST", "PEER", "PID", "PORT", "SERVICE"]);
    assert.deepEqual(PLACEHOLDERS.map((p) => p.name).sort(), [...words].sort());
  });

  it("placeholderValues() fills from the figures by name and type", () => {
    const v = placeholderValues({ top_port: 8080, top_process: "node (pid 28672)", top_peer: "10.0.0.9", destination: "[2001:db8::5]:443", client: "192.0.2.7" });
    assert.deepEqual(v, { PORT: 8080, PID: 28672, HOST: "2001:db8::5", PEER: "10.0.0.9", CLIENT: "192.0.2.7", DEST_IP: "2001:db8::5" });
  });

  it("a process named `pid 1` does not steer PID", () => {
    assert.equal(placeholderValues({ top_process: "pid 1 (pid 4242)" }).PID, 4242);
    assert.equal(placeholderValues({ top_process: "evil pid 1" }).PID, undefined);
    assert.equal(placeholderValues({ top_process: "x (pid 1) y" }).PID, undefined);
  });

  it("fillCommand() fills CLIENT like the other address placeholders (it was passed as the literal word)", () => {
    const r = fillCommand("ss -tan state syn-recv src :PORT dst CLIENT", { port: 443, client: "198.51.100.4" });
    assert.equal(r.text, "ss -tan state syn-recv src :443 dst 198.51.100.4");
    assert.deepEqual(r.missing, []);
  });
});

describe("probe validation", () => {
  it("validateProbe() checks the id, the parameters' names and types, and placeholders' types", () => {
    assert.deepEqual(validateProbe({ id: "sockets", params: { state: "close-wait", port: "PORT" } }), []);
    const msgs = (v: unknown) => validateProbe(v).map((p) => `${p.at}: ${p.message}`);
    assert.match(msgs({ id: "exec", params: { argv: ["sh"] } })[0], /^id: unknown probe "exec"/);
    assert.match(msgs({ id: "sockets", params: { port: "8080; rm -rf /" } })[0], /params\.port: port must be a port number/);
    assert.match(msgs({ id: "sockets", params: { peer: "--kill" } })[0], /params\.peer: peer must be an IPv4 or IPv6/);
    assert.match(msgs({ id: "sockets", params: { file: "/etc/shadow" } })[0], /has no parameter "file"/);
    assert.match(msgs({ id: "fd-usage", params: { pid: "PORT" } })[0], /placeholder PORT is a port number.*pid must be/);
    assert.match(msgs({ id: "fd-usage", params: {} })[0], /needs parameter "pid"/);
    assert.match(msgs({ id: "sockets", params: { port: "PROT" } })[0], /unknown placeholder "PROT"/);
    assert.match(msgs({ id: "watch-count", params: { state: "listen", seconds: 3600 } })[0], /seconds must be/);
    assert.match(msgs({ id: "sysctls", params: { keys: ["kernel.core_pattern"] } })[0], /not in the list/);
    assert.match(msgs("ss -K dst 1.2.3.4")[0], /must be a mapping/);
  });

  it("probeJsonSchema() has one branch per probe", () => {
    const s = probeJsonSchema() as { oneOf: unknown[] };
    assert.equal(s.oneOf.length, PROBES.length);
  });
});

describe("plans", () => {
  it("planCheck() runs nothing for a check without a probe, in a dump session, or on another platform", () => {
    const probe = { id: "sockets", params: { state: "close-wait" } };
    assert.match((planCheck({ platforms: ["linux"] }, true, "linux", {}) as { reason: string }).reason, /no probe/);
    assert.match((planCheck({ platforms: ["linux"], probe }, false, "linux", {}) as { reason: string }).reason, /live session only/);
    assert.match((planCheck({ platforms: ["linux"], probe }, true, "macos", {}) as { reason: string }).reason, /for linux, not macos/);
    assert.match((planCheck({ platforms: [], probe: { id: "sysctls", params: { keys: ["fs.file-max"] } } }, true, "windows", {}) as { reason: string }).reason, /does not run on windows/);
    assert.match((planCheck({ platforms: [], probe: { id: "fd-usage", params: { pid: "PID" } } }, true, "linux", {}) as { reason: string }).reason, /which PID/);
  });

  it("every built-in check with a probe plans on its platforms: Linux reads /proc, others run a fixed absolute argv", async () => {
    const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: [], disabled: [], userRules: false }));
    const figures = { top_port: 8080, port: 8080, top_process: "node (pid 4242)", cw_process: "java (pid 77)", peer: "10.0.0.9", top_peer: "10.0.0.9", client: "10.0.0.7", destination: "10.0.0.5:5432" };
    let planned = 0;
    for (const r of set.rules) {
      for (const c of r.checks ?? []) {
        if (!c.probe) continue;
        for (const pl of c.platforms ?? ["linux"]) {
          const p = planCheck({ probe: c.probe, platforms: c.platforms ?? [] }, true, pl, figures);
          assert.ok(p.ok, `${r.id}: ${c.title} on ${pl}: ${p.ok ? "" : p.reason}`);
          const a = p.plan.action;
          if (pl === "linux") assert.equal(a.kind, "read", `${r.id}: nothing is spawned on Linux`);
          else {
            assert.equal(a.kind, "spawn");
            if (a.kind === "spawn") assert.ok(/^(\/usr\/s?bin\/|C:\\Windows\\System32\\)/.test(a.argv[0]), a.argv[0]);
          }
          assert.ok(actionLines(a).length >= 2);
          planned++;
        }
      }
    }
    assert.ok(planned >= 40, `${planned} plans`);
    const cw = set.rules.find((r) => r.id === "close-wait-leak")!;
    assert.equal(cw.checks!.filter((c) => c.probe).length, 4, "all four CLOSE_WAIT checks have a probe");
  });
});
