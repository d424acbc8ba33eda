// People held as numbers (issue 14.2): every E.164 length survives the float64 and prints back
// unchanged, a jid is only read as a person when it is one, and a group's lists are Float64Arrays.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePoints } from "../../../src/manifest/group.js";
import { loadFleet } from "../../../src/manifest/load.js";
import { resolvePerson } from "../../../src/manifest/people.js";
import { countDistinct, jidOf, jidsOf, PersonSet, personOf } from "../../../src/manifest/persons.js";
import { tempDir } from "../../helpers/cli.js";

// one real, valid number of every length E.164 allows (and parsePhone accepts), written as people do
const NUMBERS: [written: string, digits: string][] = [
  ["+683 4002", "6834002"], // Niue: 7 digits
  ["+290 8999", "2908999"], // Tristan da Cunha: 7
  ["+247 4012 3", "24740123"], // Ascension: 8
  ["+376 312 345", "376312345"], // Andorra: 9
  ["+297 560 1234", "2975601234"], // Aruba: 10
  ["+1 415 555 0101", "14155550101"], // US: 11
  ["+971 50 123 4567", "971501234567"], // UAE: 12
  ["+54 9 11 2345 6789", "5491123456789"], // Argentina mobile: 13
  ["+43 692 658014798", "43692658014798"], // Austria: 14
  ["+43 3838 842059297", "433838842059297"], // Austria: 15, the longest E.164 allows
];

describe("a person is their number", () => {
  it("reads numbers of every length 7 to 15 exactly and makes the same jid back", () => {
    const lengths = new Set<number>();
    for (const [written, digits] of NUMBERS) {
      const person = resolvePerson(written, new Map());
      expect(typeof person, written).toBe("number");
      expect(person).toBe(Number(digits));
      expect(String(person)).toBe(digits);
      expect(jidOf(person as number)).toBe(`${digits}@c.us`);
      expect(personOf(`${digits}@c.us`)).toBe(person);
      lengths.add(digits.length);
    }
    expect([...lengths].sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it("round-trips every digit string of 1 to 15 digits without a leading 0, at the edges of each length", () => {
    for (let len = 1; len <= 15; len++)
      for (const digits of [`1${"0".repeat(len - 1)}`, "9".repeat(len), "123456789012345".slice(0, len)]) {
        const jid = `${digits}@c.us`;
        const person = personOf(jid);
        expect(person, jid).toBe(Number(digits));
        expect(jidOf(person!)).toBe(jid);
      }
  });

  it("reads nothing else as a person: privacy IDs, other servers, a leading 0, too long, not digits", () => {
    for (const jid of [
      "14155550101@lid",
      "14155550101@s.whatsapp.net",
      "120363000000000001@g.us",
      "014155550101@c.us",
      "1234567890123456@c.us",
      "1415555010a@c.us",
      "+14155550101@c.us",
      "14155550101:12@c.us",
      "@c.us",
      "c.us",
      "",
    ])
      expect(personOf(jid), jid).toBeUndefined();
  });

  it("resolves an alias to its number, and reports what is not a person", () => {
    const people = new Map([["dana", "14155550101@c.us"]]);
    expect(resolvePerson("dana", people)).toBe(14155550101);
    expect(resolvePerson(" dana ", people)).toBe(14155550101);
    expect(resolvePerson("eve", people)).toBe('unknown alias "eve" (not in people.yaml)');
    expect(resolvePerson(14155550101, people)).toMatch(/was read as a number/);
    expect(resolvePerson("+1 415 555", people)).toMatch(/^"\+1 415 555" /);
  });

  it("makes jids for a list in its order, and counts distinct people across lists", () => {
    const a = Float64Array.of(14155550101, 6834002, 433838842059297);
    const b = Float64Array.of(6834002, 14155550102, 14155550101);
    expect(jidsOf(a)).toEqual(["14155550101@c.us", "6834002@c.us", "433838842059297@c.us"]);
    expect(jidsOf(new Float64Array())).toEqual([]);
    expect(countDistinct([a, b])).toBe(4);
    expect(countDistinct([a, a, a])).toBe(3);
    expect(countDistinct([new Float64Array(), b])).toBe(3);
    expect(countDistinct([])).toBe(0);
  });
});

describe("PersonSet", () => {
  it("finds every repeat and only repeats, reused at any size, numbers of every length", () => {
    const set = new PersonSet();
    for (const size of [1, 5, 1024, 3, 100_000, 0, 40]) {
      set.clear(size * 2);
      // numbers that differ only in their high or only in their low 32 bits, and every length
      const people = Array.from({ length: size }, (_, i) =>
        i % 3 === 0 ? 4294967296 * (i + 1) + 7 : i % 3 === 1 ? 4294967296 * 3 + i : 10 ** (6 + (i % 10)) + i,
      );
      expect(new Set(people).size).toBe(size);
      for (const n of people) expect(set.add(n)).toBe(true);
      for (const n of people) expect(set.add(n)).toBe(false);
      for (const n of people) expect(set.has(n)).toBe(true);
      expect(set.has(999_999_999_999_999)).toBe(false);
    }
  });

  it("keeps each person's value in a valued set, the first one given", () => {
    const set = new PersonSet(true);
    set.clear(600);
    for (let i = 0; i < 600; i++) expect(set.add(14155550000 + i * 4294967296, i - 300)).toBe(true);
    expect(set.add(14155550000, 7)).toBe(false);
    for (let i = 0; i < 600; i++) expect(set.get(14155550000 + i * 4294967296)).toBe(i - 300);
    expect(set.get(14155550001)).toBeUndefined();
    set.clear(3);
    expect(set.get(14155550000)).toBeUndefined();
    expect(set.add(14155550000, -1)).toBe(true);
    expect(set.get(14155550000)).toBe(-1);
  });

  it("counts distinct people across many lists as a Set of their jids would", () => {
    const lists = Array.from({ length: 50 }, (_, g) =>
      Float64Array.from({ length: 200 }, (_, i) => 14155550000 + ((g * 37 + i * 13) % 3001)),
    );
    const jids = new Set(lists.flatMap((l) => jidsOf(l)));
    expect(countDistinct(lists)).toBe(jids.size);
  });
});

describe("a loaded group's people", () => {
  it("are Float64Arrays in manifest order; duplicates, both roles and self are refused by number", () => {
    const dir = tempDir();
    const groups = path.join(dir, "groups");
    mkdirSync(groups);
    const files: Record<string, string> = {
      "wagroups.yaml": 'self: "+1 415 555 0100"\n',
      "people.yaml": 'dana: "+1 415 555 0101"\nniue: "+683 4002"\n',
      "G-1.yaml": [
        "serial: G-1",
        "subject: Good",
        "admins: [dana, '+43 3838 842059297']",
        "members: [niue, '+1 (415) 555-0102', '0014155550103']",
        "",
      ].join("\n"),
      "G-2.yaml": [
        "serial: G-2",
        "subject: Bad",
        // the same people written differently: the numbers are what is compared
        "admins: [dana, '+1 415-555-0101']",
        "members: ['+6834002', niue, '14155550101', '+1 415 555 0100']",
        "",
      ].join("\n"),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(groups, name), text);
    const { desired, problems } = loadFleet(groups);
    expect(desired.groups.map((g) => g.serial)).toEqual(["G-1"]);
    const g = desired.groups[0]!;
    expect(g.admins).toBeInstanceOf(Float64Array);
    expect(g.members).toBeInstanceOf(Float64Array);
    expect([...g.admins]).toEqual([14155550101, 433838842059297]);
    expect([...g.members]).toEqual([6834002, 14155550102, 14155550103]);
    expect(desired.aliases).toEqual({ "14155550101@c.us": "dana", "6834002@c.us": "niue" });
    expect(problems.map((p) => `${p.line}: ${p.message}`)).toEqual([
      `3: "+1 415-555-0101" is listed twice in admins (also at line 3)`,
      `4: "niue" is listed twice in members (also at line 4)`,
      `4: "14155550101" is listed in both admins (line 3) and members`,
      `4: "+1 415 555 0100" is the instance itself (self); it is always an admin, do not list it`,
    ]);
  });
});

describe("codePoints", () => {
  it("counts as [...s].length does, pairs and lone surrogates alike, without making the array", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "é", "😀", "\ud83d", "\ude00", "𝄞", "\u2028"), { maxLength: 20 }),
        (parts) => {
          const s = parts.join("");
          expect(codePoints(s), JSON.stringify(s)).toBe([...s].length);
        },
      ),
      { numRuns: 3_000, seed: 4 },
    );
  });
});
