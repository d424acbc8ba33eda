// Bounded work on any input (issue 12.8): each hostile manifest ends in under a second with a
// located problem. Each of these took from 26 s to minutes before.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadFleet } from "../../../src/manifest/load.js";
import { parseYaml } from "../../../src/manifest/yaml.js";
import { aliasBomb } from "../../campaign/inputs.js";

const root = mkdtempSync(path.join(tmpdir(), "wagroups-bounded-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// the first load pays for loading modules and compiling the schemas: not what is measured here
beforeAll(() => loadFleet("test/fixtures/manifests/valid/basic", { env: {} }));
const base =
  'serial: OK-1\nsubject: Fine\ndescription: "You can leave at any time."\nadmins: ["+1 415 555 0101"]\n';
let n = 0;

/** load a fleet of these files, timed; returns "file:line:col message" lines */
function timedLoad(files: Record<string, string>): string[] {
  const dir = path.join(root, `f${n++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const started = performance.now();
  const { problems } = loadFleet(dir, { cwd: dir, env: {} });
  const ms = performance.now() - started;
  expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(1_000);
  return problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`);
}

describe("each hostile input ends in under a second with a located problem", () => {
  it("descriptionMustMatch with catastrophic backtracking runs in linear time on RE2", () => {
    const text = base.replace(/description: .*/, `description: "${"a".repeat(2000)}!"`);
    expect(
      timedLoad({ "g.yaml": text, "wagroups.yaml": 'policy: { descriptionMustMatch: "^(a+)+$" }\n' }),
    ).toEqual(["g.yaml:3:14 description does not match policy.descriptionMustMatch (^(a+)+$)"]);
  });

  it("serialPattern with nested quantifiers too", () => {
    expect(timedLoad({ "g.yaml": base, "wagroups.yaml": 'serialPattern: "^(O+)+K-1x$"\n' })).toEqual([
      'g.yaml:1:9 serial "OK-1" does not match serialPattern ^(O+)+K-1x$',
    ]);
  });

  it("a pattern RE2 cannot run in linear time is refused where it is written", () => {
    const lines = timedLoad({
      "g.yaml": base,
      "wagroups.yaml": 'policy:\n  descriptionMustMatch: "(?=leave)"\n',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^wagroups\.yaml:2:25 descriptionMustMatch is refused: invalid or unsupported Perl syntax: `\(\?=` \(patterns use RE2 syntax/,
    );
  });

  it("an alias bomb with anchors named like &a.0", () => {
    expect(timedLoad({ "g.yaml": `${base}${aliasBomb("a.", 9)}` })).toEqual([
      "g.yaml:1:1 YAML: the document holds more than 10,000 values (aliases counted as copies); a manifest needs far fewer",
    ]);
  });

  it("a file of unknown keys just under the cap: suggestions stay linear, problems are capped", () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => `${"unknown".repeat(35)}${i}: 1\n`).join("");
    const lines = timedLoad({ "g.yaml": `${base}${keys}` });
    expect(lines).toHaveLength(51);
    expect(lines[0]).toMatch(/^g\.yaml:5:1 unknown key "(unknown){35}0"$/);
    expect(lines.at(-1)).toMatch(/… and 950 more schema problem\(s\) in this file$/);
  });

  it("unknown keys that would be suggested still are", () => {
    expect(timedLoad({ "g.yaml": `${base}memebers: []\n` })).toEqual([
      'g.yaml:5:1 unknown key "memebers" (did you mean "members"?)',
    ]);
  });

  it("a megabyte manifest is refused before it is parsed", () => {
    expect(timedLoad({ "g.yaml": `${base}farewell: "${"z".repeat(1024 * 1024)}"\n` })).toEqual([
      "g.yaml:1:1 g.yaml is 1.0 MiB; at most 256 KiB is read",
    ]);
  });
});

describe("the value budget's shortcut", () => {
  /** values in a document without aliases, counted as parseYaml's budget counts them */
  const values = (v: unknown): number =>
    1 +
    (v !== null && typeof v === "object" ? Object.values(v).reduce((n: number, x) => n + values(x), 0) : 0);

  it("a text without aliases holds no more values than characters, so one shorter than the budget is not counted", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (doc, flow) => {
        const text = flow ? JSON.stringify(doc) : stringify(doc);
        if (text.includes("*")) return;
        const parsed = parseYaml("g.yaml", text, { maxNodes: 1_000_000 });
        if (parsed.problems.length) return;
        expect(values(parsed.value)).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 3_000, seed: 8 },
    );
    // the tightest texts: one character a value
    for (const text of ["[1,1,1,1]", "- \n- \n-\n", "{a, b, c}", "a:\nb:\n", "~"]) {
      const parsed = parseYaml("g.yaml", text);
      expect(values(parsed.value), text).toBeLessThanOrEqual(text.length);
    }
    // and a text at the budget is still counted
    expect(parseYaml("g.yaml", `[${"1,".repeat(30)}1]`, { maxNodes: 20 }).problems[0]?.message).toMatch(
      /more than 20 values/,
    );
  });
});
