import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadFleet } from "../../../src/manifest/load.js";
import { jidsOf } from "../../../src/manifest/persons.js";

const FIX = "test/fixtures/manifests";

describe("loadFleet: every invalid fixture names its file, line and problem", () => {
  // fixture -> [file (relative to the fixture), line, column, message]
  const cases: [string, string, number, number, RegExp][] = [
    ["syntax-error", "g.yaml", 4, 1, /YAML: unexpected end of the stream within a double quoted scalar/],
    ["duplicate-serial", "a.yaml", 1, 9, /duplicate serial "OK-1", also declared in .*sub\/b\.yaml:1:9/],
    ["unknown-alias", "g.yaml", 5, 5, /unknown alias "alex" \(not in people\.yaml\)/],
    ["bad-number", "g.yaml", 5, 5, /"\+1 415 555 01" is not a valid phone number for country code \+1/],
    ["both-roles", "g.yaml", 6, 5, /listed in both admins \(line 4\) and members/],
    ["listed-twice", "g.yaml", 6, 5, /listed twice in members \(also at line 5\)/],
    ["unknown-key", "g.yaml", 4, 1, /unknown key "memebers" \(did you mean "members"\?\)/],
    [
      "bad-setting",
      "g.yaml",
      5,
      17,
      /settings\.sendMessages must be one of "all", "admins" \(got "everyone"\)/,
    ],
    ["long-subject", "g.yaml", 2, 10, /rendered subject is 104 characters; WhatsApp allows 100/],
    ["bad-serial", "g.yaml", 1, 9, /serial "vip-789" does not match serialPattern/],
    ["missing-serial", "g.yaml", 1, 1, /missing required key "serial"/],
    ["too-many-members", "g.yaml", 4, 1, /group would have 1032 participants .* allows 1024/],
    ["long-description", "g.yaml", 4, 14, /description is 2100 characters; WhatsApp allows 2048/],
    ["missing-icon", "g.yaml", 4, 7, /icon file "icons\/nope\.png" not found/],
    ["icon-not-image", "g.yaml", 4, 7, /icon "notes\.txt" is not a JPEG or PNG file/],
    ["policy-description", "g.yaml", 4, 14, /does not match policy\.descriptionMustMatch/],
    ["no-admins", "g.yaml", 1, 1, /needs at least 1 admin\(s\)/],
    [
      "bad-config",
      "wagroups.yaml",
      2,
      22,
      /limits\.requestsPerMinute must be an integer \(got string "fast"\)/,
    ],
    [
      "bad-self",
      "wagroups.yaml",
      2,
      7,
      /self "\+1 415 555 01" is not a valid phone number for country code \+1/,
    ],
    ["duplicate-key", "g.yaml", 3, 1, /YAML: duplicated mapping key/],
    ["wrong-type", "g.yaml", 3, 9, /admins must be a list/],
    ["instance-listed", "g.yaml", 3, 29, /is the instance itself/],
    ["bad-people", "people.yaml", 1, 7, /"not a number" has characters a phone number cannot have/],
  ];
  it.each(cases)("%s", (fixture, file, line, column, message) => {
    const dir = path.join(FIX, "invalid", fixture);
    const { problems } = loadFleet(dir);
    const hit = problems.find((p) => p.file === path.join(dir, file) && message.test(p.message));
    expect(hit, JSON.stringify(problems, null, 1)).toBeDefined();
    expect([hit!.line, hit!.column]).toEqual([line, column]);
  });

  it("reports a cross-file duplicate in every file involved", () => {
    const { problems } = loadFleet(path.join(FIX, "invalid", "duplicate-serial"));
    expect(problems.map((p) => path.basename(p.file)).sort()).toEqual(["a.yaml", "b.yaml"]);
  });

  it("reports every problem, not the first", () => {
    const { problems } = loadFleet("test/fixtures/manifests/invalid", { cwd: process.cwd() });
    expect(problems.length).toBeGreaterThan(15);
  });
});

describe("loadFleet: the normalized Desired model", () => {
  it("resolves aliases and numbers in any format to <digits>@c.us and merges defaults", () => {
    const { desired, problems } = loadFleet(path.join(FIX, "valid", "basic"));
    expect(problems).toEqual([]);
    expect(desired.config.self).toBe("14155550100@c.us");
    const g = desired.groups[0]!;
    expect(g.subject).toBe("OK-1 | A fine group");
    expect(g.admins).toEqual(Float64Array.of(14155550101));
    expect(desired.aliases["14155550101@c.us"]).toBe("dana");
    expect(jidsOf(g.members)).toEqual([
      "14155550102@c.us",
      "442079460958@c.us",
      "14155550103@c.us",
      "14155550104@c.us",
      "14155550105@c.us",
    ]);
    // defaults.settings.sendMessages from wagroups.yaml, editInfo from the manifest, the rest built in
    expect(g.settings).toEqual({
      sendMessages: "admins",
      editInfo: "all",
      addMembers: "admins",
      approveJoins: false,
    });
    expect(g.removeUnlisted).toBe(false);
    expect(desired.aliases["14155550102@c.us"]).toBe("alex");
  });

  it("reports a missing directory instead of throwing", () => {
    const { problems, unusable } = loadFleet("does/not/exist");
    expect(unusable).toBe("manifest directory does/not/exist does not exist");
    expect(problems).toEqual([{ file: "does/not/exist", line: 0, column: 0, message: unusable }]);
  });
});

describe("the example fleet in groups/", () => {
  it("validates with no problems and covers the promised businesses", () => {
    const { desired, problems, files } = loadFleet("groups");
    expect(problems).toEqual([]);
    expect(files).toBeGreaterThanOrEqual(6);
    expect(files).toBeLessThanOrEqual(10);
    const serials = desired.groups.map((g) => g.serial);
    expect(serials).toContain("PROJ-101");
    expect(desired.groups.some((g) => g.retired)).toBe(true);
    expect(desired.groups.every((g) => g.retired || g.description?.match(/leave/i))).toBe(true);
  });

  it("shows the lifecycle: a welcome, a goodbye, a field humans own, warm-up and colour-coded labels", () => {
    const { desired } = loadFleet("groups");
    const by = (serial: string) => desired.groups.find((g) => g.serial === serial)!;
    // welcomes go only to groups wagroups creates: the two the sandbox does not have yet
    expect(by("COH-2611").welcome).toMatch(/Welcome/);
    expect(by("PROJ-102").welcome).toMatch(/Welcome/);
    expect(by("CARE-311").goodbye).toMatch(/call the ward/);
    expect(by("CARE-311").ignore).toEqual(["admins"]);
    expect(desired.config.invites.warmupHours).toBe(24);
    expect(desired.config.labels["sales-led"]).toEqual({ color: 1, colorHex: "#64c4ff" });
    expect(desired.config.labels.escalated).toEqual({ color: 0, colorHex: "#ff9485" });
    // every label a manifest names is managed, so the example never depends on hand-made labels
    const named = desired.groups.flatMap((g) => g.labels);
    expect(named).toContain("vip");
    for (const l of named) expect(desired.config.labels, l).toHaveProperty([l]);
  });
});
