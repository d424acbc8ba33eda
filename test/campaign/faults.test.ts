// Short and seeded in npm test; CAMPAIGN_SCENARIOS=full runs the whole matrix (npm run campaign:faults).
import { afterAll, describe, expect, it } from "vitest";
import { type ScenarioResult, scenario } from "./faults.js";

const FULL = process.env.CAMPAIGN_SCENARIOS === "full";
const results: ScenarioResult[] = [];

const matrix: [string, string, { kills?: number; seed?: number }][] = FULL
  ? [
      ...[0, 0.1, 0.2, 0.3].flatMap((error) =>
        [0, 0.1].flatMap((lost) =>
          [0, 5].map(
            (rateEvery) =>
              [
                `error ${error}, lost ${lost}, 429 every ${rateEvery}`,
                [
                  `error=${error}`,
                  `lost=${lost}`,
                  rateEvery ? `429Every=${rateEvery}` : "",
                  "retryAfter=1",
                  "seed=11",
                ]
                  .filter(Boolean)
                  .join(","),
                {},
              ] as [string, string, { kills?: number; seed?: number }],
          ),
        ),
      ),
      ["429 storm", "429=0.3,retryAfter=1,seed=5", {}],
      ["latency 5-60 ms on every request", "latency=5-60,scope=all,seed=3", {}],
      ["dropped connections", "drop=0.15,scope=all,seed=9", {}],
      ...[1, 2, 3, 4, 5].map(
        (seed) =>
          [`killed 3 times at random, seed ${seed}`, "latency=2-10,seed=2", { kills: 3, seed }] as [
            string,
            string,
            { kills?: number; seed?: number },
          ],
      ),
      ["killed 3 times with 20% errors", "error=0.2,lost=0.1,latency=2-10,seed=4", { kills: 3, seed: 7 }],
    ]
  : [
      ["error 0.2, lost 0.1, 429 every 9", "error=0.2,lost=0.1,429Every=9,retryAfter=1,seed=11", {}],
      ["killed twice at random", "latency=2-10,seed=2", { kills: 2, seed: 3 }],
    ];

afterAll(() => {
  const worst = Math.max(0, ...results.map((r) => r.runs));
  console.log(
    `fault campaign: ${results.length} scenario(s) on 50 groups, all converged: ${results.every((r) => r.converged)}, worst runs needed: ${worst}`,
  );
  for (const r of results)
    console.log(
      `  ${r.converged ? "ok" : "NOT CONVERGED"}  ${r.runs} run(s)  ${r.name}${r.violations.length ? `  VIOLATIONS: ${r.violations.join("; ")}` : ""}`,
    );
});

describe("fault campaign", () => {
  it.each(matrix)("%s", { timeout: 900_000 }, async (name, faults, opts) => {
    const r = await scenario(name, faults, opts);
    results.push(r);
    expect(r.violations).toEqual([]);
    expect(r.converged).toBe(true);
  });
});
