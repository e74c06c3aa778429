/**
 * Keyboard dispatch for the session: one useInput at the root (gated on raw
 * mode), handlers registered by the screens in layers; a handler of a higher
 * layer (a prompt over a screen) sees a key first and returns true when it
 * used it; keys nobody used go to the global handler.
 */

import { type Key, useInput, useStdin } from "ink";
import { createContext, createElement, type ReactNode, useCallback, useContext, useLayoutEffect, useRef } from "react";

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
}

/** A handler returns true when it used the key. */
export type KeyHandler = (k: KeyPress) => boolean;

/** Turns ink's (input, key) into a KeyPress; j/k count as down/up unless in a text field. */
export function toKeyPress(input: string, key: Key): KeyPress {
  const erase = key.backspace || key.delete;
  const plain = !key.ctrl && !key.meta;
  return {
    input: plain ? input : "",
    up: key.upArrow || (plain && input === "k"),
    down: key.downArrow || (plain && input === "j"),
    left: key.leftArrow,
    right: key.rightArrow,
    enter: key.return,
    back: key.escape || erase,
    escape: key.escape,
    erase,
    tab: key.tab && !key.shift,
    shiftTab: key.tab && key.shift,
    pageUp: key.pageUp || (key.ctrl && input === "b"),
    pageDown: key.pageDown || (key.ctrl && input === "f"),
    home: key.home || (plain && input === "g"),
    end: key.end || (plain && input === "G"),
    ctrl: key.ctrl,
    interrupt: key.ctrl && input === "c",
  };
}

/** Key layers: a higher layer sees keys first. */
export const LAYER = { screen: 1, panel: 2, modal: 3 } as const;

interface Entry {
  layer: number;
  seq: number;
  handle: KeyHandler;
}

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
};

/** The key presses in a run of characters that arrived together. */
export function splitRun(chars: readonly string[], base: Key = NO_KEY): KeyPress[] {
  return chars.map((c) => {
    const key: Key = { ...base, ...NO_KEY };
    const code = c.codePointAt(0)!;
    if (c === "\r" || c === "\n") key.return = true;
    else if (c === "\t") key.tab = true;
    else if (c === "\x7f") key.delete = true;
    else if (c === "\b") key.backspace = true;
    else if (code < 0x20) return toKeyPress(String.fromCharCode(code + 96), { ...key, ctrl: true });
    else return toKeyPress(c, { ...key, shift: c !== c.toLowerCase() });
    return toKeyPress("", key);
  });
}

interface KeyStack {
  push(e: Entry): () => void;
}

const KeyContext = createContext<KeyStack | undefined>(undefined);

/** Props of {@link KeyProvider}. */
export interface KeyProviderProps {
  /** Called with keys no screen used (global keys). */
  onUnhandled: KeyHandler;
  /** Sees every key first (to clear a status message, say); cannot consume it. */
  onAnyKey?: (k: KeyPress) => void;
  children?: ReactNode;
}

/**
 * Owns the one useInput of the app. Reads keys only when the input stream
 * supports raw mode (a terminal); otherwise renders without keyboard.
 */
export function KeyProvider({ onUnhandled, onAnyKey, children }: KeyProviderProps) {
  const stack = useRef<Entry[]>([]);
  const fallback = useRef(onUnhandled);
  fallback.current = onUnhandled;
  const observer = useRef(onAnyKey);
  observer.current = onAnyKey;
  const { isRawModeSupported } = useStdin();
  const dispatch = (k: KeyPress) => {
    observer.current?.(k);
    if (k.interrupt) return void fallback.current(k);
    for (const e of [...stack.current]) if (e.handle(k)) return;
    fallback.current(k);
  };
  useInput((input, key) => {
    // Keys typed fast (key repeat, tmux send-keys, a paste) can arrive as one
    // run of characters: take them one at a time, as they were typed.
    const chars = [...input];
    if (chars.length > 1 && !key.meta && !key.ctrl) {
      for (const k of splitRun(chars, key)) dispatch(k);
      return;
    }
    // Esc followed quickly by a letter arrives as one "meta+letter" sequence:
    // take it as the two keys the user typed (Alt+letter has no use here).
    if (key.meta && !key.escape && !key.ctrl && /^[\x20-\x7e]$/.test(input)) {
      dispatch(toKeyPress("", { ...key, meta: false, escape: true }));
      dispatch(toKeyPress(input, { ...key, meta: false }));
      return;
    }
    dispatch(toKeyPress(input, key));
  }, { isActive: isRawModeSupported === true });
  const api = useRef<KeyStack>({
    push(e) {
      stack.current.push(e);
      stack.current.sort((a, b) => b.layer - a.layer || b.seq - a.seq);
      return () => {
        const i = stack.current.indexOf(e);
        if (i !== -1) stack.current.splice(i, 1);
      };
    },
  });
  return createElement(KeyContext.Provider, { value: api.current }, children);
}

let seq = 0;

/**
 * Registers `handler` on `layer` for as long as the component is mounted and
 * `active`; within a layer the newest handler sees keys first.
 */
export function useKeyHandler(handler: KeyHandler, layer: number = LAYER.screen, active = true): void {
  const stack = useContext(KeyContext);
  const ref = useRef(handler);
  ref.current = handler;
  const push = useCallback(
    () => stack?.push({ layer, seq: ++seq, handle: (k) => ref.current(k) }),
    [stack, layer],
  );
  // A layout effect: the handler is in place before the frame is drawn, so a
  // key typed right after a screen appears reaches that screen.
  useLayoutEffect(() => (active ? push() : undefined), [active, push]);
}
