/**
 * Terminal input to key presses, free of ink. Keys typed ahead arrive
 * together and are taken one at a time; ESC-introduced sequences are read
 * whole: the keys the session uses (arrows, Home/End, PgUp/PgDn, Shift-Tab)
 * become keys, and everything else a terminal sends (its replies to queries:
 * OSC such as a clipboard read, DCS, APC, PM, SOS strings, CSI reports such
 * as device attributes, status and cursor position, focus and paste markers)
 * is dropped whole, never split into letters. Esc followed at once by a key
 * is the two keys the user typed (Alt has no use here).
 */

/** A key press, with the keys the session uses named. */
export interface KeyPress {
  /** The character typed, "" for special keys. */
  input: string;
  up: boolean;
  down: boolean;
  left: boolean;
  right: boolean;
  enter: boolean;
  /** Esc, Backspace or Delete. */
  back: boolean;
  escape: boolean;
  /** Backspace or Delete (for text fields). */
  erase: boolean;
  tab: boolean;
  shiftTab: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  ctrl: boolean;
  /** Ctrl-C: always goes to the global handler. */
  interrupt: boolean;
  /** Ctrl-U: clears a text field. */
  clearLine: boolean;
  /** Which read of input brought the key (1, 2, ...), and when (ms); set by the key provider. */
  read?: number;
  at?: number;
}

type Named = "up" | "down" | "left" | "right" | "enter" | "escape" | "erase" | "tab" | "shiftTab" | "pageUp" | "pageDown" | "home" | "end";

const NONE: KeyPress = {
  input: "", up: false, down: false, left: false, right: false, enter: false, back: false, escape: false, erase: false,
  tab: false, shiftTab: false, pageUp: false, pageDown: false, home: false, end: false, ctrl: false, interrupt: false, clearLine: false,
};

/** A named key. */
export function namedKey(name: Named): KeyPress {
  const k = { ...NONE, [name]: true };
  if (name === "escape" || name === "erase") k.back = true;
  return k;
}

/** A printable character; j/k also count as down/up and g/G as Home/End (text fields read `input`). */
export function charKey(c: string): KeyPress {
  return { ...NONE, input: c, down: c === "j", up: c === "k", home: c === "g", end: c === "G" };
}

/** Ctrl and a letter. */
export function ctrlKey(letter: string): KeyPress {
  return {
    ...NONE,
    ctrl: true,
    interrupt: letter === "c",
    clearLine: letter === "u",
    pageUp: letter === "b",
    pageDown: letter === "f",
    home: letter === "a",
    end: letter === "e",
  };
}

/** Longest terminal string (OSC, DCS ...) read before it is given up as not one. */
const MAX_STRING = 16 * 1024;
/** A string sequence still open after this long was not one: its introducer was typed. */
const STRING_MS = 1000;

const CSI_TILDE: Record<string, Named> = { "1": "home", "7": "home", "4": "end", "8": "end", "5": "pageUp", "6": "pageDown", "3": "erase" };
const CSI_FINAL: Record<string, Named> = { A: "up", B: "down", C: "right", D: "left", H: "home", F: "end", Z: "shiftTab" };
// ESC P (DCS), ESC X (SOS), ESC ] (OSC), ESC ^ (PM), ESC _ (APC): strings ended by BEL or ST.
const STRING_INTRO = new Set(["P", "X", "]", "^", "_"]);
const C1_STRING = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);

/** Reads keys from terminal input, across reads. */
export class KeyReader {
  #state: "text" | "esc" | "csi" | "ss3" | "string" | "string-esc" = "text";
  #params = "";
  #stringLen = 0;
  #stringSince = 0;
  #lastCR = false;

  /** The keys in one read of input. A lone ESC at the end of a read is the Esc key. */
  feed(chunk: string, now = Date.now()): KeyPress[] {
    const out: KeyPress[] = [];
    if ((this.#state === "string" || this.#state === "string-esc") && now - this.#stringSince > STRING_MS) this.#state = "text";
    for (const c of chunk) this.#char(c, out, now);
    if (this.#state === "esc") {
      out.push(namedKey("escape"));
      this.#state = "text";
    }
    return out;
  }

  #char(c: string, out: KeyPress[], now: number): void {
    const code = c.codePointAt(0)!;
    switch (this.#state) {
      case "esc":
        this.#state = "text";
        if (c === "[") return void ((this.#state = "csi"), (this.#params = ""));
        if (c === "O") return void (this.#state = "ss3");
        if (STRING_INTRO.has(c)) return this.#startString(now);
        if (c === "\\") return; // a stray ST
        // Esc, then a key typed at once: both keys.
        out.push(namedKey("escape"));
        return this.#char(c, out, now);
      case "csi":
        if (code >= 0x30 && code <= 0x3f) {
          this.#params += c;
          return;
        }
        if (code >= 0x20 && code <= 0x2f) {
          this.#params += c;
          return;
        }
        if (c === "[" && this.#params === "") {
          this.#params = "["; // the Linux console's ESC [ [ A function keys
          return;
        }
        this.#state = "text";
        if (code >= 0x40 && code <= 0x7e) return this.#csi(this.#params, c, out);
        return this.#char(c, out, now); // not a sequence after all
      case "ss3":
        this.#state = "text";
        if (CSI_FINAL[c] && c !== "Z") out.push(namedKey(CSI_FINAL[c]));
        return;
      case "string":
        if (c === "\x07" || code === 0x9c) return void (this.#state = "text");
        if (c === "\x1b") return void (this.#state = "string-esc");
        if (++this.#stringLen > MAX_STRING) this.#state = "text";
        return;
      case "string-esc":
        if (c === "\\") return void (this.#state = "text");
        // ESC inside a string ends it and starts something new.
        this.#state = "esc";
        return this.#char(c, out, now);
      case "text":
        break;
    }
    if (c === "\x1b") return void (this.#state = "esc");
    if (code === 0x9b) return void ((this.#state = "csi"), (this.#params = ""));
    if (C1_STRING.has(code)) return this.#startString(now);
    if (code >= 0x80 && code <= 0x9f) return; // other C1 controls: nothing a key sends
    const cr = this.#lastCR;
    this.#lastCR = c === "\r";
    if (c === "\r") return void out.push(namedKey("enter"));
    if (c === "\n") return cr ? undefined : void out.push(namedKey("enter"));
    if (c === "\t") return void out.push(namedKey("tab"));
    if (c === "\x7f" || c === "\b") return void out.push(namedKey("erase"));
    if (code < 0x20) return void out.push(ctrlKey(String.fromCharCode(code + 96)));
    out.push(charKey(c));
  }

  #startString(now: number): void {
    this.#state = "string";
    this.#stringLen = 0;
    this.#stringSince = now;
  }

  #csi(params: string, final: string, out: KeyPress[]): void {
    // Replies and reports (?…, >…, <…, =…), focus, paste markers, kitty keys: none is a key press here.
    if (/^[?<>=[]/.test(params)) return;
    if (final === "~") {
      const k = CSI_TILDE[params.split(";")[0]];
      if (k) out.push(namedKey(k));
      return;
    }
    const k = CSI_FINAL[final];
    // Cursor keys carry at most a modifier (1;5A); a report has other numbers (row;col R).
    if (k && /^(1(;\d+)?)?$/.test(params)) out.push(namedKey(k));
  }
}
