// Renderers are pure functions of a Plan: every test here builds its Plan by hand (no manifests, no
// sandbox, no planner), so a renderer test fails only when a renderer changes.
import { describe, expect, it } from "vitest";
import { validator } from "../../../src/manifest/schema.js";
import type { Change, GroupPlan, Plan } from "../../../src/plan/change.js";
import { renderJson } from "../../../src/plan/render/json.js";
import {
  defang,
  escapeMarkdown,
  fenced,
  GITHUB_COMMENT_LIMIT,
  MARKER,
  maskText,
  renderMarkdown,
} from "../../../src/plan/render/markdown.js";
import { renderText } from "../../../src/plan/render/text.js";

// ---- builders ----
const jid = (i: number) => `1415555${String(i).padStart(4, "0")}@c.us`;
const jids = (...ids: number[]) => ids.map(jid);

function gp(p: Partial<GroupPlan> & { serial: string }): GroupPlan {
  return {
    subject: `${p.serial} | Group ${p.serial}`,
    action: p.changes?.length ? "update" : "none",
    changes: [],
    pending: [],
    file: `groups/${p.serial}.yaml`,
    ...p,
  };
}

const SETTINGS = {
  sendMessages: "all",
  editInfo: "admins",
  addMembers: "admins",
  approveJoins: false,
} as const;

function planOf(groups: GroupPlan[], over: Partial<Plan> = {}): Plan {
  const context = {
    subjectFormat: "{serial} | {subject}",
    serialPattern: "^[A-Z][A-Z0-9]*-[0-9]+$",
    limits: { createsPerHour: 6, requestsPerMinute: 30, concurrency: 4 },
    invites: {
      fallback: true,
      message: "You are invited to join {subject}: {link}",
      cooldownDays: 7,
      warmupHours: 0,
    },
    recentCreations: [],
  };
  return { formatVersion: 2, groups, warnings: [], unsafe: [], aliases: {}, context, ...over };
}

/** One plan holding every kind of change, a blocked group, a pending invite and warnings. */
function everyKind(): Plan {
  return planOf(
    [
      gp({
        serial: "NEW-1",
        action: "create",
        subject: "NEW-1 | Launch team",
        changes: [
          { kind: "create", subject: "NEW-1 | Launch team", participants: jids(1, 2, 3), settings: SETTINGS },
        ],
      }),
      gp({
        serial: "UPD-2",
        groupId: "120363000000000002@g.us",
        changes: [
          { kind: "setSubject", from: "UPD-2 | Old name", to: "UPD-2 | New name" },
          {
            kind: "setDescription",
            from: "Line one\nLeave any time.",
            to: "Line one\nLine two\nLeave any time.",
          },
          {
            kind: "setIcon",
            from: null,
            to: "ab".repeat(32),
            path: "icons/team.png",
            file: "groups/icons/team.png",
            mimetype: "image/png",
          },
          { kind: "setSetting", setting: "sendMessages", from: "admins", to: "all" },
          { kind: "addParticipants", participants: jids(4) },
          { kind: "promote", participants: jids(5) },
          { kind: "demote", participants: jids(6) },
          { kind: "removeParticipants", participants: jids(7) },
          { kind: "sendInvites", participants: jids(8) },
          { kind: "setLabels", add: ["vip"], remove: [], ids: { vip: "1" } },
        ],
        pending: jids(9),
      }),
      gp({
        serial: "OLD-3",
        action: "retire",
        groupId: "120363000000000003@g.us",
        changes: [
          { kind: "farewell", message: "Thank you, goodbye." },
          { kind: "leave" },
          { kind: "delete" },
        ] satisfies Change[],
      }),
      gp({
        serial: "TWO-4",
        blocked: "two live groups claim serial TWO-4: 120363000000000004@g.us, 120363000000000005@g.us",
      }),
      gp({ serial: "SAME-5", groupId: "120363000000000006@g.us" }),
    ],
    {
      aliases: { [jid(1)]: "dana", [jid(4)]: "marco" },
      warnings: [
        {
          code: "orphan",
          message: '120363000000000009@g.us "ORPH-9 | Gone" carries a serial no manifest declares',
        },
        {
          code: "unresolved-lid",
          serial: "UPD-2",
          message: "77701@lid is known only by a privacy ID; never removed",
        },
      ],
    },
  );
}

// the comment with its code blocks cut out: everything else is Markdown that GitHub renders
const outsideCode = (md: string) => md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "");

// every number a person could be reached on, in any format
const FULL_NUMBER = /(\+?\d[\d\s().-]{8,}\d)|(\d{10,15}@(c\.us|lid|s\.whatsapp\.net))/g;
const phoneLike = (s: string) =>
  (s.match(FULL_NUMBER) ?? []).filter((m) => !/^\d{18}$/.test(m.replace(/\D/g, "")) && !m.includes("•"));

describe("text", () => {
  it("every kind of change, like terraform plan", () => {
    expect(renderText(everyKind())).toMatchSnapshot();
  });

  it("colour only when asked", () => {
    expect(renderText(everyKind())).not.toContain("\u001b[");
    expect(renderText(everyKind(), { color: true })).toContain("\u001b[32m+ ");
  });

  it("no changes says so", () => {
    expect(renderText(planOf([gp({ serial: "A-1" })]))).toMatch(/^No changes\./);
  });
});

describe("json", () => {
  it("is the plan itself, versioned and valid against schemas/plan.schema.json", () => {
    const p = everyKind();
    const json = JSON.parse(renderJson(p)) as Plan;
    const v = validator("plan");
    expect(v(json), JSON.stringify(v.errors)).toBe(true);
    expect(json).toEqual(p);
  });
});

describe("markdown", () => {
  it("summary table, warnings first, a <details> per changed group, the marker, no full number", () => {
    const md = renderMarkdown(everyKind());
    expect(md).toMatchSnapshot();
    expect(md.startsWith(`${MARKER}\n### wagroups plan\n`)).toBe(true);
    expect(md).toContain("**Plan: 1 to create, 1 to update, 1 to retire; 5 people to add, 1 to remove**");
    expect(md).toContain("| Group | Subject | Action | Changes |");
    expect(md.indexOf("[!WARNING]")).toBeLessThan(md.indexOf("| Group |"));
    // changed and blocked groups get a section; the unchanged one does not
    expect((md.match(/<details>/g) ?? []).length).toBe(4);
    expect(md).not.toContain("SAME-5");
    expect(md).toContain("marco (+1 415 ••• ••04)");
    expect(md).toContain("Pending invites: +1 415 ••• ••09");
    expect(phoneLike(md)).toEqual([]);
  });

  it("the summary says what changes in words: no internal names, nothing that reads like a country code", () => {
    const md = renderMarkdown(everyKind());
    const row = md.split("\n").find((l) => l.startsWith("| <code>UPD-2</code>"))!;
    expect(row).toContain(
      "subject, description, icon, who may send, add 1, promote 1, demote 1, remove 1, invite 1, label 1",
    );
    expect(md).not.toMatch(/[+−-]\d+ members/);
    expect(outsideCode(md)).not.toMatch(/\b(sendMessages|editInfo|addLabels|setSetting|addParticipants)\b/);
  });

  it("an empty marker leaves it out, and a title is escaped like any text", () => {
    const md = renderMarkdown(everyKind(), { marker: "", title: "wagroups plan (sandbox) <b>x</b>" });
    expect(md.startsWith("### wagroups plan (sandbox) &lt;b&gt;x&lt;/b&gt;\n")).toBe(true);
  });

  it("masks numbers in descriptions and warnings too", () => {
    expect(maskText("call +1 415 555 0150 or 14155550126@lid, group 120363025550000001@g.us")).toBe(
      "call +1 415 ••• ••50 or lid:••••26, group 120363025550000001@g.us",
    );
  });

  it("a fleet of 3,000 changed groups stays under GitHub's limit by folding the largest sections", () => {
    const groups = Array.from({ length: 3000 }, (_, i) =>
      gp({
        serial: `BIG-${i}`,
        action: "create",
        changes: [
          {
            kind: "create",
            subject: `BIG-${i} | Big`,
            participants: Array.from(
              { length: 40 },
              (_, j) => `44791${String(i).padStart(4, "0")}${String(j).padStart(3, "0")}@c.us`,
            ),
            settings: SETTINGS,
          },
        ],
      }),
    );
    const md = renderMarkdown(planOf(groups));
    expect(md.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    expect(md).toMatch(/section\(s\) folded to stay under GitHub's 65,536-character limit/);
    expect(md).toMatch(/more group\(s\) not shown/);
    expect(phoneLike(md)).toEqual([]);
  });

  it("one huge group is folded, the small ones stay open", () => {
    const huge = gp({
      serial: "H-1",
      action: "create",
      changes: [
        {
          kind: "create",
          subject: "H-1 | Huge",
          participants: Array.from({ length: 20 }, (_, j) => jid(j)),
          settings: SETTINGS,
        },
        { kind: "addParticipants", participants: Array.from({ length: 20 }, (_, j) => jid(100 + j)) },
        { kind: "setDescription", to: "x".repeat(900) },
      ],
    });
    const small = gp({
      serial: "S-1",
      action: "create",
      changes: [{ kind: "create", subject: "S-1 | s", participants: jids(1), settings: SETTINGS }],
    });
    const md = renderMarkdown(planOf([huge, small]), { limit: 1400 });
    expect(md.length).toBeLessThan(1400);
    expect(md).toContain("<code>H-1</code> create: 3 change(s), folded");
    expect(md).toContain("<details><summary><code>S-1</code> create");
  });

  it("no changes says so", () => {
    expect(renderMarkdown(planOf([gp({ serial: "A-1" })]))).toContain("**No changes.**");
  });
});

describe("markdown: hostile text from the live side and from manifests renders literally", () => {
  const EVIL =
    "@acme/owners ping [click](https://evil.example/x) <img src=x onerror=alert(1)> a|b `code` *bold* $$x$$ $& fixes #12 www.evil.example me@evil.example\nsecond line";

  function hostile(): Plan {
    return planOf(
      [
        gp({
          serial: "EVIL-1",
          subject: EVIL,
          file: "groups/<b>@x</b>.yaml",
          changes: [
            { kind: "setSubject", from: EVIL, to: "EVIL-1 | Fine" },
            { kind: "setDescription", from: "```\n</details>\n@team <img src=x>", to: "ok\n````" },
          ],
          pending: jids(3),
        }),
        gp({ serial: "EVIL-2", blocked: `pinned group's subject is "${EVIL}"` }),
      ],
      {
        aliases: { [jid(3)]: "@boss_[x](https://e.example)" },
        warnings: [{ code: "orphan", serial: "EVIL-9", message: `orphan group "${EVIL}"` }],
        unsafe: [`would remove 9 of 10 from "${EVIL}"`],
      },
    );
  }

  it("no @mention, link, autolink, HTML, emphasis, math or cross-reference survives outside code", () => {
    const md = outsideCode(renderMarkdown(hostile()));
    expect(md).not.toMatch(/@[A-Za-z0-9]/); // every @ is followed by a zero-width joiner
    expect(md).not.toMatch(/https?:\/\//);
    expect(md).not.toMatch(/\bwww\./);
    expect(md).not.toMatch(/(?<!&)#\d/); // an entity such as &#124; is not a reference
    expect(md).not.toMatch(/<(?!\/?(details|summary|code)>)[a-z/]/i); // only the renderer's own tags
    expect(md).not.toMatch(/\]\(/);
    expect(md).not.toMatch(/\$|\*bold\*|`code`/);
    expect(md).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("a hostile subject cannot add a table cell or a line", () => {
    const md = renderMarkdown(hostile());
    const rows = md.split("\n").filter((l) => l.startsWith("| <code>EVIL-"));
    expect(rows.length).toBe(2);
    for (const r of rows) expect(r.split("|").length).toBe(6); // five pipes: four cells
    expect(md).not.toContain("\nsecond line");
  });

  it("inside the diff block text stays verbatim, and no line of it can close the block", () => {
    const md = renderMarkdown(hostile());
    const block = /^(`{3,})diff\n([\s\S]*?)\n\1$/m.exec(md)!;
    expect(block[1]!.length).toBeGreaterThan(4); // longer than the description's own ````
    expect(block[2]).toContain("</details>");
    expect(block[2]).toContain('~ subject: "@acme/owners ping [click](https://evil.example/x) <img');
  });

  it("the pieces: defang, escapeMarkdown, fenced", () => {
    expect(defang("@a #1 GH-2 http://x www.y")).toBe(
      "@\u200da #\u200d1 GH-\u200d2 http:\u200d//x www\u200d.y",
    );
    expect(escapeMarkdown('a|b <i> `c` *d* _e_ [f] ~g~ $h & \\ "q"\nz')).toBe(
      "a&#124;b &lt;i&gt; &#96;c&#96; &#42;d&#42; &#95;e&#95; &#91;f&#93; &#126;g&#126; &#36;h &amp; &#92; &quot;q&quot; z",
    );
    // `$&` and `$$` are text, never a replacement pattern
    expect(escapeMarkdown("$& $$ $1")).toBe("&#36;&amp; &#36;&#36; &#36;1");
    expect(fenced("diff", "a\n```\nb")).toBe("````diff\na\n```\nb\n````");
    expect(fenced("", "plain")).toBe("```\nplain\n```");
  });
});
