// Which commands take a live snapshot, and so read this machine's socket tables ahead (src/cli/live_ahead.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { COMMANDS } from "../../src/cli/commands.ts";
import { readLiveAhead, readsLive } from "../../src/cli/live_ahead.ts";
import { defaultFlags } from "../../src/cli/options.ts";
import { parseArgs } from "../../src/cli/parse.ts";

const exists = (p: string) => p.endsWith(".txt");
const live = (argv: string[]) => {
  const p = parseArgs(argv, COMMANDS, exists);
  return readsLive({ flags: { ...defaultFlags(), ...p.values }, positionals: p.positionals });
};

describe("readsLive", () => {
  it("is true with no FILE, or with --live beside files", () => {
    assert.equal(live(["analyze"]), true);
    assert.equal(live(["analyze", "--json", "--no-owners"]), true);
    assert.equal(live(["--json"]), true);
    assert.equal(live(["analyze", "--live", "app.txt"]), true);
    assert.equal(live(["snapshot", "-o", "x.tcpdoc"]), true);
    assert.equal(live(["export", "--prometheus"]), true);
  });
  it("is false for files, stdin and fleets", () => {
    assert.equal(live(["analyze", "ss.txt"]), false);
    assert.equal(live(["analyze", "-"]), false);
    assert.equal(live(["ss.txt", "--json"]), false);
    assert.equal(live(["analyze", "--fleet", "hosts"]), false);
    assert.equal(live(["analyze", "--all-netns"]), false);
    assert.equal(live(["export", "--prometheus", "--all-netns"]), false);
    assert.equal(live(["export", "--prometheus", "ss.txt"]), false);
  });
});

describe("the commands that read this machine ahead", () => {
  it("are those that take one live snapshot: not watch or record, which read it again and again", () => {
    const early = COMMANDS.filter((c) => c.early).map((c) => c.name);
    assert.deepEqual(early, ["", "analyze", "snapshot", "export"]);
    for (const c of COMMANDS) if (c.early) assert.equal(c.early, readLiveAhead);
  });
  it("read nothing ahead for files", () => {
    const p = parseArgs(["analyze", "ss.txt"], COMMANDS, exists);
    const ctx = { command: p.command!, positionals: p.positionals, flags: { ...defaultFlags(), ...p.values }, given: p.given, argv: [], env: {}, configAnswers: {} };
    assert.equal(readLiveAhead(ctx), undefined);
  });
});
