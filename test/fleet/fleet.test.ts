// The fleet analysis over the lab's 22 real hosts (samples/fleet/, captured
// by test/lab/lab.sh fleet): every fleet finding and the cross-host pairs
// against expected-fleet.json, which awk computed from the same snapshots.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { analyzeHosts, loadFleetRules } from "../../src/cli/fleet.ts";
import { loadRules } from "../../src/cli/rule_set.ts";
import type { Flags } from "../../src/cli/options.ts";
import { analyzeFleet } from "../../src/fleet/evaluate.ts";
import { openFleet } from "../../src/sources/fleet.ts";
import { ROOT, tcpdoc, userError } from "../cli/_run.ts";
import { tempDir } from "../_temp.ts";

const FLEET = path.join(ROOT, "samples", "fleet");
const expected = JSON.parse(fs.readFileSync(path.join(FLEET, "expected-fleet.json"), "utf8")) as {
  "synSentTo10.77.0.250:5432": Record<string, number>;
  closeWait: Record<string, number>;
  timeWait: Record<string, number>;
  pairs: Record<string, number>;
};
const flags = { rules: [], noUserRules: true, disable: [] } as unknown as Flags;

async function analysis(where = FLEET, jobs = 1) {
  const rules = await loadRules({ rules: [], noUserRules: true });
  const source = openFleet(where);
  return await analyzeFleet(source.from, await analyzeHosts(source.hosts, rules, flags, {}, jobs), await loadFleetRules());
}

describe("tcpdoc analyze --fleet samples/fleet (22 real hosts)", () => {
  it("reads 22 hosts named by their directories, with their labels", async () => {
    const a = await analysis();
    assert.equal(a.hosts.length, 22);
    assert.deepEqual(a.hosts.filter((h) => h.error), []);
    assert.equal(a.hosts.find((h) => h.host === "web07")?.labels.build, "2.5.0-rc1");
  });

  it("finds the upstream that most hosts cannot reach, and names exactly those hosts", async () => {
    const f = (await analysis()).findings.find((x) => x.rule === "fleet-upstream-down");
    assert.ok(f);
    assert.equal(f.figures.destination, "10.77.0.250:5432");
    assert.deepEqual(f.hosts, Object.keys(expected["synSentTo10.77.0.250:5432"]).sort());
    assert.equal(f.figures.sockets, Object.values(expected["synSentTo10.77.0.250:5432"]).reduce((a, b) => a + b, 0));
  });

  it("ties the CLOSE_WAIT leak to the build label of the hosts that have it", async () => {
    const f = (await analysis()).findings.find((x) => x.rule === "fleet-leak-one-label");
    assert.ok(f);
    assert.equal(f.figures.label, "build=2.5.0-rc1");
    assert.deepEqual(f.hosts, Object.keys(expected.closeWait).sort());
  });

  it("names the TIME_WAIT outlier among its peers", async () => {
    const f = (await analysis()).findings.find((x) => x.rule === "fleet-outlier");
    assert.ok(f);
    const [host, count] = Object.entries(expected.timeWait).sort((a, b) => b[1] - a[1])[0];
    assert.equal(f.figures.host, host);
    assert.equal(f.figures.count, count);
  });

  it("matches the FIN_WAIT_2 ends on lb01 with the CLOSE_WAIT ends and their process", async () => {
    const a = await analysis();
    const got = Object.fromEntries(a.pairs.map((p) => [`${p.waiting_host} FIN_WAIT_2 -> ${p.closer_host} CLOSE_WAIT ${p.process.replace(/ \(pid (\d+)\)/, "(pid=$1)")}`, p.count]));
    assert.deepEqual(got, expected.pairs);
    assert.ok(a.findings.some((f) => f.rule === "fleet-close-wait-pair"));
  });

  it("gives the same analysis on helper threads as on one thread", async () => {
    const one = await analysis(FLEET, 1);
    const three = await analysis(FLEET, 3);
    assert.deepEqual(three, one);
  });

  it("reads the same fleet from a .tar.gz", { skip: spawnSync("tar", ["--version"]).status !== 0 ? "no tar program to make the archive" : false }, async () => {
    const dir = tempDir();
    const tgz = path.join(dir, "fleet.tar.gz");
    assert.equal(spawnSync("tar", ["-czf", tgz, "-C", path.dirname(FLEET), "fleet"]).status, 0);
    const a = await analysis(tgz);
    const b = await analysis();
    assert.deepEqual(a.findings.map((f) => [f.rule, f.hosts]), b.findings.map((f) => [f.rule, f.hosts]));
    assert.deepEqual(a.pairs, b.pairs);
  });
});

describe("the fleet report", () => {
  it("in JSON: the fleet findings, the pairs and every host", () => {
    const r = tcpdoc(["analyze", "--fleet", "samples/fleet", "--json", "--jobs", "2"]);
    assert.equal(r.status, 1, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.kind, "fleet");
    assert.equal(j.hosts.length, 22);
    assert.deepEqual(j.findings.map((f: { rule: string }) => f.rule).sort(), ["fleet-close-wait-pair", "fleet-leak-one-label", "fleet-outlier", "fleet-upstream-down"]);
    assert.equal(j.pairs.length, 2);
  });

  it("in Markdown and text", () => {
    const md = tcpdoc(["analyze", "--fleet", "samples/fleet", "--format", "markdown"]);
    assert.match(md.stdout, /^# tcpdoc fleet report/);
    assert.match(md.stdout, /\| 30 \| `lb01` \| `web07` \|/);
    const text = tcpdoc(["analyze", "--fleet", "samples/fleet", "--plain", "--jobs", "1"]);
    assert.match(text.stdout, /18 of 22 hosts/);
  });

  it("refuses files and --live beside --fleet, and a directory without hosts", () => {
    userError(tcpdoc(["analyze", "--fleet", "samples/fleet", "samples/linux/healthy/ss-tan.txt"]), /--fleet reads the hosts' files/);
    userError(tcpdoc(["analyze", "--fleet", tempDir()]), /no host found/);
    userError(tcpdoc(["analyze", "--fleet", "samples/fleet", "--jobs", "0"]), /--jobs takes/);
  });
});

describe("a host's files that are not dumps", () => {
  /** A fleet whose host "mixed" holds a dump, a README, an empty file and a binary, and whose host "notes" holds only a README. */
  function mixedFleet(): string {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "mixed"));
    fs.mkdirSync(path.join(dir, "notes"));
    fs.copyFileSync(path.join(ROOT, "samples", "linux", "close-wait-leak", "ss-tanp.txt"), path.join(dir, "mixed", "ss-tanp.txt"));
    fs.writeFileSync(path.join(dir, "mixed", "README"), "Collected by the on-call engineer\nsee the ticket\n");
    fs.writeFileSync(path.join(dir, "mixed", "empty.txt"), "");
    fs.writeFileSync(path.join(dir, "mixed", "core.bin"), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]));
    fs.writeFileSync(path.join(dir, "notes", "README"), "nothing here yet\n");
    fs.writeFileSync(path.join(dir, "INDEX.md"), "# the fleet\n");
    return dir;
  }

  const alone = async () => JSON.parse(tcpdoc(["analyze", "--json", path.join(ROOT, "samples", "linux", "close-wait-leak", "ss-tanp.txt")]).stdout);

  function check(a: { hosts: { host: string; inputs: string[]; sockets: number; error?: string; skipped?: { file: string; reason: string }[]; findings: { rule: string }[] }[] }, sockets: number, rules: string[]) {
    const mixed = a.hosts.find((h) => h.host === "mixed")!;
    assert.equal(mixed.error, undefined, "one file that is not a dump does not fail the host");
    assert.deepEqual(mixed.inputs.map((n) => path.basename(n)), ["ss-tanp.txt"]);
    assert.equal(mixed.sockets, sockets);
    assert.deepEqual(mixed.findings.map((f) => f.rule).sort(), rules);
    const why = Object.fromEntries((mixed.skipped ?? []).map((k) => [path.basename(k.file), k.reason]));
    assert.deepEqual(Object.keys(why).sort(), ["README", "core.bin", "empty.txt"]);
    assert.match(why.README, /^no socket table, counters, sysctls or socket errors recognised \(first line: "Collected by the on-call engineer"\)/);
    assert.match(why["empty.txt"], /^input is empty/);
    assert.match(why["core.bin"], /^is a binary file \(a NUL byte at offset 7\)/);
    const notes = a.hosts.find((h) => h.host === "notes")!;
    assert.equal(notes.error, "its one file is not a dump");
    assert.deepEqual(notes.skipped?.map((k) => path.basename(k.file)), ["README"]);
  }

  it("are named with their one-line problem, and the host's other files are still read (a directory)", async () => {
    const dir = mixedFleet();
    const one = await alone();
    const a = await analysis(dir);
    check(a, one.summary.sockets, one.findings.map((f: { rule: string }) => f.rule).sort());
    const text = tcpdoc(["analyze", "--fleet", dir, "--plain", "--jobs", "1"], { env: { NO_COLOR: "1" } }).stdout.replace(/\n\s+/g, " ");
    assert.match(text, /not read: mixed\/README: no socket table/);
    assert.match(text, /not read: mixed\/core\.bin: is a binary file/);
    assert.match(text, /notes\s+failed\s+its one file is not a dump not read: notes\/README/);
    const md = tcpdoc(["analyze", "--fleet", dir, "--format", "markdown", "--jobs", "1"]).stdout;
    assert.match(md, /## Files not read\n\n- `INDEX\.md` \(no host\): not in a host.s directory.*\n- `mixed\/README` \(host `mixed`\): no socket table/);
    assert.match(text, /Files of no host INDEX\.md: not in a host's directory, and not a tcpdoc snapshot that names its host/);
    const j = JSON.parse(tcpdoc(["analyze", "--fleet", dir, "--json", "--jobs", "2"]).stdout);
    check(j, one.summary.sockets, one.findings.map((f: { rule: string }) => f.rule).sort());
    assert.deepEqual(j.skipped, [{ file: "INDEX.md", reason: "not in a host's directory, and not a tcpdoc snapshot that names its host" }]);
  });

  it("are named the same way in an archive", { skip: spawnSync("tar", ["--version"]).status !== 0 ? "no tar program to make the archive" : false }, async () => {
    const dir = mixedFleet();
    const tgz = path.join(tempDir(), "fleet.tar.gz");
    assert.equal(spawnSync("tar", ["-czf", tgz, "-C", dir, "mixed", "notes"]).status, 0);
    const one = await alone();
    check(await analysis(tgz), one.summary.sockets, one.findings.map((f: { rule: string }) => f.rule).sort());
  });
});

describe("--min-severity on a fleet report", () => {
  it("keeps the fleet and host findings at that severity or worse, counts the others, and the exit code follows what is shown", async () => {
    const { atMinSeverity } = await import("../../src/fleet/evaluate.ts");
    const all = await analysis();
    const fleetInfo = all.findings.filter((f) => f.severity === "info").length;
    const hostInfo = all.hosts.reduce((n, h) => n + h.findings.filter((f) => f.severity === "info").length, 0);
    assert.ok(fleetInfo > 0 && hostInfo > 0, "the lab fleet has info findings to hide");
    assert.equal(atMinSeverity(all, "info"), all);
    const w = atMinSeverity(all, "warning");
    assert.deepEqual(w.hidden, { below: "warning", fleet: fleetInfo, hosts: hostInfo });
    assert.ok(w.findings.every((f) => f.severity !== "info") && w.hosts.every((h) => h.findings.every((f) => f.severity !== "info")));
    assert.equal(w.findings.length, all.findings.length - fleetInfo);
    assert.equal(w.hosts.reduce((n, h) => n + (h.hidden ?? 0), 0), hostInfo);
    assert.deepEqual(w.pairs, all.pairs);

    const j = JSON.parse(tcpdoc(["analyze", "--fleet", "samples/fleet", "--json", "--jobs", "1", "--min-severity", "warning"]).stdout);
    assert.deepEqual(j.hidden, { below: "warning", fleet: fleetInfo, hosts: hostInfo });
    assert.equal(j.findings.length, all.findings.length - fleetInfo);
    assert.ok(j.hosts.every((h: { findings: { severity: string }[] }) => h.findings.every((f) => f.severity !== "info")));
    const web01 = j.hosts.find((h: { host: string }) => h.host === "web01");
    assert.equal(web01.hidden, all.hosts.find((h) => h.host === "web01")!.findings.length);
    assert.equal(j.summary.byWorstFinding.info, undefined, "no host's worst shown finding is info");

    const text = tcpdoc(["analyze", "--fleet", "samples/fleet", "--plain", "--jobs", "1", "--min-severity", "warning"]);
    assert.equal(text.status, 1);
    assert.match(text.stdout.replace(/\n\s+/g, " "), new RegExp(`${fleetInfo} fleet findings? and ${hostInfo} host findings below warning not shown \\(--min-severity warning\\)`));
    assert.match(text.stdout, /^  web01 ok .*\n.*\n\s+1 finding below warning not shown$/m);
    assert.doesNotMatch(text.stdout, /^\s+info: /m);
    const md = tcpdoc(["analyze", "--fleet", "samples/fleet", "--format", "markdown", "--jobs", "1", "--min-severity", "warning"]).stdout;
    assert.match(md, /host findings below warning not shown \(`--min-severity warning`\)\./);
    assert.match(md, /\| `web01` \|.*\| none; 1 finding below warning not shown \|/);

    // critical: the warnings go too, and with them exit code 1 unless a critical finding is shown
    const c = JSON.parse(tcpdoc(["analyze", "--fleet", "samples/fleet", "--json", "--jobs", "1", "--min-severity", "critical"]).stdout);
    assert.ok(c.findings.every((f: { severity: string }) => f.severity === "critical") && c.findings.length > 0);
    assert.ok(c.hosts.every((h: { findings: unknown[] }) => h.findings.length === 0));
  });
});

describe("README.md, Fleets", () => {
  it("shows real output: each part of the excerpt is in the report, in order", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const block = /```text\n\$ npx tcpdoc analyze --fleet samples\/fleet --plain\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, "README.md has the fleet example");
    const out = tcpdoc(["analyze", "--fleet", "samples/fleet", "--plain"], { env: { NO_COLOR: "1" } }).stdout;
    let from = 0;
    for (const part of block[1].split(/^\.\.\.\n/m).filter((p) => p.trim())) {
      const at = out.indexOf(part, from);
      assert.ok(at >= from, `not in the report (or out of order):\n${part}`);
      from = at + part.length;
    }
  });
});

describe("labels from the snapshot header (tcpdoc snapshot --label)", () => {
  it("are written, read back, and label the host in a fleet", async () => {
    const dir = tempDir();
    for (const [host, build] of [["a1", "1.0"], ["a2", "2.0"]]) {
      fs.mkdirSync(path.join(dir, host));
      const r = tcpdoc(["snapshot", "--no-owners", "--label", `build=${build}`, "--label", "role=web", "-o", path.join(dir, host, "snap.txt")]);
      assert.equal(r.status, 0, r.stderr);
    }
    assert.match(fs.readFileSync(path.join(dir, "a1", "snap.txt"), "utf8"), /^# label build=1\.0$/m);
    const one = JSON.parse(tcpdoc(["analyze", "--json", path.join(dir, "a1", "snap.txt")]).stdout);
    assert.deepEqual(one.inputs[0].capture.labels, { build: "1.0", role: "web" });
    const a = await analysis(dir);
    assert.deepEqual(a.hosts.map((h) => [h.host, h.labels.build, h.labels.role]), [["a1", "1.0", "web"], ["a2", "2.0", "web"]]);
    userError(tcpdoc(["snapshot", "--label", "no equals sign"]), /--label takes KEY=VALUE/);
  });
});
