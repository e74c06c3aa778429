// The tar reader (src/fleet/tar.ts) and the fleet layout (src/fleet/layout.ts):
// regular files only, never a path that climbs out, bounded.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { groupHosts, parseLabels, snapshotHeaderHost } from "../../src/fleet/layout.ts";
import { readTar, safePath, TarError } from "../../src/fleet/tar.ts";

/** One ustar entry: header and data padded to 512 bytes. */
function entry(name: string, data: string, type = "0"): Uint8Array {
  const body = new TextEncoder().encode(data);
  const h = new Uint8Array(512);
  const put = (at: number, s: string) => h.set(new TextEncoder().encode(s), at);
  put(0, name);
  put(100, "0000644\0");
  put(124, body.length.toString(8).padStart(11, "0") + "\0");
  put(156, type);
  put(257, "ustar\0");
  put(263, "00");
  put(148, "        ");
  let sum = 0;
  for (const b of h) sum += b;
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  const out = new Uint8Array(512 + Math.ceil(body.length / 512) * 512);
  out.set(h);
  out.set(body, 512);
  return out;
}

function tar(...entries: Uint8Array[]): Uint8Array {
  const all = [...entries, new Uint8Array(1024)];
  const out = new Uint8Array(all.reduce((n, e) => n + e.length, 0));
  let at = 0;
  for (const e of all) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}

const LIMITS = { maxEntries: 100, maxBytes: 1 << 20 };

describe("readTar", () => {
  it("reads regular files and skips links and paths that climb out", () => {
    const t = readTar(tar(entry("fleet/web1/ss.txt", "State\n"), entry("../../etc/passwd", "x"), entry("/abs", "x"), entry("fleet/link", "", "2")), LIMITS);
    assert.deepEqual(t.files.map((f) => f.path), ["fleet/web1/ss.txt"]);
    assert.equal(new TextDecoder().decode(t.files[0].data), "State\n");
    assert.deepEqual(t.skipped.map((s) => s.why), ["unsafe path", "unsafe path", "link"]);
  });

  it("takes GNU long names", () => {
    const long = `fleet/${"h".repeat(120)}/snapshot.txt`;
    const t = readTar(tar(entry("././@LongLink", long + "\0", "L"), entry("short", "data")), LIMITS);
    assert.equal(t.files[0].path, long);
  });

  it("stops at a bad checksum, a cut archive and the limits", () => {
    const bad = tar(entry("a", "x"));
    bad[0] = 98;
    assert.throws(() => readTar(bad, LIMITS), TarError);
    assert.throws(() => readTar(tar(entry("a", "x".repeat(600))).subarray(0, 700), LIMITS), /cut short/);
    assert.throws(() => readTar(tar(entry("a", "x"), entry("b", "y")), { maxEntries: 1, maxBytes: 100 }), /more than 1 entries/);
    assert.throws(() => readTar(tar(entry("a", "x".repeat(200))), { maxEntries: 10, maxBytes: 100 }), /more than 100 bytes/);
  });

  it("safePath", () => {
    assert.equal(safePath("./a//b/./c"), "a/b/c");
    for (const p of ["../a", "a/../../b", "/etc", "C:/x", "a\\b", ""]) assert.equal(safePath(p), undefined, p);
  });
});

describe("the fleet layout", () => {
  it("a directory per host, below a directory all paths share", () => {
    const l = groupHosts(["f/web1/labels.txt", "f/web1/tmp/snap.txt", "f/web2/ss.txt", "f/README.md"]);
    assert.deepEqual(l.hosts, [{ host: "web1", files: ["f/web1/tmp/snap.txt"], labelsFile: "f/web1/labels.txt" }, { host: "web2", files: ["f/web2/ss.txt"] }]);
    assert.deepEqual(l.loose, ["f/README.md"]);
  });

  it("labels and snapshot headers", () => {
    assert.deepEqual(parseLabels("# c\nbuild=2.5\nrole: web\nbad line\n"), { build: "2.5", role: "web" });
    assert.equal(snapshotHeaderHost("# tcpdoc snapshot v1 platform=linux host=web1 kernel=6"), "web1");
    assert.equal(snapshotHeaderHost('# tcpdoc snapshot v1 host="a b"'), "a b");
    assert.equal(snapshotHeaderHost("State Recv-Q"), undefined);
  });
});
