// Generators of broken (and oddly-formed but valid) fleets for the bad-input campaign.
import fc from "fast-check";

export interface FleetFiles {
  /** what breaks it, for the report */
  kind: string;
  files: Record<string, string>;
}

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
/** valid numbers, in the formats people write them */
const goodNumber = fc
  .tuple(
    fc.constantFrom("212", "415", "646", "917"),
    fc.integer({ min: 200, max: 999 }),
    digits(4),
    fc.integer({ min: 0, max: 5 }),
  )
  .map(
    ([area, ex, line, style]) =>
      [
        `+1 ${area} ${ex} ${line}`,
        `+1 (${area}) ${ex}-${line}`,
        `1${area}${ex}${line}`,
        `001${area}${ex}${line}`,
        `+1.${area}.${ex}.${line}`,
        `+1${area}${ex}${line}`,
      ][style]!,
  );
const badNumber = fc.oneof(
  fc.constant("+1 415 555 01"),
  fc.constant("+999 1234567"),
  fc.constant("+1-800-FLOWERS"),
  fc.constant("++1 415 555 0102"),
  fc.constant("+1 415\u200b555 0102"),
  fc.constant("+１ ４１５ ５５５ ０１０２"),
  fc.constant("12345678901234567"),
  fc.constant("+44 7700 900123"),
  digits(5),
);

const serial = fc
  .tuple(fc.constantFrom("VIP", "PM", "COH", "CARE", "PROJ"), fc.integer({ min: 1, max: 99999 }))
  .map(([p, n]) => `${p}-${n}`);
const safeTitle = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.'-]{0,40}[A-Za-z0-9]$/);
const oddTitle = fc.constantFrom(
  "Café Ünïcödé 🏠 Team",
  "Ward 3 — مرحبا",
  "学習グループ",
  "Zero\u200dWidth Joiner 👩‍⚕️",
  "Ünïcödé",
);

const q = (s: string) => JSON.stringify(s);

/** A valid manifest as text, with its admins and members. */
export const validManifest = fc
  .record({
    serial,
    title: fc.oneof(safeTitle, oddTitle),
    admins: fc.array(goodNumber, { minLength: 1, maxLength: 2 }),
    members: fc.array(goodNumber, { maxLength: 6 }),
  })
  .filter(
    (m) =>
      new Set([...m.admins, ...m.members].map((x) => x.replace(/\D/g, "").replace(/^00/, ""))).size ===
      m.admins.length + m.members.length,
  )
  .map((m) => ({
    ...m,
    text: [
      `serial: ${m.serial}`,
      `subject: ${q(m.title)}`,
      "description: |",
      "  Status board. You can leave this group at any time.",
      "settings: { sendMessages: all, editInfo: admins }",
      "admins:",
      ...m.admins.map((a) => `  - ${q(a)}`),
      ...(m.members.length ? ["members:", ...m.members.map((a) => `  - ${q(a)}`)] : ["members: []"]),
      "",
    ].join("\n"),
  }));

/** `depth` levels of ten aliases each, anchors named like "&a.0" (a name a simple scan misses) */
export function aliasBomb(prefix: string, depth: number): string {
  const lines = [`${prefix}0: &${prefix}0 [x, x, x, x, x, x, x, x, x, x]`];
  for (let d = 1; d <= depth; d++)
    lines.push(
      `${prefix}${d}: &${prefix}${d} [${Array(10)
        .fill(`*${prefix}${d - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

const insertAfterFirstLine = (text: string, line: string) => text.replace(/\n/, `\n${line}\n`);

/** Mutations that each make a manifest invalid. */
const mutations: fc.Arbitrary<(m: { text: string; serial: string; title: string }) => FleetFiles>[] = [
  // wrong types: replace the key's line, or add it
  fc
    .constantFrom(
      "serial: 12345",
      "serial: [VIP-1]",
      "subject: { a: 1 }",
      "removeUnlisted: maybe",
      "settings: [all]",
      'admins: "+1 415 555 0101"',
      "labels: vip",
      "retired: 1",
      "icon: 42",
    )
    .map((line) => (m) => {
      const re = new RegExp(`^${line.split(":")[0]}:.*$`, "m");
      return {
        kind: "wrong type",
        files: { "g.yaml": re.test(m.text) ? m.text.replace(re, line) : `${m.text}${line}\n` },
      };
    }),
  // truncated inside a quoted string
  fc.nat().map((n) => (m) => {
    const at = m.text.indexOf('subject: "') + 10;
    const cut = at + (n % Math.max(1, m.title.length));
    return { kind: "truncated", files: { "g.yaml": m.text.slice(0, cut) } };
  }),
  // duplicate keys
  fc.constantFrom("serial", "subject", "admins").map((key) => (m) => {
    const line = m.text.split("\n").find((l) => l.startsWith(`${key}:`))!;
    return { kind: "duplicate key", files: { "g.yaml": `${m.text}${line}\n` } };
  }),
  // anchors and aliases: an exponential bomb, and an alias with no anchor
  fc
    .constantFrom(
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      "members: *nowhere\n",
    )
    .map((extra) => (m) => ({
      kind: "anchors and aliases",
      files: { "g.yaml": `${m.text.replace(/^members:[\s\S]*$/m, "")}${extra}` },
    })),
  // huge strings
  fc.integer({ min: 101, max: 200_000 }).map((n) => (m) => ({
    kind: "huge string",
    files: { "g.yaml": m.text.replace(/^subject: .*$/m, `subject: ${q("x".repeat(n))}`) },
  })),
  fc.integer({ min: 2049, max: 300_000 }).map((n) => (m) => ({
    kind: "huge description",
    files: { "g.yaml": m.text.replace(/^description: \|\n.*$/m, `description: ${q("y".repeat(n))}`) },
  })),
  // odd Unicode where it cannot be
  fc
    .constantFrom("VIP\u2011789", "VIP-７８９", "\u202eVIP-789", "vip-789", "VIP-789 ", "VIP–789")
    .map((s) => (m) => ({
      kind: "odd unicode serial",
      files: { "g.yaml": m.text.replace(/^serial: .*$/m, `serial: ${q(s)}`) },
    })),
  // numbers in every broken format
  badNumber.map((n) => (m) => ({
    kind: "bad number",
    files: { "g.yaml": m.text.replace(/^admins:\n/m, `admins:\n  - ${q(n)}\n`) },
  })),
  // unknown aliases, people listed twice or in both roles
  fc.constantFrom("nurse-ines", "dr.okafor", "Ωmega").map((a) => (m) => ({
    kind: "unknown alias",
    files: { "g.yaml": m.text.replace(/^admins:\n/m, `admins:\n  - ${q(a)}\n`) },
  })),
  fc.constant((m: { text: string }) => {
    const admin = /^admins:\n {2}- (.*)$/m.exec(m.text)![1]!;
    return {
      kind: "listed twice",
      files: { "g.yaml": m.text.replace(/^members:.*$/m, `members:\n  - ${admin}`) },
    };
  }),
  // structure: tabs, several documents, a list at the top, nothing at all, unknown keys, binary
  fc
    .constantFrom(
      (t: string) => t.replace(/\n {2}- /, "\n\t- "),
      (t: string) => `${t}---\nserial: X-1\n`,
      (t: string) => `- ${t.split("\n")[0]}\n`,
      () => "",
      () => "# nothing but a comment\n",
      (t: string) => insertAfterFirstLine(t, "memebers: []"),
      (t: string) => insertAfterFirstLine(t, "settings2: {}"),
      () => "\u0000\u0001\u0002garbage\u00ff",
      (t: string) => t.replace("settings: { sendMessages: all", "settings: { sendMessages: everyone"),
      (t: string) => t.replace(/^serial: .*$/m, ""),
    )
    .map((f) => (m) => ({ kind: "structure", files: { "g.yaml": f(m.text) } })),
  // configuration and directory files
  fc
    .constantFrom(
      "limits:\n  requestsPerMinute: fast\n",
      'serialPattern: "(["\n',
      'subjectFormat: "{subject}"\n',
      "safety: { maxRemovalRatio: 3 }\n",
      'policy: { descriptionMustMatch: "(?i)never-present-xyz" }\n',
      "unknownSetting: 1\n",
      'self: "not a number"\n',
      'invites: { message: "no link here" }\n',
    )
    .map((cfg) => (m) => ({ kind: "configuration", files: { "g.yaml": m.text, "wagroups.yaml": cfg } })),
  fc
    .constantFrom(
      'dana: "+1 415 555 01"\n',
      "- dana\n",
      '1dana: "+1 415 555 0101"\n',
      "dana: { phone: 14155550101, nick: d }\n",
    )
    .map((people) => (m) => ({ kind: "people.yaml", files: { "g.yaml": m.text, "people.yaml": people } })),
  // hostile input that must end quickly with a located problem (issue 12.8): catastrophic
  // backtracking patterns run on RE2, alias bombs whose anchors look like "&a.0", a megabyte of
  // unknown keys, a file over the size cap, and patterns RE2 refuses
  fc
    .constantFrom(
      'serialPattern: "^(a+)+$"\n',
      'policy: { descriptionMustMatch: "^(a|aa)+$" }\n',
      'policy: { descriptionMustMatch: "(?=leave)" }\n',
      'serialPattern: "^([A-Z])\\\\1-[0-9]+$"\n',
      'subjectFormat: "{serial}{subject}"\n',
    )
    .map((cfg) => (m) => ({
      kind: "hostile pattern",
      files: {
        "g.yaml": m.text.replace(/^description: \|\n.*$/m, `description: ${q(`${"a".repeat(2000)}!`)}`),
        "wagroups.yaml": cfg,
      },
    })),
  fc
    .constantFrom(
      () => aliasBomb("a.", 9),
      () => Array.from({ length: 10_000 }, (_, i) => `k${i}: [1, 2]\n`).join(""),
      () => Array.from({ length: 1_000 }, (_, i) => `${"unknown".repeat(35)}${i}: 1\n`).join(""),
      () => `description: ${q("z".repeat(1024 * 1024 + 1))}\n`,
    )
    .map((extra) => (m) => ({ kind: "hostile size", files: { "g.yaml": `${m.text}${extra()}` } })),
  // what newcomers write: an unquoted +number (YAML reads a number), a number without country code
  fc.constantFrom("+14155550192", "(415) 555-0192", "415 555 0192").map((n) => (m) => ({
    kind: "newcomer number",
    files: { "g.yaml": m.text.replace(/^admins:\n/m, `admins:\n  - ${n}\n`) },
  })),
  // a second manifest with the same serial
  fc.constant((m: { text: string }) => ({
    kind: "duplicate serial",
    files: { "a.yaml": m.text, "sub/b.yaml": m.text },
  })),
];

/** Broken fleets, optionally with a BOM and CRLF line endings layered on. */
export const brokenFleet: fc.Arbitrary<FleetFiles> = fc
  .tuple(validManifest, fc.oneof(...mutations), fc.boolean(), fc.boolean())
  .map(([m, mutate, bom, crlf]) => {
    const f = mutate(m);
    const files: Record<string, string> = {};
    for (const [name, text] of Object.entries(f.files)) {
      let t = crlf ? text.replace(/\n/g, "\r\n") : text;
      if (bom) t = `\ufeff${t}`;
      files[name] = t;
    }
    return { kind: f.kind + (bom ? " +BOM" : "") + (crlf ? " +CRLF" : ""), files };
  });

/** Valid fleets in odd dress: BOMs, CRLF, Unicode subjects, numbers in every valid format. */
export const oddButValidFleet: fc.Arbitrary<FleetFiles> = fc
  .tuple(validManifest, fc.boolean(), fc.boolean())
  .map(([m, bom, crlf]) => {
    let t = crlf ? m.text.replace(/\n/g, "\r\n") : m.text;
    if (bom) t = `\ufeff${t}`;
    return { kind: `valid${bom ? " +BOM" : ""}${crlf ? " +CRLF" : ""}`, files: { "g.yaml": t } };
  });
