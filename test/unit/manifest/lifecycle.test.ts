import path from "node:path";
import { describe, expect, it } from "vitest";
import { paletteColor } from "../../../src/manifest/labels.js";
import { expandIgnore } from "../../../src/manifest/lifecycle.js";
import { loadFleet } from "../../../src/manifest/load.js";
import { readSchema } from "../../../src/manifest/schema.js";
import { IGNORE_ENTRIES, ignores } from "../../../src/manifest/types.js";
import { LABEL_PALETTE, MAX_MESSAGE } from "../../../src/whatsapp.js";

const FIX = "test/fixtures/manifests";

describe("welcome, goodbye, ignore, warm-up and managed labels: the normalized model", () => {
  const { desired, problems } = loadFleet(path.join(FIX, "valid", "lifecycle"));
  const care1 = desired.groups.find((g) => g.serial === "CARE-1")!;
  const care2 = desired.groups.find((g) => g.serial === "CARE-2")!;

  it("loads with no problems, a label nobody manages included", () => {
    expect(problems).toEqual([]);
    expect(care1.labels).toEqual(["escalated", "new customer"]);
  });

  it("keeps welcome and goodbye as written, and leaves them out when absent", () => {
    expect(care1.welcome).toBe("Welcome! The ward team reads this group every morning.");
    expect(care1.goodbye).toBe("Sorry to see you go.\nCall the ward any time.\n");
    expect("welcome" in care2).toBe(false);
    expect("goodbye" in care2).toBe(false);
  });

  it("expands settings to its four keys and orders ignore the same way whatever the manifest's order", () => {
    expect(care1.ignore).toEqual([
      "description",
      "settings.sendMessages",
      "settings.editInfo",
      "settings.addMembers",
      "settings.approveJoins",
      "admins",
      "labels",
    ]);
    expect(care2.ignore).toEqual([]);
  });

  it("answers ignores() per field, one setting at a time", () => {
    expect(ignores(care1, "admins")).toBe(true);
    expect(ignores(care1, "settings.approveJoins")).toBe(true);
    expect(ignores(care1, "members")).toBe(false);
    expect(ignores(care1, "subject")).toBe(false);
    expect(ignores(care2, "admins")).toBe(false);
  });

  it("still resolves the people of an ignored role", () => {
    expect(care1.admins).toEqual(Float64Array.of(14155550101));
  });

  it("reads warmupHours and resolves label colours by index or hex (any case) to both forms", () => {
    expect(desired.config.invites.warmupHours).toBe(24);
    expect(desired.config.invites.cooldownDays).toBe(7);
    expect(desired.config.labels).toEqual({
      vip: { color: 1, colorHex: "#64c4ff" },
      escalated: { color: 0, colorHex: "#ff9485" },
      "sales-led": { color: 1, colorHex: "#64c4ff" },
    });
  });

  it("defaults to no warm-up and no managed labels", () => {
    const basic = loadFleet(path.join(FIX, "valid", "basic")).desired.config;
    expect(basic.invites.warmupHours).toBe(0);
    expect(basic.labels).toEqual({});
  });
});

describe("validate: every lifecycle fixture names its file, line and problem", () => {
  // fixture -> [file (relative to the fixture), line, column, message]
  const cases: [string, string, number, number, RegExp][] = [
    ["long-welcome", "g.yaml", 4, 10, /^welcome is 4097 characters; at most 4,096 allowed$/],
    // counted as WhatsApp counts: 4,100 emoji are 8,200 UTF-16 units but 4,100 characters
    ["long-goodbye", "g.yaml", 4, 10, /^goodbye is 4100 characters; at most 4,096 allowed$/],
    [
      "bad-ignore",
      "g.yaml",
      4,
      19,
      /ignore\[1\] must be one of .*\(got "descripton"; did you mean "description"\?\)/,
    ],
    ["ignore-repeated", "g.yaml", 7, 5, /^ignore lists "admins" twice \(also at line 5\)$/],
    [
      "ignore-overlap",
      "g.yaml",
      5,
      5,
      /"settings\.editInfo" and "settings" \(line 6\), which already covers it/,
    ],
    ["ignored-role-bad-number", "g.yaml", 5, 11, /"\+1 415 555 01" is not a valid phone number/],
    [
      "bad-label-color",
      "wagroups.yaml",
      3,
      23,
      /^labels\.escalated\.color "#ff0000" is not one of WhatsApp's 20 label colours; the closest is 13 \("#f74848"\)$/,
    ],
    ["bad-label-color", "wagroups.yaml", 4, 19, /^labels\.later\.color 20 is not a WhatsApp label colour/],
    [
      "bad-label-color",
      "wagroups.yaml",
      5,
      20,
      /^labels\.urgent\.color "red" is not a WhatsApp label colour/,
    ],
    ["bad-warmup", "wagroups.yaml", 3, 16, /^invites\.warmupHours must be >= 0$/],
  ];
  it.each(cases)("%s", (fixture, file, line, column, message) => {
    const dir = path.join(FIX, "invalid", fixture);
    const { problems } = loadFleet(dir);
    const hit = problems.find((p) => p.file === path.join(dir, file) && message.test(p.message));
    expect(hit, JSON.stringify(problems, null, 1)).toBeDefined();
    expect([hit!.line, hit!.column]).toEqual([line, column]);
  });

  it("reports only the real problem of each fixture, nothing twice", () => {
    for (const fixture of new Set(cases.map((c) => c[0]))) {
      const { problems } = loadFleet(path.join(FIX, "invalid", fixture));
      expect(problems.length, `${fixture}: ${JSON.stringify(problems)}`).toBe(
        cases.filter((c) => c[0] === fixture).length,
      );
    }
  });
});

describe("the label palette", () => {
  it("resolves each of the 20 indexes and hex values to the same colour", () => {
    expect(LABEL_PALETTE).toHaveLength(20);
    LABEL_PALETTE.forEach((hex, color) => {
      expect(paletteColor(color)).toEqual({ color, colorHex: hex });
      expect(paletteColor(hex.toUpperCase())).toEqual({ color, colorHex: hex });
    });
  });

  it("refuses what is not on it: out of range, fractional, unknown hex, short hex, other types", () => {
    for (const bad of [-1, 20, 1.5, "#ff948", "#12345g", "ff9485", "blue", true, null])
      expect(paletteColor(bad), JSON.stringify(bad)).toHaveProperty("error");
    // a colour picked by eye one shade off names the palette entry it meant
    expect(paletteColor("#6d7ccf")).toEqual({
      error: `"#6d7ccf" is not one of WhatsApp's 20 label colours; the closest is 8 ("#6d7cce")`,
    });
  });
});

describe("the schemas agree with the code", () => {
  it("caps welcome, goodbye and farewell at WhatsApp's message length", () => {
    const props = readSchema("group").properties as Record<string, { maxLength?: number }>;
    for (const key of ["welcome", "goodbye", "farewell"])
      expect(props[key]?.maxLength, key).toBe(MAX_MESSAGE);
  });

  it("offers exactly the ignore entries the loader understands", () => {
    const props = readSchema("group").properties as Record<string, { items: { enum: string[] } }>;
    expect(props.ignore!.items.enum).toEqual([...IGNORE_ENTRIES]);
    expect(IGNORE_ENTRIES.flatMap(expandIgnore)).toHaveLength(IGNORE_ENTRIES.length - 1 + 4);
  });
});
