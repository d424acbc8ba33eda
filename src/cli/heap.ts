// How much the V8 heap may grow past what survives a garbage collection.
import { statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import type { LoadWorkers } from "../manifest/workers.js";

/**
 * A plan of a large fleet allocates each listing page, plans it and drops it, at hundreds of
 * megabytes a second; V8 answers a high allocation rate by growing the heap up to 4x what survives a
 * GC. Capped at 1.3x, 10,000 groups x 1,024 plan in about 430 MiB instead of 765 MiB, for 5-10 %
 * more time (test/bench/scale.mjs). Read at every GC, so setting it at any moment takes effect.
 */
export function capHeapGrowth(): void {
  setFlagsFromString("--heap-growing-percent=30");
}

/** Manifests this large (about 350,000 memberships) are planned with the heap capped; below, the cap's
 * extra collections cost a small fleet's plan 4 % of its time and save little (1,000 x 100: 0.88 s
 * against 0.92 s; 1,000 x 1,024 with it 345 MiB, without 500 MiB). */
const LARGE_FLEET_BYTES = 8 * 1024 * 1024;

/** Cap the heap's growth when the listed fleet is large, judged from the sizes of a sample of its
 * files (a few dozen stat calls, before any is read). */
export function capHeapForFleet(started: LoadWorkers | undefined): void {
  if (!started || started.files.length === 0) return;
  const files = started.files;
  const samples = Math.min(32, files.length);
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    try {
      bytes += statSync(files[Math.floor((i * files.length) / samples)]!.path).size;
    } catch {
      // a file that cannot be read is the loader's to report
    }
  }
  if ((bytes / samples) * files.length >= LARGE_FLEET_BYTES) capHeapGrowth();
}
