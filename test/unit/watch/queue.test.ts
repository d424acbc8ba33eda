import { describe, expect, it } from "vitest";
import { GroupQueue } from "../../../src/watch/queue.js";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await tick();
  expect(ok()).toBe(true);
}

describe("the per-group queue", () => {
  it("a burst for one group is one run, plus exactly one more for events during it", async () => {
    const runs: string[] = [];
    let release!: () => void;
    let coalesced = 0;
    const q = new GroupQueue(
      4,
      async (k) => {
        runs.push(k);
        if (runs.length === 1) await new Promise<void>((r) => (release = r));
      },
      { coalesced: () => coalesced++ },
      // wide enough that the 100 synchronous pushes below never outlast it, even on a loaded machine
      200,
    );
    for (let i = 0; i < 100; i++) q.push("G-1");
    await until(() => runs.length === 1 && release !== undefined);
    await tick(20);
    expect(runs).toEqual(["G-1"]);
    expect(coalesced).toBe(99);
    // during the run: the first event asks for one more run, the rest fold into it
    expect(q.push("G-1")).toBe("queued");
    for (let i = 0; i < 50; i++) expect(q.push("G-1")).toBe("coalesced");
    expect(q.depth).toBe(1);
    release();
    await q.idle();
    expect(runs).toEqual(["G-1", "G-1"]);
    expect(coalesced).toBe(149);
  });

  it("runs different groups concurrently, never more than the limit, never one group twice at once", async () => {
    let inFlight = 0;
    let most = 0;
    const running = new Set<string>();
    const q = new GroupQueue(
      3,
      async (k) => {
        expect(running.has(k)).toBe(false);
        running.add(k);
        most = Math.max(most, ++inFlight);
        await tick(10);
        inFlight--;
        running.delete(k);
      },
      {},
      0,
    );
    for (let round = 0; round < 3; round++) for (let i = 0; i < 10; i++) q.push(`G-${i}`);
    await q.idle();
    expect(most).toBe(3);
  });

  it("stop lets the runs in flight end and starts nothing more", async () => {
    const started: string[] = [];
    const q = new GroupQueue(
      1,
      async (k) => {
        started.push(k);
        await tick(20);
      },
      {},
      0,
    );
    q.push("A");
    q.push("B");
    await until(() => started.length === 1);
    await q.stop();
    await tick(30);
    expect(started).toEqual(["A"]);
    expect(q.busy).toBe(0);
  });
});
