// Errors a newcomer understands (issue 13.7, the manifest part), and validate's warnings.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../../src/manifest/load.js";
import { parsePhone } from "../../../src/manifest/phone.js";

function load(files: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), "wagroups-newcomer-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const r = loadFleet(dir, { cwd: dir, env: {} });
    return { ...r, lines: r.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("errors a newcomer understands", () => {
  it("an unquoted +14155550192 (YAML reads a number) says to quote it", () => {
    expect(load({ "g.yaml": "serial: OK-1\nsubject: Fine\nadmins:\n  - +14155550192\n" }).lines).toEqual([
      'g.yaml:4:5 admins[0] was read as the number 14155550192: quote phone numbers, e.g. "+14155550192"',
    ]);
  });

  it("a number without a country code says to add it instead of naming a wrong country", () => {
    for (const n of ["(415) 555-0192", "415 555 0192", "4155550192"]) {
      const r = parsePhone(n);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toBe(
        `has no country code: add it with a "+", e.g. "+1 ${n}" for a US number`,
      );
    }
    // with the "+" the country is what was written, and named
    expect(
      !parsePhone("+41 555 0192").ok && (parsePhone("+41 555 0192") as { reason: string }).reason,
    ).toMatch(/\+41/);
    expect(parsePhone("14155550192")).toEqual({ ok: true, jid: "14155550192@c.us" });
  });

  it("schema and semantic problems of one file are reported together", () => {
    const { lines } = load({
      "g.yaml": 'serial: OK-1\nsubject: Fine\nmemebers: []\nadmins: ["+1 415 555 01", nobody]\n',
    });
    expect(lines).toEqual([
      'g.yaml:3:1 unknown key "memebers" (did you mean "members"?)',
      'g.yaml:4:10 "+1 415 555 01" is not a valid phone number for country code +1',
      'g.yaml:4:27 unknown alias "nobody" (not in people.yaml)',
    ]);
  });

  it("an empty directory loads with no problem and files: 0 (validate says it found no manifests)", () => {
    const r = load({});
    expect([r.problems, r.files, r.unusable]).toEqual([[], 0, undefined]);
  });
});

describe("warnings", () => {
  it("a pin together with retired: true warns (the takeover path), without failing validation", () => {
    const r = load({
      "g.yaml": 'serial: OK-1\nsubject: Fine\nid: "120363025550000000@g.us"\nretired: true\n',
    });
    expect(r.problems).toEqual([]);
    expect(r.desired.groups).toHaveLength(1);
    expect(r.warnings.map((w) => `${w.file}:${w.line}:${w.column} ${w.message}`)).toEqual([
      'g.yaml:4:10 retires the pinned group 120363025550000000@g.us: the plan blocks it unless that group\'s live subject carries serial "OK-1" (a pin must not retire another group)',
    ]);
  });
});
