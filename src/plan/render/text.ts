// `terraform plan`-style text: + create/add, ~ update, - remove/retire, ± role changes.
import { type Change, countPlan, type GroupPlan, MATCHES, type Plan } from "../change.js";
import { peopleList } from "./people.js";

export interface TextOptions {
  color?: boolean;
}

const codes = { green: 32, yellow: 33, red: 31, cyan: 36, bold: 1, dim: 2 } as const;

export function renderText(plan: Plan, opts: TextOptions = {}): string {
  const paint = (c: keyof typeof codes, s: string) => (opts.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  if (plan.target === "sandbox")
    lines.push(
      paint("yellow", "SANDBOX: this plan was made against the built-in sandbox, not WhatsApp."),
      "",
    );
  const changed = plan.groups.filter((g) => g.changes.length || g.blocked);
  const labels = plan.labels ?? [];
  if (!changed.length && !labels.length) lines.push(`No changes. ${MATCHES}`, "");
  else lines.push("wagroups will perform the following actions:", "");
  if (labels.length) {
    lines.push(paint("bold", "  labels (managed in wagroups.yaml)"));
    for (const l of labels)
      lines.push(
        l.kind === "createLabel"
          ? paint("green", `      + create label "${l.name}" (colour ${l.color}, ${l.colorHex})`)
          : paint(
              "yellow",
              `      ~ label "${l.name}" colour: ${l.from ?? "(unknown)"} -> ${l.to} (${l.colorHex})`,
            ),
      );
    lines.push("");
  }
  for (const g of changed) {
    lines.push(...groupLines(g, plan, paint), "");
  }
  const pending = plan.groups.flatMap((g) => g.pending.map((j) => ({ g, j })));
  if (pending.length) {
    lines.push(paint("dim", `Pending invites (sent within the cooldown, not yet joined): ${pending.length}`));
    for (const p of pending)
      lines.push(paint("dim", `  ${p.g.serial}: ${peopleList([p.j], plan.aliases, false)}`));
    lines.push("");
  }
  if (plan.warnings.length) {
    lines.push(paint("yellow", "Warnings:"));
    for (const w of plan.warnings)
      lines.push(paint("yellow", `  ! ${w.serial ? `${w.serial}: ` : ""}${w.message}`));
    lines.push("");
  }
  if (plan.unsafe.length) {
    lines.push(paint("red", "Unsafe: apply refuses this plan without --force:"));
    for (const u of plan.unsafe) lines.push(paint("red", `  ✗ ${u}`));
    lines.push("");
  }
  // "No changes" already said it all: a line of zeros after it would only repeat it
  if (changed.length) lines.push(paint("bold", summaryLine(plan)));
  while (lines.at(-1) === "") lines.pop();
  return `${lines.join("\n")}\n`;
}

/** "Plan: 2 to create, 4 to update, 1 to retire; +17 members, -1 member": no "+0 members". */
function summaryLine(plan: Plan): string {
  const c = countPlan(plan);
  const members = (sign: string, n: number) => (n ? `${sign}${n} member${n === 1 ? "" : "s"}` : "");
  const people = [members("+", c.add), members("-", c.remove)].filter(Boolean);
  return `Plan: ${c.create} to create, ${c.update} to update, ${c.retire} to retire${people.length ? `; ${people.join(", ")}` : ""}`;
}

type Paint = (c: keyof typeof codes, s: string) => string;

function groupLines(g: GroupPlan, plan: Plan, paint: Paint): string[] {
  const where = g.file ? paint("dim", ` (${g.file})`) : "";
  if (g.blocked) return [paint("red", `  ✗ ${g.serial}  blocked: ${g.blocked}`) + where];
  const head =
    g.action === "create"
      ? paint("green", `  + ${g.serial}  create "${g.subject}"`)
      : g.action === "retire"
        ? paint("red", `  - ${g.serial}  retire ${g.groupId ?? ""} "${g.subject}"`)
        : paint("yellow", `  ~ ${g.serial}  update ${g.groupId ?? ""}`);
  const out = [head + where];
  for (const c of g.changes) for (const l of changeLine(c, plan, paint).split("\n")) out.push(`      ${l}`);
  return out;
}

const quote = (s: string | undefined, max = 60) => {
  if (s === undefined) return "(unknown)";
  const one = s.replace(/\n/g, "⏎");
  return JSON.stringify(one.length > max ? `${one.slice(0, max - 1)}…` : one);
};

export function changeLine(c: Change, plan: Plan, paint: Paint, mask = false): string {
  const people = (j: string[]) => peopleList(j, plan.aliases, mask, 20);
  switch (c.kind) {
    case "create":
      return paint(
        "green",
        `+ create with ${c.participants.length} participant(s): ${people(c.participants)}`,
      );
    case "setSubject":
      return paint("yellow", `~ subject: ${quote(c.from)} -> ${quote(c.to)}`);
    case "setDescription": {
      const body = lineDiff(c.from ?? "", c.to).map((l) =>
        l.startsWith("+") ? paint("green", `${l}`) : l.startsWith("-") ? paint("red", l) : paint("dim", l),
      );
      return [paint("yellow", `~ description:`), ...body.map((l) => `    ${l}`)].join("\n");
    }
    case "setIcon":
      return paint(
        "yellow",
        `~ icon: ${c.from ? `sha256:${c.from.slice(0, 12)}` : "(none)"} -> ${c.path} (sha256:${c.to.slice(0, 12)})`,
      );
    case "setSetting":
      return paint("yellow", `~ ${c.setting}: ${String(c.from ?? "(unknown)")} -> ${String(c.to)}`);
    case "addParticipants":
      return paint("green", `+ add ${c.participants.length}: ${people(c.participants)}`);
    case "removeParticipants":
      return paint("red", `- remove ${c.participants.length}: ${people(c.participants)}`);
    case "promote":
      return paint("cyan", `± promote ${c.participants.length}: ${people(c.participants)}`);
    case "demote":
      return paint("cyan", `± demote ${c.participants.length}: ${people(c.participants)}`);
    case "sendInvites": {
      const cold = c.warmup ?? [];
      const refused = c.participants.filter((j) => !cold.includes(j));
      const lines = [];
      if (refused.length)
        lines.push(
          paint("green", `+ invite ${refused.length} (adds were refused before): ${people(refused)}`),
        );
      if (cold.length)
        lines.push(
          paint(
            "green",
            `+ invite ${cold.length} (warm-up: not written to us within invites.warmupHours, so not added): ${people(cold)}`,
          ),
        );
      return lines.join("\n");
    }
    case "welcome":
      return paint("green", `+ welcome message: ${quote(c.message)}`);
    case "setLabels":
      return [
        ...(c.add.length ? [paint("green", `+ labels: ${c.add.join(", ")}`)] : []),
        ...(c.remove.length
          ? [paint("red", `- labels (managed, not declared): ${c.remove.join(", ")}`)]
          : []),
      ].join("\n");
    case "farewell":
      return paint("red", `- farewell message: ${quote(c.message)}`);
    case "leave":
      return paint("red", "- leave the group");
    case "delete":
      return paint("red", "- delete the chat");
  }
}

/** A line diff (longest common subsequence): "  same", "- old", "+ new". Descriptions are short. */
export function lineDiff(from: string, to: string): string[] {
  const a = from ? from.split("\n") : [];
  const b = to ? to.split("\n") : [];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push(`- ${a[i++]}`);
    else out.push(`+ ${b[j++]}`);
  }
  return out;
}
