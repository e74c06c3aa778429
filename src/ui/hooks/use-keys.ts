/**
 * Keyboard dispatch for the session: one reader of input at the root (gated
 * on raw mode; see ../keys.ts), keys taken one per render, handlers
 * registered by the screens in layers; a handler of a higher
 * layer (a prompt over a screen) sees a key first and returns true when it
 * used it; keys nobody used go to the global handler.
 */

import { useStdin } from "ink";
import { createContext, createElement, type ReactNode, useCallback, useContext, useEffect, useLayoutEffect, useRef, useState } from "react";
import { KeyReader, type KeyPress } from "../keys.ts";

export type { KeyPress };

/** A handler returns true when it used the key. */
export type KeyHandler = (k: KeyPress) => boolean;

/** Key layers: a higher layer sees keys first. */
export const LAYER = { screen: 1, panel: 2, modal: 3 } as const;

interface Entry {
  layer: number;
  seq: number;
  handle: KeyHandler;
}

interface KeyStack {
  push(e: Entry): () => void;
  /** The number of reads of input so far. */
  reads(): number;
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
 * Owns the one input reader of the app. Reads keys only when the input stream
 * supports raw mode (a terminal); otherwise renders without keyboard.
 */
export function KeyProvider({ onUnhandled, onAnyKey, children }: KeyProviderProps) {
  const stack = useRef<Entry[]>([]);
  const fallback = useRef(onUnhandled);
  fallback.current = onUnhandled;
  const observer = useRef(onAnyKey);
  observer.current = onAnyKey;
  const { isRawModeSupported, setRawMode, internal_eventEmitter: events } = useStdin();
  const dispatch = (k: KeyPress) => {
    observer.current?.(k);
    if (k.interrupt) return void fallback.current(k);
    for (const e of [...stack.current]) if (e.handle(k)) return;
    fallback.current(k);
  };
  // Keys typed ahead wait their turn: one key, then the render it caused,
  // then the next, so each key meets the screen the one before it left
  // (j then Enter opens the item j selected).
  const queue = useRef<KeyPress[]>([]);
  const [turn, setTurn] = useState(0);
  const pump = useRef(() => {});
  pump.current = () => {
    const k = queue.current.shift();
    if (!k) return;
    dispatch(k);
    setTurn((t) => t + 1);
  };
  useLayoutEffect(() => pump.current(), [turn]);
  const reader = useRef(new KeyReader());
  const reads = useRef(0);
  const live = isRawModeSupported === true;
  useEffect(() => {
    if (!live) return;
    setRawMode(true);
    // ink's own stream of input events: read whole, with our reader, not ink's per-event key parsing.
    const onInput = (data: string) => {
      const idle = queue.current.length === 0;
      const read = ++reads.current;
      const at = Date.now();
      for (const k of reader.current.feed(String(data), at)) queue.current.push({ ...k, read, at });
      if (idle) pump.current();
    };
    events?.on("input", onInput);
    return () => {
      events?.removeListener("input", onInput);
      setRawMode(false);
    };
  }, [live, events, setRawMode]);
  const api = useRef<KeyStack>({
    reads: () => reads.current,
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

/** No human answers a box faster: a key sooner than this after it appeared was typed before. */
const REACTION_MS = 120;

/**
 * For a confirmation: returns a test that a key was typed after the calling
 * component appeared (a later read of input, and not within the reaction
 * time), so keys typed ahead, pasted or sent by the terminal with the key
 * that opened it cannot answer it.
 */
export function useFreshKeyTest(): (k: KeyPress) => boolean {
  const stack = useContext(KeyContext);
  const mark = useRef<{ read: number; at: number } | undefined>(undefined);
  useLayoutEffect(() => {
    mark.current = { read: stack?.reads() ?? 0, at: Date.now() };
  }, [stack]);
  return (k) => {
    const m = mark.current;
    if (!m || k.read === undefined || k.at === undefined) return false;
    return k.read > m.read && k.at - m.at >= REACTION_MS;
  };
}
