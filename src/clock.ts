// Time, in one place: the real clock, and the one sleep everything that waits uses (tests pass fakes).
import { setTimeout as sleep } from "node:timers/promises";

export interface Clock {
  /** ms since the epoch */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realSleep = (ms: number): Promise<void> => sleep(ms);

export const realClock: Clock = { now: () => Date.now(), sleep: realSleep };
