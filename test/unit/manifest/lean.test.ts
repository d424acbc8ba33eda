// Nothing keeps a manifest's source text once it is parsed (issue 14.3): js-yaml's strings are
// slices of the file's text, and one kept slice pins the whole file. People are held as numbers,
// not jid strings (issue 14.2). A child process loads a fleet
// whose every file carries a marker only its text holds, then looks for that marker in a heap
// snapshot taken while the loaded fleet is still held.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../../helpers/cli.js";

const probe = `
import { readFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";
import { loadFleet } from ${JSON.stringify(path.join(ROOT, "dist/manifest/load.js"))};
const [dir, out] = process.argv.slice(1);
const loaded = loadFleet(dir);
if (loaded.problems.length) throw new Error(loaded.problems[0].message);
globalThis.gc();
const snap = JSON.parse(readFileSync(writeHeapSnapshot(out), "utf8"));
// the marker is spelled backwards until now, so no string of this script holds it
const marker = process.argv[3].split("").reverse().join("");
const kept = snap.strings.filter((s) => s.includes(marker));
// people are numbers: no string names a listed member (their numbers are +1 646 200 0000 to 0019)
const jids = snap.strings.filter((s) => /^164620000[01]\\d@c\\.us$/.test(s));
// the control: Desired.aliases names dana's jid, so the snapshot does show such strings
const aliasJid = snap.strings.includes("16462000999@c.us");
const members = loaded.desired.groups.flatMap((g) => [...g.members]).sort();
process.stdout.write(JSON.stringify({ groups: loaded.desired.groups.length, kept: kept.length, jids, aliasJid, members,
  titles: loaded.desired.groups.map((g) => g.title + "|" + g.description + "|" + g.labels.join()) }));
`;

const MARKER = "source-only-marker";

describe("lean manifests", () => {
  it("no string of a loaded fleet holds any manifest's source text", { timeout: 60_000 }, () => {
    const dir = tempDir();
    const groups = path.join(dir, "groups");
    mkdirSync(groups);
    writeFileSync(path.join(groups, "wagroups.yaml"), 'self: "+1 415 555 0100"\n');
    writeFileSync(path.join(groups, "people.yaml"), 'dana-the-long-alias-name: "+1 646 200 0999"\n');
    for (let g = 0; g < 20; g++)
      writeFileSync(
        path.join(groups, `LEAN-${g}.yaml`),
        [
          `# ${MARKER} ${g}: ${"padding ".repeat(200)}`,
          `serial: LEAN-${g}`,
          `subject: A subject long enough to be a slice ${g}`,
          "description: |",
          `  A description long enough to be a slice of the text, group ${g}.`,
          `labels: [a-label-long-enough-to-slice-${g}]`,
          "farewell: This group is closing; thank you for being part of it.",
          "admins:",
          "  - dana-the-long-alias-name",
          "members:",
          `  - "+1 646 200 ${String(g).padStart(4, "0")}"`,
          "",
        ].join("\n"),
      );
    const r = spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "--input-type=module",
        "-e",
        probe,
        groups,
        path.join(dir, "heap.heapsnapshot"),
        [...MARKER].reverse().join(""),
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    const seen = JSON.parse(r.stdout) as {
      groups: number;
      kept: number;
      titles: string[];
      jids: string[];
      aliasJid: boolean;
      members: number[];
    };
    expect(seen.groups).toBe(20);
    // the loaded values are really held while the snapshot is taken
    expect(seen.titles[0]).toBe(
      "A subject long enough to be a slice 0|A description long enough to be a slice of the text, group 0.|a-label-long-enough-to-slice-0",
    );
    expect(seen.kept).toBe(0);
    // every member is held, each as a number and none as a jid
    expect(seen.members).toEqual(Array.from({ length: 20 }, (_, g) => 16462000000 + g));
    expect(seen.jids).toEqual([]);
    expect(seen.aliasJid).toBe(true);
  });
});
