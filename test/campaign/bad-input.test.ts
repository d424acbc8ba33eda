// The bad-input campaign: generated broken fleets must each give located, one-line problems, never a
// crash, a hang or a stack trace; valid fleets in odd dress (BOM, CRLF, Unicode, number formats) must
// pass. Seeded; CAMPAIGN_RUNS raises the count (npm run campaign:inputs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { MAX_MANIFEST_BYTES } from "../../src/manifest/files.js";
import { loadFleet } from "../../src/manifest/load.js";
import { parseYaml } from "../../src/manifest/yaml.js";
import { run } from "../helpers/cli.js";
import { brokenFleet, type FleetFiles, oddButValidFleet } from "./inputs.js";

const RUNS = Number(process.env.CAMPAIGN_RUNS ?? 1500);
const SEED = Number(process.env.CAMPAIGN_SEED ?? 20261126);
const root = mkdtempSync(path.join(tmpdir(), "wagroups-campaign-"));
let n = 0;
const tried: Record<string, number> = {};

function writeFleet(f: FleetFiles): string {
  const dir = path.join(root, `f${n++}`);
  for (const [name, text] of Object.entries(f.files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  const total = Object.values(tried).reduce((a, b) => a + b, 0);
  console.log(
    `bad-input campaign: ${total} inputs tried (seed ${SEED}): ${Object.entries(tried)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );
});

describe("bad-input campaign", () => {
  it(`every broken fleet gives located one-line problems, and nothing throws or hangs (${RUNS} inputs)`, {
    timeout: 3_600_000,
  }, () => {
    fc.assert(
      fc.property(brokenFleet, (f) => {
        const dir = writeFleet(f);
        const started = performance.now();
        const { problems } = loadFleet(dir, { cwd: root });
        expect(performance.now() - started, `${f.kind} took too long`).toBeLessThan(5_000);
        expect(
          problems.length,
          `${f.kind}: no problem reported for ${JSON.stringify(f.files).slice(0, 300)}`,
        ).toBeGreaterThan(0);
        for (const p of problems) {
          expect(Object.keys(f.files).map((k) => path.join(path.basename(dir), k))).toContain(p.file);
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeGreaterThanOrEqual(1);
          expect(p.message.length).toBeGreaterThan(0);
          expect(p.message).not.toMatch(/\n|\s{4}at /);
        }
        tried[f.kind.split(" +")[0]!] = (tried[f.kind.split(" +")[0]!] ?? 0) + 1;
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it("valid fleets with BOMs, CRLF, Unicode subjects and numbers in every format pass", {
    timeout: 600_000,
  }, () => {
    fc.assert(
      fc.property(oddButValidFleet, (f) => {
        const { problems } = loadFleet(writeFleet(f), { cwd: root });
        expect(problems, f.kind).toEqual([]);
        tried.valid = (tried.valid ?? 0) + 1;
      }),
      { numRuns: Math.max(200, RUNS / 5), seed: SEED },
    );
  });

  // Issue 10.7: two YAML libraries stay only while they agree. js-yaml reads every file; `yaml`
  // gives positions. On every campaign document js-yaml accepts, `yaml` (strict, unique keys)
  // must accept it too and build the same value, or the positions would point into another tree.
  it("differential: js-yaml and yaml parse every accepted campaign document to the same value", {
    timeout: 600_000,
  }, () => {
    let compared = 0;
    const inputs = [
      ...fc.sample(brokenFleet, { numRuns: RUNS, seed: SEED }),
      ...fc.sample(oddButValidFleet, { numRuns: Math.max(200, RUNS / 5), seed: SEED }),
    ];
    for (const f of inputs)
      for (const [name, text] of Object.entries(f.files)) {
        if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) continue; // never parsed by the loader
        const fast = parseYaml(name, text);
        if (fast.problems.length) continue;
        const doc = parseDocument(text.replace(/^\ufeff/, ""), { strict: true, uniqueKeys: true });
        expect(
          doc.errors.map((e) => e.message),
          `${f.kind}: ${JSON.stringify(text).slice(0, 200)}`,
        ).toEqual([]);
        expect(doc.toJS({ maxAliasCount: -1 }) ?? null, f.kind).toEqual(fast.value);
        compared++;
      }
    expect(compared).toBeGreaterThan(inputs.length / 2);
    tried["differential documents"] = compared;
  });

  it("through the built CLI: exit 1, file:line:col on every line, no stack trace", {
    timeout: 120_000,
  }, async () => {
    const samples = fc.sample(brokenFleet, { numRuns: 24, seed: SEED });
    for (const f of samples) {
      const dir = writeFleet(f);
      const r = await run(["validate", "--dir", dir]);
      expect(r.code, f.kind).toBe(1);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines.at(-1)).toMatch(/^wagroups: \d+ problem\(s\) in \d+ file\(s\)$/);
      for (const l of lines.slice(0, -1)) expect(l).toMatch(/^\S+\.yaml:\d+:\d+ {2}\S/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      tried["via the CLI"] = (tried["via the CLI"] ?? 0) + 1;
    }
  });
});
