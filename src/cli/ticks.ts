/**
 * The tick loop `tcpdoc record` and `tcpdoc watch` share: how many ticks and
 * how far apart (--interval, --count, --for), a wait that Ctrl-C, a pause
 * or a new interval cut short, and SIGINT ending the loop after the tick
 * under way (so a recording is whole up to its last snapshot).
 */

import process from "node:process";
import { inert } from "../text/inert.ts";
import type { Context } from "./command.ts";
import { UsageError } from "./errors.ts";

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, "": 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** A time as people write it (`5s`, `500ms`, `10m`, `1h`, `30`: seconds), in milliseconds; a UsageError otherwise. */
export function parseTime(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? TIME_UNITS[m[2].toLowerCase()] : undefined;
  const ms = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(ms) || ms < 1) throw new UsageError(`${flag} takes a time such as 5s, 500ms or 10m, not "${inert(text)}"`);
  return ms;
}

/** How many ticks, and how far apart (ms): --count, else --for / --interval + 1, else until stopped (Infinity). */
export function recordPlan(flags: Pick<Context["flags"], "interval" | "count" | "for">, interval = "5s"): { every: number; count: number } {
  const every = parseTime(flags.interval ?? interval, "--interval");
  if (flags.count !== undefined) {
    const n = Number(flags.count);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--count takes a whole number of snapshots (1 or more), not "${inert(flags.count)}"`);
    return { every, count: n };
  }
  if (flags.for !== undefined) return { every, count: Math.floor(parseTime(flags.for, "--for") / every) + 1 };
  return { every, count: Infinity };
}

/**
 * The intervals + and - step through while watching (ms). Below half a
 * second a tick on a large host costs more than the interval; above a minute
 * the screen is no longer live.
 */
export const INTERVAL_STEPS = [500, 1000, 2000, 5000, 10_000, 30_000, 60_000] as const;

/** A tick loop; `run` takes the ticks, the other methods steer it from outside (keys, signals). */
export class Ticker {
  #every: number;
  readonly count: number;
  #paused = false;
  #stopped = false;
  #taken = 0;
  #wake: (() => void) | undefined;

  constructor(plan: { every: number; count: number }) {
    this.#every = plan.every;
    this.count = plan.count;
  }

  get every(): number {
    return this.#every;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get stopped(): boolean {
    return this.#stopped;
  }
  /** Ticks taken so far. */
  get taken(): number {
    return this.#taken;
  }

  /** Pauses (true) or resumes (false) taking ticks; the loop waits meanwhile. */
  pause(on: boolean): void {
    this.#paused = on;
    this.#poke();
  }

  /** Ends the loop once the tick under way (if any) is done. */
  stop(): void {
    this.#stopped = true;
    this.#poke();
  }

  /**
   * The next interval of {@link INTERVAL_STEPS} up (1) or down (-1) from the
   * current one (an --interval between steps moves to its neighbour); the
   * wait under way is measured again against it. Returns the interval now.
   */
  step(dir: 1 | -1): number {
    const steps = INTERVAL_STEPS as readonly number[];
    const next = dir > 0 ? steps.find((s) => s > this.#every) : [...steps].reverse().find((s) => s < this.#every);
    if (next !== undefined) this.#every = next;
    this.#poke();
    return this.#every;
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Sleeps until `until()` says so, or something changes (a key, a signal). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, Math.max(0, ms));
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Takes `count` ticks, `every` apart (measured from each tick's start),
   * waiting while paused; SIGINT stops it. `onTick` gets the tick's number
   * (0, 1, ...) and its start time.
   */
  async run(onTick: (i: number, started: number) => void | Promise<void>): Promise<void> {
    const onSignal = () => this.stop();
    process.on("SIGINT", onSignal);
    try {
      while (this.#taken < this.count && !this.#stopped) {
        const started = Date.now();
        await onTick(this.#taken++, started);
        if (this.#taken >= this.count) break;
        // Wait out the interval (again when + or - changes it), then as long as paused.
        while (!this.#stopped) {
          const left = started + this.#every - Date.now();
          if (this.#paused) await this.#sleep(3_600_000);
          else if (left > 0) await this.#sleep(left);
          else break;
        }
      }
    } finally {
      process.off("SIGINT", onSignal);
    }
  }
}
