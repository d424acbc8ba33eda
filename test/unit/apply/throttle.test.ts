import { describe, expect, it } from "vitest";
import { CreateBudget, TokenBucket } from "../../../src/apply/throttle.js";
import type { Clock } from "../../../src/clock.js";
import {
  config,
  desired,
  group,
  people,
  reconcile,
  SELF,
  sandboxClient,
  sbGroup,
  sbState,
} from "../../helpers/fleet.js";

/** A clock that only moves when someone sleeps on it. */
function fakeClock(start = 1_800_000_000_000): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe("TokenBucket (fake clock)", () => {
  it("lets a full bucket through at once, then one write every 60/rpm seconds", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(30, clock);
    for (let i = 0; i < 30; i++) await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    await bucket.take();
    expect(clock.sleeps).toEqual([2000, 2000]);
    expect(clock.t - 1_800_000_000_000).toBe(4000);
  });

  it("refills while idle, never above its burst", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(60, clock, 5);
    for (let i = 0; i < 5; i++) await bucket.take();
    clock.t += 60_000; // a minute idle refills only up to the burst
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(clock.sleeps).toEqual([]);
    await bucket.take();
    expect(clock.sleeps).toEqual([1000]);
  });

  it("concurrent callers queue in order and the total matches the budget's minimum", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(120, clock);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 300 }, (_, i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(clock.t - 1_800_000_000_000).toBe(TokenBucket.minimumMs(300, 120));
    expect(TokenBucket.minimumMs(300, 120)).toBe(90_000);
  });
});

describe("CreateBudget (fake clock)", () => {
  it("counts creations of the last rolling hour, says when the next slot frees, and frees it", () => {
    const clock = fakeClock(3_600_000_000);
    const now = clock.t / 1000;
    const budget = new CreateBudget(3, [now - 3000, now - 100, now - 7200], clock);
    expect(budget.claim()).toBe(true);
    expect(budget.claim()).toBe(false);
    expect(budget.nextFree()).toBe((now - 3000 + 3600) * 1000);
    clock.t = budget.nextFree();
    expect(budget.claim()).toBe(true);
  });

  it("holds across runs: an executor with a fake clock defers what the live creation times leave no room for", async () => {
    const clock = fakeClock(Date.now());
    const now = Math.floor(clock.t / 1000);
    const made = Array.from({ length: 2 }, (_, i) =>
      sbGroup({
        id: `12036300000000008${i}@g.us`,
        subject: `X-${i} | earlier`,
        creation: now - 1200,
        participants: [{ jid: SELF, role: "superadmin" }],
      }),
    );
    const { client } = sandboxClient(sbState(made), "", () => clock.t);
    const d = desired(
      ["N-1", "N-2", "N-3"].map((serial) => group({ serial, admins: people(1) })),
      config({ limits: { createsPerHour: 3, requestsPerMinute: 60, concurrency: 1 } }),
    );
    const { report } = await reconcile(d, client, { clock });
    expect(report.groups.map((g) => g.status)).toEqual(["done", "deferred", "deferred"]);
    expect(report.groups[1]!.retryAt).toBe((now - 1200 + 3600) * 1000);
    // writes went through the fake clock's bucket: 60 a minute fits them all without sleeping
    expect(clock.sleeps).toEqual([]);
  });
});
