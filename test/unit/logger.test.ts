// The logger is configured at start and made only when a line is written: `logs` answers whether a
// level is on without it, and what is written still passes the redactor.
import { afterEach, describe, expect, it } from "vitest";
import { configureLogger, log, logs } from "../../src/logger.js";

/** plainly not a real token: the redactor must hide it all the same */
const CANARY = "CANARY-token-not-real";

afterEach(() => configureLogger({ level: "silent" }));

describe("the logger", () => {
  it("says which levels are on, for every --log-level", () => {
    const on = (level: string) =>
      (["trace", "debug", "info"] as const).filter((l) => {
        configureLogger({ level, write: () => {} });
        return logs(l);
      });
    expect(on("trace")).toEqual(["trace", "debug", "info"]);
    expect(on("debug")).toEqual(["debug", "info"]);
    expect(on("info")).toEqual(["info"]);
    expect(on("warn")).toEqual([]);
    expect(on("silent")).toEqual([]);
  });

  it("writes a line only at a level that is on, as one readable line, with tokens redacted", () => {
    const lines: string[] = [];
    configureLogger({ level: "info", write: (l) => lines.push(l) });
    log().debug("not shown");
    log().info(`retrying after: GET /groups?access_token=${CANARY} failed`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^wagroups: retrying after: GET \/groups\?access_token=/);
    expect(lines[0]).not.toContain(CANARY);
  });
});
