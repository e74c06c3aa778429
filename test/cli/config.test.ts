// The config file (src/cli/config.ts): defaults for format, min-severity,
// color and the allowed listening ports; the command line wins; an unknown
// key or a bad value is one line naming file:line:column.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { configKeys, parseConfig } from "../../src/cli/config.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { tcpdoc, userError } from "./_run.ts";
import { tempDir } from "../_temp.ts";

/** An XDG_CONFIG_HOME whose tcpdoc/config.yaml holds `text`. */
function configHome(text: string): string {
  const home = tempDir();
  fs.mkdirSync(path.join(home, "tcpdoc"));
  fs.writeFileSync(path.join(home, "tcpdoc", "config.yaml"), text);
  return home;
}

const SAMPLE = "samples/linux/close-wait-leak/ss-tanp.txt";
const LISTENERS = "samples/linux/formats/ss-tanp.txt";

describe("config.yaml", () => {
  it("sets defaults the command line overrides", () => {
    const home = configHome("# defaults\nmin-severity: critical\nformat: json\n");
    const r = tcpdoc(["analyze", SAMPLE], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.hidden, { below: "critical", count: 2 });
    const over = tcpdoc(["analyze", SAMPLE, "--format", "text", "--min-severity", "info"], { env: { XDG_CONFIG_HOME: home } });
    assert.equal(over.status, 1);
    assert.match(over.stdout, /^Findings \(2\):$/m);
    // --no-config reads none; --config FILE reads that one
    assert.equal(tcpdoc(["analyze", SAMPLE, "--no-config"], { env: { XDG_CONFIG_HOME: home } }).status, 1);
    const file = path.join(tempDir(), "team.yaml");
    fs.writeFileSync(file, "min-severity: critical\n");
    assert.equal(tcpdoc(["analyze", SAMPLE, "--config", file]).status, 0);
  });
  it("allowed-listen-ports answers rule unexpected-listener", () => {
    const home = configHome("allowed-listen-ports: [8080, 9000]\n");
    const j = JSON.parse(tcpdoc(["analyze", LISTENERS, "--json"], { env: { XDG_CONFIG_HOME: home } }).stdout);
    const f = j.findings.find((x: { rule: string }) => x.rule === "unexpected-listener");
    assert.ok(f, j.findings.map((x: { rule: string }) => x.rule).join(", "));
    assert.equal(f.evidence.figures.allowed, "8080,9000");
    // --answer wins
    const k = JSON.parse(tcpdoc(["analyze", LISTENERS, "--json", "--answer", "allowed-listen-ports=8080-8081,8443,9000"], { env: { XDG_CONFIG_HOME: home } }).stdout);
    assert.equal(k.findings.find((x: { rule: string }) => x.rule === "unexpected-listener"), undefined);
  });
  it("an unknown key, a bad value or broken YAML is one line naming the place", () => {
    userError(tcpdoc(["analyze", SAMPLE], { env: { XDG_CONFIG_HOME: configHome("format: text\nmin-severty: warning\n") } }),
      /config\.yaml:2:1: unknown key "min-severty": did you mean "min-severity"\?/);
    userError(tcpdoc(["analyze", SAMPLE], { env: { XDG_CONFIG_HOME: configHome("format: xml\n") } }), /config\.yaml:1:1: format takes one of text, json, markdown, not "xml"/);
    userError(tcpdoc(["analyze", SAMPLE], { env: { XDG_CONFIG_HOME: configHome("allowed-listen-ports: [22, ssh]\n") } }), /takes ports and ranges/);
    userError(tcpdoc(["analyze", SAMPLE], { env: { XDG_CONFIG_HOME: configHome("format: [\n") } }), /config\.yaml:\d+:\d+: /);
    userError(tcpdoc(["analyze", SAMPLE, "--config", "/no/such/config.yaml"]), /config\.yaml: cannot read the config file: no such file/);
  });
  it("documents every key it takes, and takes every key it documents", async () => {
    for (const { key } of configKeys()) {
      const value = key === "allowed-listen-ports" ? "[22]" : key === "format" ? "json" : key === "color" ? "never" : "warning";
      await parseConfig(`${key}: ${value}\n`, "c.yaml");
    }
    await assert.rejects(parseConfig("rules: x\n", "c.yaml"), UsageError);
    assert.deepEqual(await parseConfig("", "c.yaml"), { values: {}, answers: {} });
  });
});
