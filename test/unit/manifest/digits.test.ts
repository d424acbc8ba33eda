// The digit automaton against RegExp on every pattern of every numbering plan: numbers that match
// (drawn from the pattern itself), the same with one digit changed, cut short or made longer, each
// asked whole and as a prefix.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DigitPattern } from "../../../src/manifest/digits.js";
import { digitMatcher, readNumberingPlans } from "../../../src/manifest/phone.js";

const digitsOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) - 48);

function agrees(source: string, samples: string[], maxStates?: number): void {
  const dfa = new DigitPattern(source, maxStates);
  const whole = new RegExp(`^(?:${source})$`);
  const lead = new RegExp(source);
  for (const s of samples) {
    // read from an offset, as phoneNumber reads a national number after its calling code
    const d = digitsOf(`99${s}`);
    expect(dfa.full(d, 2, d.length), `${source} whole on ${s}`).toBe(whole.test(s));
    expect(dfa.prefix(d, 2, d.length), `${source} prefix on ${s}`).toBe(s.search(lead) === 0);
  }
}

/** matches of the pattern, and near misses made from them */
function samples(source: string, seed: number): string[] {
  const matching = fc.sample(fc.stringMatching(new RegExp(`^(?:${source})$`)), { numRuns: 12, seed });
  const out = ["", ...matching];
  for (const [i, m] of matching.entries()) {
    const at = (i * 7) % Math.max(1, m.length);
    out.push(`${m.slice(0, at)}${(Number(m[at] ?? 0) + 1 + i) % 10}${m.slice(at + 1)}`);
    out.push(m.slice(0, -1), `${m}${i % 10}`, `${m}${m}`);
  }
  return out;
}

describe("DigitPattern", () => {
  it("matches as RegExp does on every pattern of every numbering plan", () => {
    const plans = readNumberingPlans();
    const patterns = new Set<string>();
    for (const plan of Object.values(plans.plans)) {
      patterns.add(plan.national);
      if (plan.leading) patterns.add(plan.leading);
      for (const t of plan.types) patterns.add(t.pattern);
    }
    expect(patterns.size).toBeGreaterThan(1000);
    let seed = 1;
    for (const source of patterns) agrees(source, samples(source, seed++));
  });

  it("matches as RegExp does on random digits, for every construct it reads", () => {
    for (const source of ["", "1", "[2-9]\\d{2}", "(?:1|23)?4{2,3}", "(?:[24-6]|7(?:0|1\\d))\\d{0,2}", "5?"])
      agrees(source, fc.sample(fc.stringMatching(/^[0-9]{0,8}$/), { numRuns: 400, seed: 3 }));
  });

  it("starts its table again when it is full, and still answers the same", () => {
    const random = fc.sample(fc.stringMatching(/^[0-9]{0,12}$/), { numRuns: 400, seed: 5 });
    const source = "(?:[2-9]\\d|1[0-4])\\d{2,6}(?:5|66)?";
    agrees(source, [...random, ...samples(source, 9)], 3);
  });

  it("refuses syntax outside numbering-plan patterns, so its plan keeps the RegExp", () => {
    for (const source of ["\\d+", "a", "[^1]", "(1)", "\\d{2,}", "1{3}?", "(?=1)", "[a-c]"])
      expect(() => new DigitPattern(source), source).toThrow();
  });

  it("a pattern it refuses is still matched, by RegExp, whole and as a prefix", () => {
    const m = digitMatcher("1\\d+");
    const d = digitsOf("99123");
    expect([m.full(d, 2, 5), m.prefix(d, 2, 5), m.full(d, 2, 3), m.prefix(d, 2, 3)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([m.full(d, 3, 5), m.prefix(d, 3, 5)]).toEqual([false, false]);
  });
});
