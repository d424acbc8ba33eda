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

/** The most writes any 60-second window [t, t + 60 s) holds. */
function busiestMinute(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= 60_000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** One apply's worth of writes through its own bucket (a new process), timed on the shared clock. */
async function run(
  clock: ReturnType<typeof fakeClock>,
  perMinute: number,
  writes: number,
): Promise<number[]> {
  const bucket = new TokenBucket(perMinute, clock);
  const at: number[] = [];
  for (let i = 0; i < writes; i++) {
    await bucket.take();
    at.push(clock.t);
  }
  return at;
}

describe("TokenBucket (fake clock)", () => {
  it("starts paced: the first write waits one interval, then one write every 60/rpm seconds", async () => {
    const clock = fakeClock();
    const at = await run(clock, 30, 4);
    expect(at.map((t) => t - 1_800_000_000_000)).toEqual([2000, 4000, 6000, 8000]);
    expect(clock.sleeps).toEqual([2000, 2000, 2000, 2000]);
  });

  it("two runs back to back (shards in turn, a rerun after a failure) never put more than rpm writes in a minute", async () => {
    const clock = fakeClock();
    const first = await run(clock, 15, 22);
    const second = await run(clock, 15, 22);
    // the second run's first write comes a full interval after the first run's last
    expect(second[0]! - first.at(-1)!).toBe(4000);
    expect(busiestMinute([...first, ...second])).toBe(15);
    // what one run costs: N writes take N x 60/rpm seconds
    expect(first.at(-1)! - 1_800_000_000_000).toBe(TokenBucket.minimumMs(22, 15));
    expect(TokenBucket.minimumMs(22, 15)).toBe(88_000);
  });

  it("saves nothing while idle: a write after a quiet minute is followed by paced writes, not a burst", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(60, clock);
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await bucket.take();
      at.push(clock.t);
    }
    clock.t += 60_000; // a long read between two groups
    for (let i = 0; i < 70; i++) {
      await bucket.take();
      at.push(clock.t);
    }
    const gaps = at.slice(6).map((t, i) => t - at[5 + i]!);
    expect(new Set(gaps)).toEqual(new Set([1000]));
    expect(busiestMinute(at)).toBe(60);
  });

  it("concurrent callers queue in order and the total matches the budget's minimum", async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(120, clock);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 300 }, (_, i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(clock.t - 1_800_000_000_000).toBe(TokenBucket.minimumMs(300, 120));
    expect(TokenBucket.minimumMs(300, 120)).toBe(150_000);
  });

  it("refuses a budget of no writes at all", () => {
    expect(() => new TokenBucket(0)).toThrow("requestsPerMinute must be above 0 (got 0)");
  });
});

describe("the write budget across two applies (executor, fake clock)", () => {
  it("an apply run right after another stays within requestsPerMinute in every 60-second window", async () => {
    const clock = fakeClock(Date.now());
    const live = Array.from({ length: 6 }, (_, i) =>
      sbGroup({
        id: `12036300000000009${i}@g.us`,
        subject: `W-${i + 1} | old name`,
        participants: [{ jid: SELF, role: "superadmin" }],
      }),
    );
    const { client, sandbox } = sandboxClient(sbState(live), "", () => clock.t);
    const limits = { limits: { createsPerHour: 6, requestsPerMinute: 12, concurrency: 4 } };
    const fleet = (title: string) =>
      desired(
        live.map((_, i) => group({ serial: `W-${i + 1}`, title, admins: people(1) })),
        config(limits),
      );
    // the first run renames and adds an admin everywhere (18 writes); the second renames again (6)
    const first = await reconcile(fleet("first"), client, { clock });
    const second = await reconcile(fleet("second"), client, { clock });
    expect([first.report.writes, second.report.writes]).toEqual([18, 6]);
    const writes = sandbox.log.filter((e) => e.write).map((e) => e.at);
    expect(writes).toHaveLength(24);
    expect(busiestMinute(writes)).toBeLessThanOrEqual(12);
    // 24 writes at 12 a minute: two minutes, paced from the first write to the last
    expect(writes.at(-1)! - writes[0]!).toBe(23 * 5000);
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
    // every write went through the fake clock's bucket: at 60 a minute, each waited one second
    expect(report.writes).toBeGreaterThan(0);
    expect(clock.sleeps).toEqual(Array.from({ length: report.writes }, () => 1000));
  });
});
