import { UsageError } from "../errors.js";

export interface Shard {
  /** 1-based */
  index: number;
  count: number;
}

/** "2/4" -> the second of four shards. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard takes I/N with 1 <= I <= N, e.g. 1/4 (got "${text}")`);
  return { index, count };
}

/** FNV-1a: stable across runs, machines and Node versions, so a serial never changes shard. */
export function shardOf(serial: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < serial.length; i++) {
    h ^= serial.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}

export const inShard = (serial: string, shard: Shard | undefined): boolean =>
  !shard || shardOf(serial, shard.count) === shard.index;
