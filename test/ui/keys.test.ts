// Terminal input: keys typed ahead are taken one at a time against the
// screen the one before left; terminal replies are dropped whole.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KeyReader, type KeyPress } from "../../src/ui/keys.ts";
import { realSession, tick } from "./_harness.ts";

function names(ks: KeyPress[]): string[] {
  return ks.map((k) => {
    for (const n of ["up", "down", "left", "right", "enter", "escape", "erase", "tab", "shiftTab", "pageUp", "pageDown", "home", "end"] as const) {
      if (k[n] && !(k.input && (n === "up" || n === "down" || n === "home" || n === "end"))) return n;
    }
    return k.ctrl ? `ctrl-${k.interrupt ? "c" : k.clearLine ? "u" : "?"}` : k.input;
  });
}

describe("KeyReader", () => {
  it("takes keys that arrived together one at a time", () => {
    assert.deepEqual(names(new KeyReader().feed("jj\r\x7fq\x03\x15")), ["j", "j", "enter", "erase", "q", "ctrl-c", "ctrl-u"]);
  });

  it("reads the keys the session uses from their sequences", () => {
    const r = new KeyReader();
    assert.deepEqual(names(r.feed("\x1b[A\x1bOB\x1b[1;5C\x1b[D\x1b[H\x1b[4~\x1b[5~\x1b[6~\x1b[Z\x1b[3~")), [
      "up", "down", "right", "left", "home", "end", "pageUp", "pageDown", "shiftTab", "erase",
    ]);
  });

  it("takes Esc followed at once by a key as both keys", () => {
    assert.deepEqual(names(new KeyReader().feed("\x1bj")), ["escape", "j"]);
    assert.deepEqual(names(new KeyReader().feed("\x1b")), ["escape"]);
    assert.deepEqual(names(new KeyReader().feed("\x1b\x1bq")), ["escape", "escape", "q"]);
  });

  it("drops terminal replies whole: OSC (a clipboard read), DCS, APC, PM, SOS, CSI reports", () => {
    const replies = [
      "\x1b]52;c;cnlyeQ==\x07", // OSC 52: the clipboard holds "ryry"
      "\x1b]52;c;cnlyeQ==\x1b\\",
      "\x1b]11;rgb:0000/0000/0000\x07",
      "\x1bP1$r0m\x1b\\", // DCS
      "\x1b_Gi=1;OK\x1b\\", // APC (kitty graphics)
      "\x1b^privacy\x1b\\", // PM
      "\x1bXsos\x1b\\", // SOS
      "\x1b[?1;2c", // DA1
      "\x1b[>0;276;0c", // DA2
      "\x1b[0n", // DSR
      "\x1b[12;40R", // cursor position
      "\x1b[?2004;1$y", // DECRPM
      "\x1b[I\x1b[O", // focus
      "\x1b[200~", // paste marker
      "\u009d52;c;cnlyeQ==\u009c", // C1 OSC
      "\u009b?1;2c", // C1 CSI
    ];
    for (const r of replies) assert.deepEqual(names(new KeyReader().feed(`a${r}b`)), ["a", "b"], JSON.stringify(r));
  });

  it("drops a reply split across reads", () => {
    const r = new KeyReader();
    const ks = [...r.feed("\x1b]", 0), ...r.feed("52;c;cnly", 1), ...r.feed("eQ==\x07", 2), ...r.feed("q", 3)];
    assert.deepEqual(names(ks), ["q"]);
  });

  it("gives up an introducer that no string follows (Esc then ] typed by hand), after a second", () => {
    const r = new KeyReader();
    r.feed("\x1b]", 0);
    assert.deepEqual(names(r.feed("q", 5000)), ["q"]);
  });
});

describe("App under type-ahead", () => {
  it("App opens the item j selected when j and Enter arrive in one read", async () => {
    const s = await realSession();
    await s.until(/›WARN  CLOSE_WAIT/);
    s.stdin.write("j\r");
    const f = await s.until(/What is wrong/);
    assert.match(f, /fin-wait-2-lingering/, "the second finding, which j selected, is open");
    s.unmount();
  });

  it("App takes Esc and a key typed within 50 ms as two keys, each on its own screen", async () => {
    const s = await realSession();
    await s.press("\r");
    await s.until(/What is wrong/);
    s.stdin.write("\x1bj"); // Esc, then j at once: back to the overview, then down
    await s.until(/›WARN  FIN_WAIT_2/);
    s.unmount();
  });

  it("App does not take a terminal's clipboard reply as keys", async () => {
    const s = await realSession();
    await s.until(/›WARN  CLOSE_WAIT/);
    // "ryry" in base64, as a terminal answers an OSC 52 query; then j as proof keys still work.
    s.stdin.write("\x1b]52;c;cnlyeQ==\x07");
    await tick(100);
    s.stdin.write("j");
    await s.until(/›WARN  FIN_WAIT_2/);
    assert.doesNotMatch(s.frame(), /r runs a check/, "no r reached the session");
    s.unmount();
  });
});
