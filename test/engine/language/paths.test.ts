// Paths: the JSONPath subset, own-property resolution, and typing against a fact's declared paths.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FACTS } from "../../../src/engine/mod.ts";
import { formatPath, parsePath, pathTail, pathType, resolvePath } from "../../../src/engine/language/paths.ts";

const spec = (id: string) => FACTS.find((f) => f.spec.id === id)!.spec;

describe("paths", () => {
  it("parse the subset and nothing else", () => {
    assert.deepEqual(parsePath("$.groups[0]['key']"), ["groups", 0, "key"]);
    assert.deepEqual(parsePath("$['net.ipv4.tcp_tw_reuse']"), ["net.ipv4.tcp_tw_reuse"]);
    for (const bad of ["$.groups[*]", "$..key", "$.a[?(@.b)]", "top.key", "$." + "a".repeat(400)]) assert.equal(parsePath(bad), null, bad);
  });
  it("resolve own properties only", () => {
    assert.equal(resolvePath({ a: { b: 1 } }, "$.a.b"), 1);
    assert.equal(resolvePath({}, "$.constructor"), undefined);
    assert.equal(resolvePath({ a: [5] }, "$.a[0]"), 5);
  });
  it("quote as messages do", () => {
    assert.equal(pathTail("$['net.core.somaxconn']"), "net.core.somaxconn");
    assert.equal(pathTail("$.ports.EADDRINUSE"), "ports.EADDRINUSE");
    assert.equal(formatPath(["top", "count"]), "$.top.count");
    assert.equal(formatPath(["net.ipv4.x", 0]), "$['net.ipv4.x'][0]");
  });
  it("type against a fact's declared paths", () => {
    assert.deepEqual(pathType(spec("group"), ["top", "count"]), { type: "number", items: undefined, nullable: undefined });
    assert.equal((pathType(spec("group"), ["groups", 2, "key"]) as { type: string }).type, "string");
    assert.equal((pathType(spec("group"), ["groups"]) as { type: string }).type, "list");
    assert.equal((pathType(spec("states"), ["CLOSE_WAIT"]) as { type: string }).type, "number");
    assert.deepEqual((pathType(spec("sysctls"), ["net.core.somaxconn"]) as { type: unknown }).type, ["number", "string"]);
    assert.equal((pathType(spec("queues"), ["CLOSE_WAIT"]) as { type: string }).type, "object");
  });
  it("say where a path leaves the value and what may come there", () => {
    assert.deepEqual(pathType(spec("group"), ["top", "cout"]), { at: 1, choices: ["key", "count", "share", "listening", "timeWait"] });
    const states = pathType(spec("states"), ["CLOSEWAIT"]) as { at: number; choices: string[] };
    assert.equal(states.at, 0);
    assert.ok(states.choices.includes("CLOSE_WAIT"));
    assert.deepEqual(pathType(spec("queues"), ["LISTEN", "recvQ"]), pathType(spec("queues"), ["LISTEN", "recvQ"]));
    assert.equal((pathType(spec("queues"), ["LISTEN"]) as { at?: number }).at, 0);
  });
});
