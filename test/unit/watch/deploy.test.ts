// The container recipe, checked without a Docker daemon: multi-stage, not root at runtime, every file
// it copies from the context exists and is not excluded by .dockerignore, and it runs watch.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/cli.js";

const lines = readFileSync(path.join(ROOT, "Dockerfile"), "utf8")
  .split("\n")
  .filter((l) => l.trim() && !l.trim().startsWith("#"));
const ignored = readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));

describe("Dockerfile", () => {
  it("builds in one stage and runs from another, as a user other than root", () => {
    const froms = lines.filter((l) => l.startsWith("FROM "));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    const runtime = lines.slice(lines.lastIndexOf(froms.at(-1)!));
    const user = runtime.filter((l) => l.startsWith("USER ")).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER\s+(root|0)(:|\s|$)/);
    expect(runtime.some((l) => l.startsWith("COPY --from=build"))).toBe(true);
    expect(runtime.some((l) => /npm (ci|install)|tsc/.test(l))).toBe(false);
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const copied = lines
      .filter((l) => l.startsWith("COPY ") && !l.includes("--from"))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const f of copied) {
      expect(existsSync(path.join(ROOT, f)), f).toBe(true);
      expect(ignored, `${f} is in .dockerignore`).not.toContain(f);
    }
    for (const secretish of [".git", "node_modules", ".wagroups", ".env"])
      expect(ignored).toContain(secretish);
  });

  it("runs the built CLI's watch, listening beyond the container's loopback, with a health check", () => {
    expect(lines).toContain('ENTRYPOINT ["node", "/app/dist/cli/main.js"]');
    const cmd = lines.find((l) => l.startsWith("CMD "))!;
    expect(JSON.parse(cmd.slice(4))).toEqual([
      "watch",
      "--dir",
      "groups",
      "--host",
      "0.0.0.0",
      "--port",
      "8080",
    ]);
    expect(lines.some((l) => l.startsWith("HEALTHCHECK") || l.includes("/healthz"))).toBe(true);
    expect(existsSync(path.join(ROOT, "dist/cli/main.js"))).toBe(true);
  });
});
