/** Endpoints as the tools print them. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  EndpointScan,
  parsePort,
  parsePortOrService,
  readQuadPort,
  scanColonEndpoint,
  splitColonPort,
  splitDotPort,
} from "../../src/ingest/endpoint.ts";
import { RUNS } from "./_read.ts";
import { NONE } from "../../src/model/socket_table.ts";

describe("splitColonPort()", () => {
  it("splits the endpoint shapes ss, netstat and Windows print", () => {
    assert.deepEqual(splitColonPort("0.0.0.0:*"), { host: "0.0.0.0", port: NONE });
    assert.deepEqual(splitColonPort("::1:8080"), { host: "::1", port: 8080 });
    assert.deepEqual(splitColonPort("[::ffff:127.0.0.1]:8080"), { host: "::ffff:127.0.0.1", port: 8080 });
    assert.deepEqual(splitColonPort("127.0.0.53%lo:53"), { host: "127.0.0.53", port: 53 });
    assert.deepEqual(splitColonPort("[fe80::1%4]:139"), { host: "fe80::1", port: 139 });
    assert.deepEqual(splitColonPort("*:*"), { host: "*", port: NONE });
    assert.deepEqual(splitColonPort("localhost:https"), { host: "localhost", port: 443 });
    assert.equal(splitColonPort("nocolon"), undefined);
  });
});

describe("splitDotPort()", () => {
  it("splits BSD endpoints on the last dot", () => {
    assert.deepEqual(splitDotPort("127.0.0.1.8080"), { host: "127.0.0.1", port: 8080 });
    assert.deepEqual(splitDotPort("*.*"), { host: "*", port: NONE });
    assert.deepEqual(splitDotPort("fe80::1%lo0.123"), { host: "fe80::1", port: 123 });
  });
});

describe("ports", () => {
  it("are 1 to 5 digits up to 65535, a service name, or none: never hex or exponent forms", () => {
    assert.equal(parsePort("8080"), 8080);
    assert.equal(parsePort("007"), 7);
    for (const p of ["0x1F", "1e3", "+80", "", "*", "65536", "123456", " 80"]) assert.equal(parsePort(p), NONE, p);
    assert.equal(parsePortOrService("https"), 443);
    // netstat without -n on Debian names 8081 after /etc/services' "tproxy".
    assert.equal(parsePortOrService("tproxy"), 8081);
    assert.equal(parsePortOrService("socks"), 1080);
    assert.equal(parsePortOrService("constructor"), NONE);
    assert.deepEqual(splitColonPort("10.0.0.1:toString"), { host: "10.0.0.1", port: NONE });
  });
});

describe("readQuadPort()", () => {
  it("reads the usual IPv4 field in one pass exactly as scanColonEndpoint reads the token", () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 255 }).map(String), fc.constantFrom("00", "01", "256", ""));
    const port = fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom("*", "", "http", "007", "123456"));
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), port, fc.constantFrom("", " ", "  x", "\t", ":"), (o, p, after) => {
        const field = `${o.join(".")}:${p}`, line = `tcp ${field}${after}`;
        const a = new EndpointScan(), b = new EndpointScan();
        const end = readQuadPort(line, 4, line.length, a);
        if (end === -1) return;
        assert.equal(line.slice(4, end), field);
        assert.ok(scanColonEndpoint(line, 4, end, b));
        // Both fill every field the same, but where the last read stopped.
        assert.deepEqual({ ...a, end: 0 }, { ...b, end: 0 });
      }),
      { numRuns: RUNS * 3 },
    );
  });
});
