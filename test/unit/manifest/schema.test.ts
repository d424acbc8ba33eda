import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import standaloneModule from "ajv/dist/standalone/index.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  AJV_OPTIONS,
  quickLengths,
  readSchema,
  type SchemaName,
  validator,
} from "../../../src/manifest/schema.js";

const standalone = standaloneModule.default;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".yaml"))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("schemas", () => {
  it.each(yamlFiles("groups"))("%s matches its schema and names it for editors", (file) => {
    const name: SchemaName = file.endsWith("wagroups.yaml")
      ? "config"
      : file.endsWith("people.yaml")
        ? "people"
        : "group";
    const text = readFileSync(file, "utf8");
    const v = validator(name);
    expect(v(parse(text)), JSON.stringify(v.errors)).toBe(true);
    const hint = /^# yaml-language-server: \$schema=(\S+)/.exec(text);
    expect(hint, "the yaml-language-server line").not.toBeNull();
    expect(path.resolve(path.dirname(file), hint![1]!)).toBe(path.resolve(`schemas/${name}.schema.json`));
  });

  it.each(["group", "config", "people", "plan"] as const)(
    "%s.schema.json is 2020-12 with an $id and help on every property",
    (name) => {
      const schema = readSchema(name);
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.$id).toMatch(/^https:\/\//);
      const missing: string[] = [];
      const walk = (node: unknown, at: string) => {
        if (!node || typeof node !== "object") return;
        const n = node as Record<string, unknown>;
        if (n.properties && typeof n.properties === "object")
          for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
            if (name !== "plan" && !v.title && !v.$ref) missing.push(`${at}.${k} title`);
            if (!v.description && k !== "kind") missing.push(`${at}.${k} description`);
            walk(v, `${at}.${k}`);
          }
        for (const key of ["$defs", "items", "additionalProperties", "oneOf"])
          if (n[key] && typeof n[key] === "object") walk(n[key], `${at}.${key}`);
        if (Array.isArray(n.oneOf)) for (const [i, x] of n.oneOf.entries()) walk(x, `${at}[${i}]`);
        if (n.$defs) for (const [k, v] of Object.entries(n.$defs as object)) walk(v, `${at}.$defs.${k}`);
      };
      walk(schema, name);
      expect(missing).toEqual([]);
    },
  );
});

describe("quickLengths", () => {
  // the standalone validator ajv generates, loaded as the build's .cjs files are
  const load = (code: string) => {
    const mod = { exports: {} as unknown };
    new Function("module", "exports", "require", code)(mod, mod.exports, createRequire(import.meta.url));
    return mod.exports as (v: unknown) => boolean;
  };
  const compile = (schema: object) => {
    const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
    return standalone(ajv, ajv.compile(schema));
  };

  it("decides minLength and maxLength exactly as ajv's code-point count does, astral characters too", () => {
    for (const [min, max] of [
      [1, 4],
      [3, 5],
      [0, 1],
      [2, 2],
    ] as const) {
      const code = compile({ type: "string", minLength: min, maxLength: max });
      const quick = quickLengths(code);
      expect(quick).not.toBe(code);
      const [plain, fast] = [load(code), load(quick)];
      fc.assert(
        fc.property(fc.array(fc.constantFrom("a", "é", "😀", "𝄞", " "), { maxLength: 12 }), (chars) => {
          const s = chars.join("");
          expect(fast(s), `${min}..${max} on ${JSON.stringify(s)}`).toBe(plain(s));
        }),
        { numRuns: 2_000, seed: 3 },
      );
    }
  });
});
