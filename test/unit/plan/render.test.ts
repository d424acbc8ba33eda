import { describe, expect, it } from "vitest";
import { loadFleet } from "../../../src/manifest/load.js";
import { validator } from "../../../src/manifest/schema.js";
import type { Plan } from "../../../src/plan/change.js";
import { plan } from "../../../src/plan/plan.js";
import { renderJson } from "../../../src/plan/render/json.js";
import { GITHUB_COMMENT_LIMIT, MARKER, maskText, renderMarkdown } from "../../../src/plan/render/markdown.js";
import { renderText } from "../../../src/plan/render/text.js";
import { seedState } from "../../../src/sandbox/seed.js";
import { desired, group, live, n, people, planOnly, sandboxClient } from "../../helpers/fleet.js";

const NOW = 1_780_000_000;

async function seedPlan(): Promise<Plan> {
  const { desired: d } = loadFleet("groups");
  const { client } = sandboxClient(seedState());
  return planOnly(d, client, NOW);
}

// every number a person could be reached on, in any format
const FULL_NUMBER = /(\+?\d[\d\s().-]{8,}\d)|(\d{10,15}@(c\.us|lid|s\.whatsapp\.net))/g;
const phoneLike = (s: string) =>
  (s.match(FULL_NUMBER) ?? []).filter((m) => !/^\d{18}$/.test(m.replace(/\D/g, "")) && !m.includes("•"));

describe("renderers", () => {
  it("text: the example fleet against the seed, like terraform plan", async () => {
    expect(renderText(await seedPlan())).toMatchSnapshot();
  });

  it("text: colour only when asked", async () => {
    const p = await seedPlan();
    expect(renderText(p)).not.toContain("\u001b[");
    expect(renderText(p, { color: true })).toContain("\u001b[32m+ ");
  });

  it("json: versioned and valid against schemas/plan.schema.json", async () => {
    const json = JSON.parse(renderJson(await seedPlan())) as Plan;
    const v = validator("plan");
    expect(v(json), JSON.stringify(v.errors)).toBe(true);
    expect(json.formatVersion).toBe(2);
    expect(json.groups.map((g) => [g.serial, g.action])).toEqual([
      ["VIP-789", "update"],
      ["CARE-311", "update"],
      ["COH-2611", "create"],
      ["PROJ-101", "update"],
      ["PROJ-102", "create"],
      ["PM-1042", "update"],
      ["PM-1043", "none"],
      ["EVT-2025", "retire"],
    ]);
  });

  it("markdown: summary table, warnings first, a <details> per changed group, the marker, no full number", async () => {
    const md = renderMarkdown(await seedPlan());
    expect(md).toMatchSnapshot();
    expect(md.startsWith(MARKER)).toBe(true);
    expect(md).toContain("| Group | Subject | Action | Changes |");
    expect(md.indexOf("[!WARNING]")).toBeLessThan(md.indexOf("| Group |"));
    expect((md.match(/<details>/g) ?? []).length).toBe(7);
    expect(md).toContain("marco (+1 415 ••• ••04)");
    expect(phoneLike(md)).toEqual([]);
  });

  it("markdown: masks numbers in descriptions and warnings too", () => {
    expect(maskText("call +1 415 555 0150 or 14155550126@lid, group 120363025550000001@g.us")).toBe(
      "call +1 415 ••• ••50 or lid:••••26, group 120363025550000001@g.us",
    );
  });

  it("markdown: a fleet of 3,000 changed groups stays under GitHub's limit by folding the largest sections", () => {
    const groups = Array.from({ length: 3000 }, (_, i) =>
      group({
        serial: `BIG-${i}`,
        admins: people(1),
        members: Array.from({ length: 40 }, (_, j) => ({
          jid: `44791${String(i).padStart(4, "0")}${String(j).padStart(3, "0")}@c.us`,
        })),
      }),
    );
    const p = plan(desired(groups), { groups: [] }, { now: NOW });
    const md = renderMarkdown(p);
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/section\(s\) folded to stay under GitHub's 65,536-character limit/);
    expect(phoneLike(md)).toEqual([]);
  });

  it("markdown: one huge group is folded, the small ones stay open", () => {
    const huge = group({
      serial: "H-1",
      admins: people(1),
      members: Array.from({ length: 1000 }, (_, j) => ({ jid: `4479110${String(j).padStart(5, "0")}@c.us` })),
    });
    const small = group({ serial: "S-1", admins: people(1), members: people(2) });
    const p = plan(desired([huge, small]), { groups: [] }, { now: NOW });
    const md = renderMarkdown(p, { limit: 1200 });
    expect(md.length).toBeLessThan(1200);
    expect(md).toContain("<code>H-1</code> create: 4 change(s), folded");
    expect(md).toContain("<details><summary><code>S-1</code> create");
  });

  it("no changes says so", () => {
    const p = plan(
      desired([group({ serial: "A-1", admins: people(1) })]),
      {
        groups: [
          live({
            id: "1@g.us",
            subject: "A-1 | Group A-1",
            participants: [
              { jid: "14155550100@c.us", role: "superadmin" },
              { jid: n(1), role: "admin" },
            ],
          }),
        ],
      },
      { now: NOW },
    );
    expect(renderText(p)).toMatch(/^No changes\./);
    expect(renderMarkdown(p)).toContain("**No changes.**");
  });
});
