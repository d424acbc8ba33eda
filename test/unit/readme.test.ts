import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { updateReadme } from "../../src/docs/reference.js";

describe("README", () => {
  const readme = readFileSync("README.md", "utf8");
  it("carries the manifest and configuration reference as generated from the schemas (npm run docs)", () => {
    expect(updateReadme(readme)).toBe(readme);
  });
  it("shows the two commands a new user runs", () => {
    expect(readme).toContain("npm ci && npx wagroups plan");
    expect(readme).toContain("npm test");
  });
});
