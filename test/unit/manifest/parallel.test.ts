// loadFleetAsync builds a large fleet's groups on worker threads (issue 14): the result must be the
// one the sequential load gives, to the order of every problem and warning. The fleet mixes broken
// files, schema and people problems, warnings, shared and missing icons, and duplicates whose files
// fall in different threads' shares. Workers run from the built dist/ (src/ under vitest has no
// .js worker entry, so it always loads sequentially).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../../helpers/cli.js";

const FILES = 1_300;

/** manifest number i of the generated fleet, as text */
function manifest(i: number): string {
  if (i % 97 === 5) return `serial: "P-${i}"\nsubject: "unterminated\n`;
  if (i % 89 === 7) return "";
  if (i % 101 === 9) return "- just\n- a list\n";
  const serial = i === 1_211 ? "P-12" : `P-${i}`;
  const lines = [`serial: "${serial}"`, `subject: "Group ${i}"`];
  if (i % 4 === 0) lines.push(`description: "about group ${i}"`);
  if (i === 20 || i === 900) lines.push('id: "120363000000000020@g.us"');
  else if (i % 79 === 1) lines.push(`id: "1203630000000${String(i).padStart(5, "0")}@g.us"`);
  if (i % 79 === 1) lines.push("retired: true");
  if (i % 83 === 3) lines.push("memebers: []");
  if (i % 50 === 0) lines.push('icon: "../icons/a.png"');
  if (i % 61 === 0) lines.push('icon: "../icons/missing.png"');
  if (i % 67 === 4) lines.push('icon: "/abs/icon.png"');
  lines.push("admins:", "  - dana");
  lines.push("members:");
  for (let m = 0; m < 6; m++)
    lines.push(`  - "+1 415 555 ${String(1000 + ((i * 7 + m) % 9000)).padStart(4, "0")}"`);
  if (i % 71 === 2) lines.push("  - nobody-known");
  if (i % 73 === 6) lines.push('  - "+1 415 555 01"');
  if (i % 59 === 8) lines.push("  - dana");
  if (i % 53 === 10) lines.push("  - 14155550123");
  return `${lines.join("\n")}\n`;
}

function fleet(): string {
  const dir = tempDir();
  const groups = path.join(dir, "groups");
  for (const sub of ["a", "b", "icons"]) mkdirSync(path.join(groups, sub), { recursive: true });
  writeFileSync(path.join(groups, "wagroups.yaml"), 'self: "+1 415 555 0100"\nserialPattern: "^P-[0-9]+$"\n');
  writeFileSync(path.join(groups, "people.yaml"), 'dana: "+1 646 200 0999"\nlee: "+44 20 7946 0958"\n');
  const png = Buffer.alloc(64);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  writeFileSync(path.join(groups, "icons", "a.png"), png);
  for (let i = 0; i < FILES; i++)
    writeFileSync(
      path.join(groups, i < FILES / 2 ? "a" : "b", `g-${String(i).padStart(5, "0")}.yaml`),
      manifest(i),
    );
  return groups;
}

describe("loadFleetAsync on worker threads", () => {
  it("gives exactly the sequential result: groups, problems and warnings, in order", {
    timeout: 120_000,
  }, async () => {
    const dist: typeof import("../../../src/manifest/load.js") = await import(
      path.join(ROOT, "dist/manifest/load.js")
    );
    const dir = fleet();
    const sequential = dist.loadFleet(dir);
    // the fleet has something of every kind
    expect(sequential.files).toBe(FILES);
    expect(sequential.desired.groups.length).toBeGreaterThan(1_000);
    expect(sequential.warnings.length).toBeGreaterThan(10);
    const messages = sequential.problems.map((p) => p.message).join("\n");
    for (const kind of [
      /^YAML: /m,
      /^empty manifest/m,
      /unknown key "memebers"/,
      /unknown alias "nobody-known"/,
      /is not a valid phone number/,
      /listed twice in members|listed in both admins/,
      /was read as the number/,
      /icon file "\.\.\/icons\/missing\.png" not found/,
      /is an absolute path/,
      /duplicate serial "P-12", also declared in .*g-01211\.yaml/,
      /duplicate id "120363000000000020@g\.us", also declared in .*g-00900\.yaml/,
    ])
      expect(messages).toMatch(kind);
    expect(sequential.desired.groups.filter((g) => g.icon).length).toBeGreaterThan(10);

    let started = 0;
    const count = () => started++;
    process.on("worker", count);
    try {
      for (const workers of [1, 2, 3]) {
        const before = started;
        const parallel = await dist.loadFleetAsync(dir, { workers });
        expect(started - before).toBe(workers);
        expect(parallel).toStrictEqual(sequential);
      }
      // started ahead of the loader (as the CLI does), the workers wait for the configuration and build
      const ahead: typeof import("../../../src/manifest/workers.js") = await import(
        path.join(ROOT, "dist/manifest/workers.js")
      );
      const early = ahead.startLoadWorkers(dir, { workers: 2 });
      expect(early?.threads).toHaveLength(2);
      expect(await dist.loadFleetAsync(dir, { started: early! })).toStrictEqual(sequential);
      // started for another directory, they are stopped, and this one is listed and loaded anew
      const other = ahead.startLoadWorkers(path.join(ROOT, "test/fixtures/manifests/valid/basic"), {
        workers: 1,
      });
      const exits = other!.threads.map((t) => t.ended);
      expect(await dist.loadFleetAsync(dir, { started: other!, workers: 1 })).toStrictEqual(sequential);
      await Promise.all(exits);
      // the default: 1,300 files are too few to pay for a worker's start (the split begins at 5,000)
      const before = started;
      expect(await dist.loadFleetAsync(dir)).toStrictEqual(sequential);
      expect(started - before).toBe(0);
    } finally {
      process.off("worker", count);
    }
  });

  it("loads a small fleet in-process", async () => {
    const dist: typeof import("../../../src/manifest/load.js") = await import(
      path.join(ROOT, "dist/manifest/load.js")
    );
    let started = 0;
    const count = () => started++;
    process.on("worker", count);
    try {
      const r = await dist.loadFleetAsync(path.join(ROOT, "test/fixtures/manifests/valid/basic"));
      expect(r.problems).toEqual([]);
      expect(started).toBe(0);
    } finally {
      process.off("worker", count);
    }
  });
});
