// Validation against the facts' declared paths and types, and against
// hostile text: each case here passed validation before and misbehaved at
// run time (a false finding, a rule that never fires, escape sequences in a
// terminal, a lookup that found Object.prototype).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRule, type RuleFileError } from "../../../src/engine/mod.ts";

const HEAD = "id: t\ntitle: t\nseverity: info\n";
async function errors(body: string, builtin = false): Promise<RuleFileError[]> {
  // a body with its own title replaces the head's
  const head = /^title:/m.test(body) ? HEAD.replace("title: t\n", "") : HEAD;
  return (await parseRule(head + body, "t.yaml", { conditionNames: new Set(["named-one"]), builtin })).errors;
}
const leaf = (l: string) => `conditions:\n  all:\n    - ${l}\n`;
const codes = (es: RuleFileError[]) => es.map((e) => `${e.line}:${e.column} ${e.code}`);

describe("paths and types", () => {
  it("a misspelt path is an error with a did-you-mean", async () => {
    const es = await errors(leaf("{ fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.cout, operator: greaterThan, value: 0 }"));
    assert.deepEqual(codes(es), ["6:75 bad-path"]);
    assert.match(es[0].message, /fact "group" has no "cout" under \$\.top/);
    assert.equal(es[0].hint, 'did you mean "$.top.count"?');
  });
  it("a misspelt state in a path, and a path past a value", async () => {
    const [a] = await errors(leaf("{ fact: states, path: $.CLOSEWAIT, operator: greaterThan, value: 0 }"));
    assert.equal(a.hint, 'did you mean "$.CLOSE_WAIT"?');
    const [b] = await errors(leaf("{ fact: group, params: { by: process }, path: $.top.key.length, operator: greaterThan, value: 0 }"));
    assert.match(b.hint!, /\$\.top\.key is text: it has no parts/);
    const [c] = await errors(leaf("{ fact: queues, path: $.LISTEN.recvQ, operator: greaterThan, value: 0 }"));
    assert.equal(c.code, "bad-path");
  });
  it("text compared with a number is an error, with the fix", async () => {
    const [e] = await errors(leaf("{ fact: group, params: { state: LISTEN, by: local-port }, path: $.top.key, operator: equal, value: 5432 }"));
    assert.equal(e.code, "type");
    assert.match(e.message, /compares text with a number: they are never equal/);
    assert.equal(e.hint, 'the value is text: write value: "5432"');
  });
  it("numeric operators need numbers on both sides", async () => {
    assert.match((await errors(leaf("{ fact: group, params: { by: process }, path: $.top.key, operator: greaterThan, value: 3 }")))[0].message, /greaterThan compares numbers, but the fact's value is text/);
    assert.match((await errors(leaf('{ fact: states, path: $.TOTAL, operator: lessThan, value: "100" }')))[0].hint!, /write value: 100/);
    assert.match((await errors(leaf("{ fact: states, operator: greaterThan, value: 3 }")))[0].message, /fact's value is an object/);
  });
  it("lists: in, contains and the someFact decorators", async () => {
    assert.deepEqual(await errors(leaf("{ fact: group, params: { by: local-port }, path: $.top.key, operator: in, value: { fact: symptoms, path: $.ports.EADDRINUSE } }")), []);
    assert.deepEqual(await errors(leaf("{ fact: listeners, path: $.ports, operator: someFact:notIn, value: { fact: symptoms, path: $.ports.ECONNREFUSED } }")), []);
    assert.deepEqual(await errors(leaf('{ fact: listeners, path: $.ports, operator: contains, value: "8080" }')), []);
    assert.match((await errors(leaf("{ fact: listeners, path: $.ports, operator: contains, value: 8080 }")))[0].message, /list holds text, not a number/);
    assert.match((await errors(leaf("{ fact: states, path: $.TOTAL, operator: in, value: 5 }")))[0].message, /in needs a list/);
    assert.match((await errors(leaf("{ fact: states, path: $.TOTAL, operator: someFact:equal, value: 5 }")))[0].message, /someFact: needs a list/);
  });
  it("sysctls are numbers or text; answers anything", async () => {
    assert.deepEqual(await errors(leaf("{ fact: sysctls, path: \"$['net.ipv4.tcp_tw_reuse']\", operator: equal, value: 0 }")), []);
    assert.deepEqual(await errors(leaf('{ fact: sysctls, path: "$[\'net.ipv4.ip_local_port_range\']", operator: equal, value: "32768 60999" }')), []);
    assert.deepEqual(await errors(leaf("{ fact: answers, path: $.server-restarted, operator: equal, value: true }")), []);
  });
  it("figures and evidence read declared paths too", async () => {
    const es = await errors(leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") +
      "evidence:\n  figures:\n    n: { fact: group, params: { by: process }, path: $.top.cnt }\n  groups:\n    - { fact: states }\n  sockets: { states: [CLOSEWAIT], from_group: 3 }\n");
    assert.deepEqual(es.map((e) => e.code).sort(), ["bad-group", "bad-path", "range", "unknown-state"]);
  });
});

describe("hostile text", () => {
  it("control characters are refused in every string", async () => {
    const cases = [
      'title: "x\\e]52;c;cnk=\\a"\n' + leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }"),
      leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") + 'message: "a\\u202eb"\n',
      leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") + 'checks:\n  - { title: t, look_for: x, command: "ss\\u0007" }\n',
      leaf('{ fact: answers, path: $.q, operator: equal, value: "a\\u001b[2J" }'),
      leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") + 'metadata:\n  author: "a\\u200bb"\n',
      leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") + 'tags: ["\\u0085"]\n',
    ];
    for (const c of cases) assert.ok((await errors(c)).some((e) => e.code === "control-character"), c);
  });
  it("newlines only in text that may span lines", async () => {
    const base = leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }");
    assert.deepEqual(await errors(base + "message: |\n  two\n  lines\n"), []);
    assert.equal((await errors(base + 'checks:\n  - { title: t, look_for: x, command: "ls\\nrm -rf /" }\n'))[0].code, "multi-line");
    assert.equal((await errors(base + "references:\n  - |\n    a\n    b\n"))[0].code, "multi-line");
  });
  it("names of the object machinery are refused as field names, ids and path steps", async () => {
    const base = leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }");
    const found = async (body: string) => (await errors(body)).map((e) => e.code);
    assert.ok((await found(base + "constructor: 1\n")).includes("reserved-name"));
    assert.ok((await found(base + "toString: x\n")).includes("reserved-name"));
    assert.ok((await found(base + '"__proto__": { id: x }\n')).includes("reserved-name"));
    assert.ok((await found(base + "metadata:\n  hasOwnProperty: 1\n")).includes("reserved-name"));
    assert.ok((await found(base + "evidence:\n  figures:\n    constructor: { fact: states, path: $.TOTAL }\n")).includes("reserved-name"));
    assert.ok((await found(base + "questions:\n  - { id: constructor, text: q, kind: text }\n")).includes("pattern"));
    assert.ok((await found(leaf("{ fact: counters, path: $.constructor, operator: greaterThan, value: 0 }"))).includes("bad-path"));
  });
  it("a rule that passes builds a plain object (no prototype games)", async () => {
    const r = await parseRule(HEAD + leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }"), "t.yaml", { conditionNames: new Set(), builtin: false });
    assert.deepEqual(r.errors, []);
    assert.equal(Object.getPrototypeOf(r.rule!), Object.prototype);
    assert.equal(Object.hasOwn(r.rule!, "constructor"), false);
  });
});

describe("the format", () => {
  it("a question settled by a branch names one of the rule's branches", async () => {
    const body = "conditions:\n  any:\n    - { name: grows, fact: states, path: $.CLOSE_WAIT, operator: greaterThan, value: 0 }\nbranches:\n  grows: { severity: warning }\n" +
      "questions:\n  - id: q\n    text: Does it grow?\n    kind: yes-no\n    settled_by: [";
    assert.deepEqual((await errors(body + "grows]\n")).map((e) => e.code), []);
    assert.deepEqual((await errors(body + "grow]\n")).map((e) => e.code), ["unknown-branch"]);
  });
  it("unknown fields, facts, operators, params and named conditions, each with a hint", async () => {
    const es = await errors("severty: x\n" + leaf("{ fact: state, path: $.TOTAL, operator: matches, value: 0 }") + "    - { condition: named-on }\n    - { fact: group, params: { bye: process }, path: $.total, operator: greaterThan, value: 0 }\n");
    assert.deepEqual(es.map((e) => `${e.code} ${e.hint}`), [
      'unknown-field did you mean "severity"?',
      'unknown-fact did you mean "states"? (facts: docs/facts.md)',
      "unknown-operator operators: equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive (decorators: not, someFact, someValue, everyFact, everyValue, swap, as not:equal); there is no regular-expression operator",
      'unknown-condition did you mean "named-one"?',
      'unknown-param did you mean "by"?',
      "missing-field undefined",
    ]);
  });
  it("placeholders point at themselves, and sections pair up", async () => {
    const base = leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") + "evidence:\n  figures:\n    n: { fact: states, path: $.TOTAL }\n";
    const es = await errors(base + 'message: "{{n}} and {{m}} {{#n}}x"\n');
    assert.deepEqual(es.map((e) => `${e.line}:${e.column} ${e.code}`), ["10:10 template", "10:21 unknown-placeholder"]);
  });
  it("built-in rules must carry message, checks, fixes and references", async () => {
    const es = await errors(leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }"), true);
    assert.deepEqual(es.map((e) => e.message.split(" (")[0]).sort(), ['rule has no "checks"', 'rule has no "fixes"', 'rule has no "message"', 'rule has no "references"']);
  });
  it("the id matches the file name", async () => {
    const r = await parseRule(HEAD + leaf("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }"), "rules/other.yaml", { conditionNames: new Set(), builtin: false });
    assert.equal(r.errors[0].code, "file-name");
  });
});
