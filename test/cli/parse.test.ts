// The command and option tables (src/cli/options.ts, commands.ts) and what
// is made from them: parsing with did-you-mean (parse.ts) and help that fits
// the terminal (help.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { CommandSpec } from "../../src/cli/command.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { UsageError } from "../../src/cli/errors.ts";
import { commandHelp, globalHelp, groupHelp } from "../../src/cli/help.ts";
import { defaultFlags, FLAG_NAMES, flagName, GLOBAL_OPTIONS, type OptionSpec, OPTIONS } from "../../src/cli/options.ts";
import { parseArgs } from "../../src/cli/parse.ts";

// The mapped type keeps the table in line with Flags: these must not compile.
// @ts-expect-error a choice option must give every value of its type
const _missingChoice: OptionSpec<"a" | "b"> = { kind: "choice", value: "X", default: "a", help: "", choices: { a: "" } };
// @ts-expect-error a list option cannot be declared as a boolean
const _wrongKind: OptionSpec<string[]> = { kind: "boolean", help: "" };
void _missingChoice, _wrongKind;

const none = () => false;
const parse = (argv: string[], exists: (p: string) => boolean = none) => parseArgs(argv, COMMANDS, exists);

function usage(argv: string[], pattern: RegExp, exists: (p: string) => boolean = none): void {
  assert.throws(() => parse(argv, exists), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.match(e.message, pattern);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

describe("the option table", () => {
  it("gives every option a long flag of its own, and one-letter flags once", () => {
    const longs = FLAG_NAMES.map(flagName);
    assert.equal(new Set(longs).size, longs.length);
    const shorts = FLAG_NAMES.map((k) => OPTIONS[k].short).filter(Boolean);
    assert.equal(new Set(shorts).size, shorts.length);
    assert.equal(flagName("noUserRules"), "no-user-rules");
  });
  it("has defaults for every option", () => {
    const d = defaultFlags();
    assert.deepEqual(Object.keys(d).sort(), [...FLAG_NAMES].sort());
    assert.equal(d.format, "text");
    assert.deepEqual(d.rules, []);
    assert.equal(d.output, undefined);
  });
  it("every command takes only options of the table, and every option is taken by some command", () => {
    const used = new Set<string>(GLOBAL_OPTIONS);
    for (const c of COMMANDS) for (const k of c.options) (assert.ok(FLAG_NAMES.includes(k), k), used.add(k));
    assert.deepEqual([...used].sort(), [...FLAG_NAMES].sort());
  });
});

describe("parseArgs", () => {
  it("finds the command, its arguments and its options, wherever the options are", () => {
    const p = parse(["--json", "analyze", "a.txt", "-o", "r.json", "--rules", "x", "--rules=y", "--min-severity=warning", "-"]);
    assert.equal(p.command?.name, "analyze");
    assert.deepEqual(p.positionals, ["a.txt", "-"]);
    assert.deepEqual(p.values, { json: true, output: "r.json", rules: ["x", "y"], minSeverity: "warning" });
    assert.deepEqual([...p.given].sort(), ["json", "minSeverity", "output", "rules"]);
    assert.equal(parse(["rules", "test", "dir"]).command?.name, "rules test");
    assert.equal(parse(["-ofile", "analyze"]).values.output, "file");
  });
  it("takes words after -- as files, never as commands", () => {
    const p = parse(["--", "analyze", "--json"]);
    assert.equal(p.command?.name, "");
    assert.deepEqual(p.positionals, ["analyze", "--json"]);
  });
  it("suggests the command a misspelt first word meant, when no such file exists", () => {
    usage(["analyse", "x"], /Unknown command "analyse" \(and no such file\): did you mean 'tcpdoc analyze x'\?/);
    usage(["rule", "list"], /did you mean 'tcpdoc rules list'\?/);
    usage(["version"], /did you mean 'tcpdoc --version'\?/);
    usage(["explian", "close-wait"], /did you mean 'tcpdoc explain close-wait'\?/);
    usage(["rules", "lst"], /"tcpdoc rules" has no subcommand "lst": did you mean "tcpdoc rules list"\?/);
    usage(["rules"], /needs a subcommand: list, validate, export, test or new/);
  });
  it("takes a file whose name looks like a command for the file it is", () => {
    const p = parse(["analyse"], (f) => f === "analyse");
    assert.equal(p.command?.name, "");
    assert.deepEqual(p.positionals, ["analyse"]);
    // a word far from every command is a file (the reader then says if it is missing)
    assert.deepEqual(parse(["dump.txt"]).positionals, ["dump.txt"]);
  });
  it("suggests the option or value meant", () => {
    usage(["analyze", "--disabel", "x"], /Unknown option "--disabel": did you mean "--disable"\?/);
    usage(["analyze", "--format", "jsn"], /takes one of text, json, markdown, not "jsn": did you mean "json"\?/);
    usage(["analyze", "--min-severity", "critcal"], /did you mean "critical"\?/);
    usage(["-x"], /Unknown option "-x"/);
    usage(["analyze", "--output"], /needs a value \(FILE\)/);
    usage(["analyze", "--json=yes"], /takes no value/);
  });
  it("refuses options a command does not take, with the reason where there is one", () => {
    usage(["snapshot", "--json"], /does not apply to "tcpdoc snapshot": a snapshot is written in tcpdoc's own text format/);
    usage(["formats", "--rules", "x"], /"--rules" does not apply to "tcpdoc formats" \(it takes --json\)/);
    usage(["formats", "x"], /takes no arguments, not "x"/);
    usage(["completion"], /needs bash\|zsh/);
  });
  it("lets --help through whatever else is given, and for a bare group", () => {
    assert.equal(parse(["snapshot", "--json", "--help"]).command?.name, "snapshot");
    const g = parse(["rules", "--help"]);
    assert.equal(g.command, undefined);
    assert.equal(g.group, "rules");
  });
});

describe("help", () => {
  const widths = [40, 60, 80, 100, 169];
  function fits(text: string, width: number): void {
    for (const line of text.split("\n")) assert.ok([...line].length <= width, `${[...line].length} > ${width}: ${line}`);
  }
  it("wraps the global help, each command's and each group's to the width", () => {
    for (const w of widths) {
      fits(globalHelp(COMMANDS, "0.1.0", w), w);
      for (const c of COMMANDS) fits(commandHelp(c, w), w);
      fits(groupHelp("rules", COMMANDS, w), w);
    }
  });
  it("lists every command and option in the global help", () => {
    const h = globalHelp(COMMANDS, "0.1.0", 80);
    for (const c of COMMANDS) assert.ok(h.includes(`tcpdoc ${c.name}`.trim()), c.name);
    for (const k of FLAG_NAMES) assert.ok(h.includes(`--${flagName(k)}`), k);
  });
  it("lists a command's own options, and no others, in its help", () => {
    const byName = (n: string) => COMMANDS.find((c) => c.name === n) as CommandSpec;
    const a = commandHelp(byName("analyze"), 80);
    for (const k of byName("analyze").options) assert.ok(a.includes(`--${flagName(k)}`), k);
    const s = commandHelp(byName("snapshot"), 80);
    assert.match(s, /^Usage: tcpdoc snapshot/);
    assert.ok(s.includes("--no-owners"));
    assert.ok(!s.includes("--min-severity"));
    assert.ok(groupHelp("rules", COMMANDS, 80).includes("tcpdoc rules validate"));
  });
});
