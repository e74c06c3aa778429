/** Reading /proc tables to their end, on a second thread where one helps. */

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { readProcFile, readProcFilesAhead } from "../../src/sources/proc_file.ts";
import { threadsHelp } from "../../src/sources/threads.ts";

describe("readProcFile", () => {
  /** Node with a second core reads on in a helper thread; Deno and one core read on this thread. */
  const helper = threadsHelp();
  const busy = (ms: number) => {
    for (const end = performance.now() + ms; performance.now() < end;);
  };

  it("hands over every byte in order, in pieces of at most 64 KiB, also from the helper thread", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-proc-"));
    try {
      const file = path.join(dir, "tcp");
      // 8 MiB plus a ragged end; the bytes tell their offset, so a piece out of order shows.
      const data = new Uint8Array((8 << 20) + 12345);
      const view = new DataView(data.buffer);
      for (let i = 0; i + 4 <= data.length; i += 4) view.setUint32(i, i);
      fs.writeFileSync(file, data);
      const got = new Uint8Array(data.length);
      let at = 0, fromHelper = 0;
      assert.equal(readProcFile(file, (bytes) => {
        assert.ok(bytes.length > 0 && bytes.length <= 1 << 16, `piece of ${bytes.length} bytes`);
        if (bytes.buffer instanceof SharedArrayBuffer) fromHelper++;
        got.set(bytes, at);
        at += bytes.length;
        // Slower than the reads until the helper takes over (it starts in some 20-100 ms): up to 0.5 s here.
        if (fromHelper === 0) busy(4);
      }), true);
      assert.equal(at, data.length);
      assert.ok(Buffer.from(got).equals(Buffer.from(data)), "bytes differ");
      if (helper) assert.ok(fromHelper > 0, "the helper thread read nothing");
      else assert.equal(fromHelper, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops the helper when the reader throws, and reads on afterwards", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-proc-"));
    try {
      const file = path.join(dir, "tcp");
      fs.writeFileSync(file, new Uint8Array(16 << 20).fill(65));
      let mine = 0, fromHelper = 0;
      assert.throws(() => readProcFile(file, (bytes) => {
        // Stop while the helper is reading ahead (or, without one, half way).
        if (bytes.buffer instanceof SharedArrayBuffer) {
          if (++fromHelper === 5) throw new Error("stop here");
        } else if (++mine === 128) throw new Error("stop here");
        else busy(4);
      }), /stop here/);
      if (helper) assert.equal(fromHelper, 5);
      let n = 0;
      assert.equal(readProcFile(file, (b) => void (n += b.length)), true);
      assert.equal(n, 16 << 20);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without the thread, hands over whole lines: every piece but the last ends with a newline", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-proc-"));
    try {
      const file = path.join(dir, "tcp");
      // Lines of many lengths (one longer than a piece), and a last line without its newline.
      const lines: string[] = [];
      for (let i = 0; i < 20000; i++) lines.push(`${i}: ${"x".repeat((i * 37) % 200)}`);
      lines.splice(777, 0, "y".repeat(70000));
      const text = lines.join("\n") + "\nlast";
      fs.writeFileSync(file, text);
      const pieces: string[] = [];
      assert.equal(readProcFile(file, (bytes) => void pieces.push(Buffer.from(bytes).toString("latin1")), false), true);
      assert.equal(pieces.join(""), text);
      assert.ok(pieces.length > 2);
      for (const p of pieces.slice(0, -1)) assert.ok(p.endsWith("\n") || p.length === 1 << 16, `a piece of ${p.length} bytes ends mid-line`);
      assert.equal(pieces.filter((p) => !p.endsWith("\n")).length, 2, "only a piece inside the long line and the last piece end mid-line");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("returns false for a file that is not there", () => {
    assert.equal(readProcFile("/proc/net/no-such-table", () => assert.fail("no bytes")), false);
  });
});

describe("readProcFilesAhead", () => {
  const helper = threadsHelp();
  /** Bytes that tell their offset and their file, so a piece out of order or from another file shows. */
  const pattern = (n: number, seed: number) => {
    const data = new Uint8Array(n), view = new DataView(data.buffer);
    for (let i = 0; i + 4 <= n; i += 4) view.setUint32(i, (i + seed) >>> 0);
    return data;
  };
  const readAll = (file: string) => {
    const pieces: Uint8Array[] = [];
    let fromHelper = 0;
    const ok = readProcFile(file, (bytes) => {
      assert.ok(bytes.length > 0 && bytes.length <= 1 << 16, `piece of ${bytes.length} bytes`);
      if (bytes.buffer instanceof SharedArrayBuffer) fromHelper++;
      pieces.push(bytes.slice());
    });
    return { ok, bytes: Buffer.concat(pieces), pieces: pieces.length, fromHelper };
  };

  it("reads each table from the fd it opened: every byte in order, the files removed meanwhile", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-proc-"));
    try {
      // Each table's first piece is read here. The first is read on here up to 16 MiB (until its helper
      // runs), the rest by its helper; the second, bigger than a helper's ring (its helper waits for
      // room), by its helper after the first piece; the third fits in one piece and needs no helper.
      const files = [["tcp", (24 << 20) + 4321], ["tcp6", (20 << 20) + 77], ["small", 5000]].map(([name, size], k) => {
        const file = path.join(dir, name as string), data = pattern(size as number, k << 28);
        fs.writeFileSync(file, data);
        return { file, data };
      });
      const stop = readProcFilesAhead(files.map((f) => f.file));
      for (const f of files) fs.rmSync(f.file);
      for (const [k, f] of files.entries()) {
        const got = readAll(f.file);
        if (!helper) {
          // no helper, nothing read ahead: the file is gone
          assert.equal(got.ok, false);
          continue;
        }
        assert.equal(got.ok, true, f.file);
        assert.ok(got.bytes.equals(Buffer.from(f.data)), `${f.file}: bytes differ`);
        if (k === 0) assert.ok(got.fromHelper > 0 && got.fromHelper < got.pieces - 1, `${f.file}: ${got.fromHelper} of ${got.pieces} pieces from its helper`);
        else if (k === 1) assert.equal(got.fromHelper, got.pieces - 1, `${f.file}: all but the first piece by its helper`);
        else assert.deepEqual([got.pieces, got.fromHelper], [1, 0], `${f.file}: read whole here`);
        // taken once: a second read opens the file, which is gone
        assert.equal(readProcFile(f.file, () => {}), false);
      }
      stop();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops the reads not taken: the file is then read afresh", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-proc-"));
    try {
      const files = ["tcp", "tcp6"].map((name) => path.join(dir, name));
      for (const [k, file] of files.entries()) fs.writeFileSync(file, pattern(3 << 20, k));
      readProcFilesAhead(files)();
      for (const [k, file] of files.entries()) {
        const now = pattern(1 << 20, 99 + k);
        fs.writeFileSync(file, now);
        const got = readAll(file);
        assert.equal(got.ok, true);
        assert.ok(got.bytes.equals(Buffer.from(now)), `${file}: the bytes read ahead, not the file's`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
