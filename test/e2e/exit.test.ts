// The CLI exits as soon as its work is done (src/cli/main.ts), so these check what an early exit
// could lose: output still in a pipe nobody has read yet, and the exit code.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv, type Served, serve, tempDir } from "../helpers/cli.js";

/** Run the CLI with a reader that leaves both pipes unread for a while, so output queues up. */
function runSlowReader(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: cleanEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.pause();
    child.stderr.pause();
    setTimeout(() => {
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      // a stream paused by hand stays paused when a listener is added
      child.stdout.resume();
      child.stderr.resume();
    }, 400);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const member = (g: number, k: number) => `"+1 646 ${200 + g} ${String(k).padStart(4, "0")}"`;

describe("exit as soon as the work is done", { timeout: 120_000 }, () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(() => server.stop());

  it("a plan far larger than a pipe's buffer reaches a slow reader whole, with exit code 2", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "groups"));
    writeFileSync(path.join(dir, "groups/wagroups.yaml"), 'self: "+1 415 555 0100"\n');
    for (let g = 0; g < 120; g++)
      writeFileSync(
        path.join(dir, "groups", `NEW-${g}.yaml`),
        [
          `serial: NEW-${g}`,
          `subject: New group ${g}`,
          "admins:",
          `  - ${member(g, 0)}`,
          "members:",
          ...Array.from({ length: 40 }, (_, k) => `  - ${member(g, k + 1)}`),
          "",
        ].join("\n"),
      );
    const r = await runSlowReader(
      ["plan", "--dir", path.join(dir, "groups"), "--format", "json", "--detailed-exitcode"],
      server.env,
    );
    expect(r.stderr).not.toContain("unexpected");
    expect(r.code).toBe(2);
    // well past a pipe (64 KiB) and the reader's buffer (64 KiB): the CLI must wait for the reader
    expect(r.stdout.length).toBeGreaterThan(256 * 1024);
    const plan = JSON.parse(r.stdout) as { groups: { serial: string }[] };
    expect(plan.groups.filter((g) => g.serial.startsWith("NEW-"))).toHaveLength(120);
  });

  it("every problem of a large broken fleet reaches a slow reader, then exit 1", async () => {
    // Long names make the report far larger than what a pipe (64 KiB) and the reader's own buffer
    // (64 KiB) hold, so the CLI cannot finish before the reader starts. Were it smaller, the child
    // could exit first and Node would drop the unread output on the reader's side (child_process
    // resumes a paused pipe without listeners when the child exits), which tests nothing of ours.
    const dir = tempDir();
    const pad = "x".repeat(200);
    for (let i = 0; i < 1500; i++)
      writeFileSync(path.join(dir, `broken-${i}-${pad}.yaml`), `serial: [unclosed ${i}\n`);
    const r = await runSlowReader(["validate", "--dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.length).toBeGreaterThan(256 * 1024);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.filter((l) => /broken-\d+-x+\.yaml:\d+:\d+ {2}YAML: /.test(l))).toHaveLength(1500);
    expect(lines.at(-1)).toBe("wagroups: 1500 problem(s) in 1500 file(s)");
  });
});
