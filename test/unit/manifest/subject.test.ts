import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../../src/manifest/load.js";
import { userRegex } from "../../../src/manifest/regex.js";
import {
  renderSubject,
  subjectFormatProblem,
  subjectMatcher,
  subjectParser,
} from "../../../src/manifest/subject.js";

const FORMAT = "{serial} | {subject}";
const PATTERN = "^[A-Z][A-Z0-9]*-[0-9]+$";

describe("rendering is literal", () => {
  it.each([
    ["Cost $& more", "VIP-1 | Cost $& more"],
    ["Pay $$ now", "VIP-1 | Pay $$ now"],
    ["$' and $`", "VIP-1 | $' and $`"],
    ["{serial} twice", "VIP-1 | {serial} twice"],
  ])("%s", (title, expected) => {
    expect(renderSubject(FORMAT, "VIP-1", title)).toBe(expected);
    expect(subjectParser(FORMAT, PATTERN)(expected)).toBe("VIP-1");
  });
});

describe("a subjectFormat must carry identity", () => {
  it.each([
    ["{serial}{subject}", /literal text between \{serial\} and \{subject\}/],
    ["{subject}{serial}", /literal text between/],
    ["{serial} {subject} {serial}", /exactly once each/],
    ["{subject}", /exactly once each/],
  ])("%s is refused with the reason", (format, why) => {
    expect(subjectFormatProblem(format)).toMatch(why);
  });
  it.each(["{serial} | {subject}", "{subject} ({serial})", "[{serial}] {subject}"])("%s is fine", (f) => {
    expect(subjectFormatProblem(f)).toBeUndefined();
  });

  it("validate refuses it at config load, located, and a subject that does not read back", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "wagroups-subject-"));
    try {
      writeFileSync(path.join(dir, "wagroups.yaml"), 'subjectFormat: "{serial}{subject}"\n');
      writeFileSync(
        path.join(dir, "g.yaml"),
        'serial: OK-1\nsubject: "2 fine"\nadmins: ["+1 415 555 0101"]\n',
      );
      expect(
        loadFleet(dir, { cwd: dir, env: {} }).problems.map((p) => `${p.file}:${p.line}:${p.column}`),
      ).toEqual(["wagroups.yaml:1:16"]);
      // this pattern makes "OK-1 | x | y" read back as the serial "OK-1 | x"
      writeFileSync(path.join(dir, "wagroups.yaml"), 'serialPattern: "^[A-Z]+-[0-9]+( [|] [a-z]+)?$"\n');
      writeFileSync(
        path.join(dir, "g.yaml"),
        'serial: OK-1\nsubject: "x | y"\nadmins: ["+1 415 555 0101"]\n',
      );
      const { problems } = loadFleet(dir, { cwd: dir, env: {} });
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`)).toEqual([
        'g.yaml:2:10 rendered subject "OK-1 | x | y" does not read back as serial "OK-1" under subjectFormat "{serial} | {subject}"; change the subject or the format',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("subjectMatcher: look-alikes match, with a flag for a warning", () => {
  const match = subjectMatcher(FORMAT, PATTERN);
  it.each([
    ["VIP-789 | Team", { serial: "VIP-789", normalized: false }],
    ["VIP\u2011789 | Team", { serial: "VIP-789", normalized: true }],
    ["VIP\u2212789 | Team", { serial: "VIP-789", normalized: true }],
    ["VIP\u2013789 | Team", { serial: "VIP-789", normalized: true }],
    ["VIP-789\u00a0|\u2003Team", { serial: "VIP-789", normalized: true }],
    ["VIP-789  |  Team", { serial: "VIP-789", normalized: true }],
    ["VIP-\uff17\uff18\uff19 | Team", { serial: "VIP-789", normalized: true }],
    ["VIP\u200b-789 | Team", { serial: "VIP-789", normalized: true }],
  ])("%j", (subject, expected) => {
    expect(match(subject)).toEqual(expected);
  });
  it("a subject with no serial even after folding matches nothing", () => {
    expect(match("Residents board")).toBeUndefined();
    expect(match("VIP_789 | Team")).toBeUndefined();
  });
});

describe("user regexes run on RE2", () => {
  it("(?i) works, catastrophic patterns stay linear, lookarounds are refused with a reason", () => {
    expect(userRegex("(?i)leave").test("You can LEAVE")).toBe(true);
    const started = performance.now();
    expect(userRegex("^(a+)+$").test(`${"a".repeat(100_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(() => userRegex("a(?!b)")).toThrow(/invalid or unsupported Perl syntax.*RE2 syntax/);
    expect(() => userRegex("(a)\\1")).toThrow(/invalid escape sequence/);
  });
});
