// The pull-request form: a summary table, warnings first, one <details> per changed group, every phone
// number masked, and always under GitHub's 65,536-character comment limit.
import { maskJid } from "../../jid.js";
import type { SettingKey } from "../../manifest/types.js";
import { countPlan, type GroupPlan, MATCHES, type Plan } from "../change.js";
import { peopleList } from "./people.js";
import { changeLine } from "./text.js";

export const GITHUB_COMMENT_LIMIT = 65_536;
export const MARKER = "<!-- wagroups-plan -->";

export interface MarkdownOptions {
  /** a hidden marker so a later run finds and edits this comment */
  marker?: string;
  /** characters allowed in all */
  limit?: number;
  title?: string;
}

const plain = (_c: string, s: string) => s;

/** Mask anything that looks like a phone number or a person's ID; group IDs stay. */
export function maskText(s: string): string {
  return s
    .replace(/\b(\d{6,})@(c\.us|s\.whatsapp\.net|lid)\b/g, (m) =>
      maskJid(m.replace("@s.whatsapp.net", "@c.us")),
    )
    .replace(/\+\d[\d\s().-]{5,}\d/g, (m) => {
      const digits = m.replace(/\D/g, "");
      return digits.length >= 7 && digits.length <= 15 ? maskJid(`${digits}@c.us`) : m;
    })
    .replace(/(?<![\d@])\d{10,15}(?![\d@]|\.\d)/g, (m) => maskJid(`${m}@c.us`));
}

const ZWJ = "\u200d";

/**
 * Stop GitHub from acting on text it did not write: no @mention or e-mail autolink (a zero-width joiner
 * after the @), no #123 / GH-123 cross-reference, no autolinked URL. Used on everything, since subjects,
 * descriptions and warnings come from the live side and manifests from whoever opened the pull request.
 */
export function defang(s: string): string {
  return s
    .replace(/@/g, `@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/\b(gh)-(?=\d)/gi, `$1-${ZWJ}`)
    .replace(/:\/\//g, `:${ZWJ}//`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`);
}

// every character that could open Markdown or HTML syntax, a table cell or GitHub's math, as an entity:
// entities render as the character and work the same in Markdown text, table cells and HTML (<summary>)
const ENTITY: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "|": "&#124;",
  "\\": "&#92;",
  "`": "&#96;",
  "*": "&#42;",
  _: "&#95;",
  "[": "&#91;",
  "]": "&#93;",
  "~": "&#126;",
  $: "&#36;",
};

/** Text that renders literally on one line, anywhere in the comment except inside a code block. */
export function escapeMarkdown(s: string): string {
  return defang(s.replace(/\r\n?|\n|\u2028|\u2029/g, " ")).replace(/[&<>"|\\`*_[\]~$]/g, (c) => ENTITY[c]!);
}

const code = (s: string) => `<code>${escapeMarkdown(s)}</code>`;

/** A fenced block no line of `body` can close: the fence is longer than any run of backticks inside. */
export function fenced(info: string, body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

/** Live and manifest text, masked then escaped: the one way such text reaches the comment outside code. */
const text = (s: string) => escapeMarkdown(maskText(s));

export function renderMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const limit = (opts.limit ?? GITHUB_COMMENT_LIMIT) - 200; // headroom for the caller's footer
  const c = countPlan(plan);
  const changed = plan.groups.filter((g) => g.changes.length || g.blocked);
  const head: string[] = [];
  // an empty marker leaves it out (the job summary has no comment to find)
  const marker = opts.marker ?? MARKER;
  if (marker) head.push(marker);
  const sandbox = plan.target === "sandbox" ? " (SANDBOX: the built-in simulator, not WhatsApp)" : "";
  head.push(`### ${escapeMarkdown(`${opts.title ?? "wagroups plan"}${sandbox}`)}`, "");
  const labels = plan.labels ?? [];
  head.push(
    changed.length || labels.length
      ? `**Plan: ${c.create} to create, ${c.update} to update, ${c.retire} to retire; ${c.add} ${c.add === 1 ? "person" : "people"} to add, ${c.remove} to remove**`
      : `**No changes.** ${MATCHES}`,
    "",
  );
  if (labels.length) {
    head.push("**Labels managed in `wagroups.yaml`:**");
    for (const l of labels)
      head.push(
        l.kind === "createLabel"
          ? `- create ${text(`"${l.name}"`)} (colour ${l.color})`
          : `- ${text(`"${l.name}"`)}: colour ${l.from ?? "unknown"} → ${l.to}`,
      );
    head.push("");
  }
  if (plan.unsafe.length) {
    head.push("> [!CAUTION]", "> **Unsafe: apply refuses this plan without `--force`:**");
    for (const u of plan.unsafe) head.push(`> - ${text(u)}`);
    head.push("");
  }
  if (plan.warnings.length) {
    head.push("> [!WARNING]");
    for (const w of plan.warnings)
      head.push(`> - ${w.serial ? `${code(w.serial)}: ` : ""}${text(w.message)}`);
    head.push("");
  }
  const rows = changed.map(
    (g) =>
      `| ${code(g.serial)} | ${text(g.subject)} | ${g.blocked ? "blocked" : g.action} | ${g.blocked ? text(g.blocked) : summary(g)} |`,
  );
  let table = rows.length ? ["| Group | Subject | Action | Changes |", "|---|---|---|---|", ...rows, ""] : [];
  const sections = changed.map((g) => section(g, plan));
  const pending = plan.groups.reduce((n, g) => n + g.pending.length, 0);
  const foot = pending ? [`_${pending} pending invite(s) inside their cooldown are not changes._`, ""] : [];

  const size = () =>
    [...head, ...table, ...sections.map((s) => s.text), ...foot].reduce((n, l) => n + l.length + 1, 0);
  // fold the largest sections first until the comment fits
  const bySize = [...sections].sort((a, b) => b.text.length - a.text.length);
  let folded = 0;
  for (const s of bySize) {
    if (size() <= limit) break;
    s.text = `<details><summary>${code(s.group.serial)} ${s.group.action}: ${s.group.changes.length} change(s), folded to fit GitHub's comment limit; run ${code(`wagroups plan --group ${s.group.serial}`)} to see them</summary></details>\n`;
    folded++;
  }
  if (size() > limit) {
    // a fleet so large even the table does not fit: keep what fits, count the rest
    const keep: string[] = [];
    let budget = limit - [...head, ...foot].reduce((n, l) => n + l.length + 1, 0) - 400;
    for (const r of rows) {
      if (budget - r.length - 1 < 0) break;
      keep.push(r);
      budget -= r.length + 1;
    }
    table = [
      "| Group | Subject | Action | Changes |",
      "|---|---|---|---|",
      ...keep,
      "",
      `_…and ${rows.length - keep.length} more group(s) not shown._`,
      "",
    ];
    for (const s of sections) s.text = "";
    folded = sections.length;
  }
  if (folded)
    foot.push(
      `_${folded} section(s) folded to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString("en-US")}-character limit._`,
    );
  return `${[...head, ...table, ...sections.map((s) => s.text).filter(Boolean), ...foot].join("\n")}\n`;
}

// what a reader sees in the summary table: words, never the planner's internal names
const SETTING_WORDS: Record<SettingKey, string> = {
  sendMessages: "who may send",
  editInfo: "who may edit info",
  addMembers: "who may add",
  approveJoins: "join approval",
};

function summary(g: GroupPlan): string {
  const parts: string[] = [];
  for (const c of g.changes) {
    switch (c.kind) {
      case "create":
        parts.push(
          `create with ${c.participants.length} ${c.participants.length === 1 ? "person" : "people"}`,
        );
        break;
      case "setSetting":
        parts.push(SETTING_WORDS[c.setting]);
        break;
      case "setSubject":
        parts.push("subject");
        break;
      case "setDescription":
        parts.push("description");
        break;
      case "setIcon":
        parts.push("icon");
        break;
      case "addParticipants":
        parts.push(`add ${c.participants.length}`);
        break;
      case "removeParticipants":
        parts.push(`remove ${c.participants.length}`);
        break;
      case "promote":
        parts.push(`promote ${c.participants.length}`);
        break;
      case "demote":
        parts.push(`demote ${c.participants.length}`);
        break;
      case "sendInvites":
        parts.push(`invite ${c.participants.length}`);
        break;
      case "welcome":
        parts.push("welcome message");
        break;
      case "setLabels":
        if (c.add.length) parts.push(`label ${c.add.length}`);
        if (c.remove.length) parts.push(`unlabel ${c.remove.length}`);
        break;
      case "farewell":
        parts.push("farewell message");
        break;
      case "leave":
        parts.push("leave");
        break;
      case "delete":
        parts.push("delete");
        break;
      default:
        // a change kind added later still shows, by name, rather than vanishing from the table
        parts.push(escapeMarkdown((c as { kind: string }).kind));
    }
  }
  return parts.join(", ");
}

function section(g: GroupPlan, plan: Plan): { group: GroupPlan; text: string } {
  if (g.blocked)
    return {
      group: g,
      text: `<details><summary>${code(g.serial)} blocked</summary>\n\n**Blocked:** ${text(g.blocked)}\n\n</details>\n`,
    };
  // inside a code block nothing is Markdown: no mention, link or HTML works there, so the lines stay verbatim
  const lines = g.changes.map((c) =>
    maskText(changeLine(c, plan, plain, true))
      .split("\n")
      .map((l) => l.replace(/^ {4}([+-] )/, "$1    ").replace(/^ {4}( {2})/, "$1    "))
      .join("\n"),
  );
  const where = g.file ? ` · ${code(g.file)}` : "";
  const pending = g.pending.length
    ? `\n\nPending invites: ${escapeMarkdown(peopleList(g.pending, plan.aliases, true))}`
    : "";
  return {
    group: g,
    text: `<details><summary>${code(g.serial)} ${g.action}: ${g.changes.length} change(s)${where}</summary>\n\n${fenced("diff", lines.join("\n"))}${pending}\n\n</details>\n`,
  };
}
