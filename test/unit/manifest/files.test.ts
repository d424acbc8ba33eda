// Files stay inside the repository: symlinks that leave it, absolute icon paths, huge files and a
// manifest pointing at /proc/self/environ are refused with file:line:col, without reading or quoting them.
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isInside, listManifests, readTextInside, repositoryRoot } from "../../../src/manifest/files.js";
import { loadFleet } from "../../../src/manifest/load.js";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
const manifest = (extra = "") => `serial: OK-1\nsubject: Fine\nadmins: ["+1 415 555 0101"]\n${extra}`;
let top: string;
let repo: string;
let outside: string;

beforeEach(() => {
  top = mkdtempSync(path.join(tmpdir(), "wagroups-files-"));
  repo = path.join(top, "repo");
  outside = path.join(top, "outside");
  mkdirSync(path.join(repo, ".git"), { recursive: true });
  mkdirSync(path.join(repo, "groups"), { recursive: true });
  mkdirSync(outside);
});
afterEach(() => rmSync(top, { recursive: true, force: true }));
const load = () => loadFleet(path.join(repo, "groups"), { cwd: repo, env: {} });

describe("the repository a fleet lives in", () => {
  it("is the git top level above --dir, else --dir itself", () => {
    expect(repositoryRoot(path.join(repo, "groups"))).toBe(repositoryRoot(repo));
    expect(repositoryRoot(outside)).toBe(repositoryRoot(outside));
    expect(isInside("/a/b", "/a/b/c")).toBe(true);
    expect(isInside("/a/b", "/a/bc")).toBe(false);
    expect(isInside("/a/b", "/a")).toBe(false);
  });

  it("an icon anywhere in the repository is fine, also above --dir", () => {
    mkdirSync(path.join(repo, "icons"));
    writeFileSync(path.join(repo, "icons", "a.png"), PNG);
    writeFileSync(path.join(repo, "groups", "g.yaml"), manifest("icon: ../icons/a.png\n"));
    const r = load();
    expect(r.problems).toEqual([]);
    expect(r.desired.groups[0]!.icon).toMatchObject({
      path: "../icons/a.png",
      mimetype: "image/png",
      size: 12,
    });
  });
});

describe("manifests found by the walk", () => {
  it("a manifest in a subfolder, one symlinked from inside the repository, and one reached through a symlinked --dir are read", () => {
    mkdirSync(path.join(repo, "groups", "sub"));
    mkdirSync(path.join(repo, "kept"));
    writeFileSync(path.join(repo, "groups", "sub", "a.yaml"), manifest().replace("OK-1", "OK-2"));
    writeFileSync(path.join(repo, "kept", "b.yaml"), manifest().replace("OK-1", "OK-3"));
    symlinkSync(path.join(repo, "kept", "b.yaml"), path.join(repo, "groups", "b.yaml"));
    symlinkSync(path.join(repo, "groups"), path.join(repo, "fleet"));
    for (const dir of ["groups", "fleet"]) {
      const r = loadFleet(path.join(repo, dir), { cwd: repo, env: {} });
      expect(r.problems).toEqual([]);
      expect(r.desired.groups.map((g) => `${g.serial} ${g.file}`)).toEqual([
        `OK-3 ${dir}/b.yaml`,
        `OK-2 ${dir}/sub/a.yaml`,
      ]);
    }
  });

  it("a manifest exactly at the size cap is read whole (its end found by a second, empty read)", () => {
    const big = `${manifest()}# ${"x".repeat(256 * 1024 - manifest().length - 3)}\n`;
    expect(big.length).toBe(256 * 1024);
    writeFileSync(path.join(repo, "groups", "g.yaml"), big);
    expect(load().problems).toEqual([]);
  });
});

describe("reading a manifest's text", () => {
  it("is whole and decoded at every size: in the one reused buffer, around its 64 KiB edge, and past it", () => {
    const file = path.join(repo, "groups", "t.yaml");
    // a 3-byte character on every line, so a chunk edge falls inside one for some size
    for (const size of [0, 1, 64 * 1024 - 2, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 200_001]) {
      const line = "# \u20ac\n";
      const text = line.repeat(Math.floor(size / 6)) + "x".repeat(size % 6);
      writeFileSync(file, text);
      const r = readTextInside(repo, file, 256 * 1024, "t.yaml");
      expect(r.ok && r.text === text, `size ${size}`).toBe(true);
    }
  });

  it("lists *.yaml and *.yml in any case, sorted, skipping hidden folders, node_modules and other names", () => {
    const g = path.join(repo, "groups");
    for (const d of ["b", ".hidden", "node_modules"]) mkdirSync(path.join(g, d));
    for (const f of [
      "b/z.yml",
      "b/a.YAML",
      "c.yaml",
      ".hidden/h.yaml",
      "node_modules/n.yaml",
      "x.yaml.bak",
      "yaml",
      "wagroups.yaml",
      "b/wagroups.yaml",
    ])
      writeFileSync(path.join(g, f), "");
    const listed = listManifests(g, ["wagroups.yaml"], g).map((f) => path.relative(g, f.path));
    expect(listed).toEqual(["b/a.YAML", "b/wagroups.yaml", "b/z.yml", "c.yaml"]);
  });
});

describe("refused, each with its place", () => {
  it("an icon symlinked out of the repository (a key file with PNG magic bytes)", () => {
    writeFileSync(path.join(outside, "id_rsa"), Buffer.concat([PNG, Buffer.from("SECRET-KEY")]));
    symlinkSync(path.join(outside, "id_rsa"), path.join(repo, "groups", "logo.png"));
    writeFileSync(path.join(repo, "groups", "g.yaml"), manifest("icon: logo.png\n"));
    const { problems, desired } = load();
    expect(problems).toEqual([
      {
        file: "groups/g.yaml",
        line: 4,
        column: 7,
        message: expect.stringMatching(
          /^icon file "logo\.png" resolves outside the repository .*symlinks may not leave it$/,
        ),
      },
    ]);
    expect(desired.groups).toEqual([]);
  });

  it("an absolute icon path, even one inside the repository", () => {
    writeFileSync(path.join(repo, "a.png"), PNG);
    writeFileSync(
      path.join(repo, "groups", "g.yaml"),
      manifest(`icon: ${JSON.stringify(path.join(repo, "a.png"))}\n`),
    );
    const { problems } = load();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "groups/g.yaml", line: 4, column: 7 });
    expect(problems[0]!.message).toMatch(/is an absolute path; give a path relative to the manifest/);
  });

  it("a manifest symlinked to /proc/self/environ: refused, and no environment variable printed", () => {
    process.env.WAGROUPS_CANARY = "canary-value-7f3a";
    try {
      symlinkSync("/proc/self/environ", path.join(repo, "groups", "env.yaml"));
      const { problems } = load();
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ file: "groups/env.yaml", line: 1, column: 1 });
      expect(problems[0]!.message).toMatch(/resolves outside the repository/);
      expect(JSON.stringify(problems)).not.toContain("canary-value-7f3a");
    } finally {
      delete process.env.WAGROUPS_CANARY;
    }
  });

  it("wagroups.yaml and people.yaml symlinked out (also a dangling link) are refused, not skipped", () => {
    writeFileSync(path.join(outside, "cfg.yaml"), "self: '+1 415 555 0100'\n");
    symlinkSync(path.join(outside, "cfg.yaml"), path.join(repo, "groups", "wagroups.yaml"));
    symlinkSync(path.join(outside, "gone.yaml"), path.join(repo, "groups", "people.yaml"));
    writeFileSync(path.join(repo, "groups", "g.yaml"), manifest());
    const { problems } = load();
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`)).toEqual([
      expect.stringMatching(/^groups\/wagroups\.yaml:1:1 wagroups\.yaml resolves outside the repository/),
      "groups/people.yaml:1:1 people.yaml not found",
    ]);
  });

  it("a 1.5 GB icon and a 2 MiB manifest are refused by their size without being read", () => {
    // sparse files: the size is real, the disk is not used, and reading them would take seconds
    const sparse = (file: string, bytes: number) => {
      const fd = openSync(file, "w");
      ftruncateSync(fd, bytes);
      closeSync(fd);
    };
    sparse(path.join(repo, "groups", "huge.png"), 1.5 * 1024 ** 3);
    sparse(path.join(repo, "groups", "big.yaml"), 2 * 1024 ** 2);
    writeFileSync(path.join(repo, "groups", "g.yaml"), manifest("icon: huge.png\n"));
    const started = performance.now();
    const { problems } = load();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`)).toEqual([
      "groups/big.yaml:1:1 big.yaml is 2 MiB; at most 256 KiB is read",
      'groups/g.yaml:4:7 icon file "huge.png" is 1536 MiB; at most 5 MiB is read',
    ]);
  });
});

describe("no process-wide cache", () => {
  it("an icon edited between two loads is seen by the second", () => {
    writeFileSync(path.join(repo, "groups", "a.png"), PNG);
    writeFileSync(path.join(repo, "groups", "g.yaml"), manifest("icon: a.png\n"));
    const first = load().desired.groups[0]!.icon!;
    writeFileSync(path.join(repo, "groups", "a.png"), Buffer.concat([PNG, Buffer.from("new")]));
    const second = load().desired.groups[0]!.icon!;
    expect(second.size).toBe(first.size + 3);
    expect(second.sha256).not.toBe(first.sha256);
  });
});

describe("file names in messages", () => {
  it("are relative to the working directory, as path.relative makes them, for files below it and elsewhere", () => {
    mkdirSync(path.join(repo, "groups", "sub"));
    writeFileSync(path.join(repo, "groups", "sub", "g.yaml"), "serial: [\n");
    writeFileSync(path.join(outside, "o.yaml"), "serial: [\n");
    symlinkSync(path.join(outside, "o.yaml"), path.join(repo, "groups", "o.yaml"));
    for (const cwd of [repo, path.join(repo, "groups"), path.join(repo, "groups", "sub"), outside, "/"]) {
      const r = loadFleet(path.join(repo, "groups"), { cwd, env: {} });
      const files = r.problems.map((p) => p.file).sort();
      const want = [path.join(repo, "groups", "o.yaml"), path.join(repo, "groups", "sub", "g.yaml")]
        .map((f) => path.relative(cwd, f) || f)
        .sort();
      expect(files, cwd).toEqual(want);
    }
  });
});
