// The Prometheus text format (src/report/prometheus.ts, tcpdoc export
// --prometheus): bounded breakdowns, inert and escaped label values, rates
// from a recorded series, and promtool's own parser where it is installed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { counterRates } from "../../src/ingest/counter_series.ts";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { labelValue, renderPrometheus } from "../../src/report/prometheus.ts";
import { ROOT, tcpdoc, userError } from "../cli/_run.ts";
import { tempDir } from "../_temp.ts";

const PROMTOOL = spawnSync("promtool", ["--version"]).status === 0;
const NO_PROMTOOL = PROMTOOL ? false : "promtool is not installed (apt-get install prometheus ships it)";
const SERIES = "samples/linux/series-close-wait-growing";

describe("renderPrometheus", () => {
  it("escapes label values and makes them inert", () => {
    assert.equal(labelValue('a"b\\c\nd'), 'a\\"b\\\\c\\\\x0ad');
    assert.equal(labelValue("x\x1b[31m"), "x\\\\x1b[31m");
  });

  it("keeps the top N per state and sums the rest as other", () => {
    const rows = ["State Recv-Q Send-Q Local Address:Port Peer Address:Port"];
    for (let i = 0; i < 30; i++) rows.push(`ESTAB 0 0 10.0.0.1:${40000 + i} 10.0.1.${i}:5432`);
    const text = renderPrometheus([{ labels: {}, snap: snapshotFromTexts([{ path: "ss.txt", text: rows.join("\n") + "\n" }]), findings: [] }], 5);
    const remote = text.split("\n").filter((l) => l.startsWith("tcpdoc_sockets_by_remote{"));
    assert.equal(remote.length, 6);
    assert.ok(remote.includes('tcpdoc_sockets_by_remote{state="ESTABLISHED",remote="other"} 25'));
    assert.match(text, /tcpdoc_sockets_by_local_port\{state="ESTABLISHED",port="ephemeral"\} 30/);
  });

  it("rates from a recorded nstat series: first to last sample", () => {
    const r = counterRates(fs.readFileSync(path.join(ROOT, SERIES, "series-nstat.txt"), "utf8"));
    assert.ok(r.get("TcpActiveOpens")!.rate > 0);
    assert.equal(counterRates("TcpActiveOpens 5\n").size, 0);
  });
});

describe("tcpdoc export --prometheus", () => {
  it("from a recorded series: states, breakdowns, rates, findings", () => {
    const r = tcpdoc(["export", "--prometheus", `${SERIES}/series-nstat.txt`, `${SERIES}/ss-tanp.txt`]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^tcpdoc_sockets\{state="CLOSE_WAIT"\} 134$/m);
    assert.match(r.stdout, /^tcpdoc_kernel_stat_rate\{stat="TcpActiveOpens"\} [1-9]/m);
    assert.match(r.stdout, /^tcpdoc_finding\{rule="close-wait-leak",severity="warning"\} 0\.85$/m);
  });

  it("passes promtool check metrics, live and from files", { skip: NO_PROMTOOL }, () => {
    for (const args of [[], [`${SERIES}/series-nstat.txt`, `${SERIES}/ss-tanp.txt`], ["samples/linux/close-wait-leak/ss-tanp.txt"]]) {
      const r = tcpdoc(["export", "--prometheus", ...args]);
      const check = spawnSync("promtool", ["check", "metrics"], { input: r.stdout, encoding: "utf8" });
      assert.equal(check.status, 0, `${args.join(" ")}: ${check.stdout}${check.stderr}`);
    }
  });

  it("writes the textfile whole and replaces it with --force", () => {
    const file = path.join(tempDir(), "tcpdoc.prom");
    assert.equal(tcpdoc(["export", "--prometheus", SERIES + "/ss-tanp.txt", "-o", file]).status, 0);
    assert.match(fs.readFileSync(file, "utf8"), /^# HELP tcpdoc_sockets /);
    userError(tcpdoc(["export", "--prometheus", SERIES + "/ss-tanp.txt", "-o", file]));
    assert.equal(tcpdoc(["export", "--prometheus", SERIES + "/ss-tanp.txt", "-o", file, "--force"]).status, 0);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ["tcpdoc.prom"]);
  });

  it("asks for a format, and refuses --json", () => {
    userError(tcpdoc(["export"]), /--prometheus/);
    userError(tcpdoc(["export", "--prometheus", "--top", "0"]), /--top takes/);
  });
});

describe("README.md, Prometheus", () => {
  it("shows the real output", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const m = /```text\n\$ npx tcpdoc export --prometheus (\S+) --top 3\n([\s\S]*?)```/.exec(readme);
    assert.ok(m, "README.md has the export example");
    assert.equal(tcpdoc(["export", "--prometheus", m[1], "--top", "3"]).stdout, m[2]);
  });
});
