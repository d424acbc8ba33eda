// The JSON Schemas in schemas/ are the source of truth. The build compiles them to standalone
// validators (dist/validators/*.cjs) so a run starts without compiling; from source (tests), ajv
// compiles them on first use with the same options.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ErrorObject, Options, ValidateFunction } from "ajv";
import type { Located } from "../errors.js";
import { locate, type ParsedYaml } from "./yaml.js";

export const SCHEMA_DIR = new URL("../../schemas/", import.meta.url);
const PRECOMPILED = new URL("../validators/", import.meta.url);
export const SCHEMA_NAMES = ["group", "config", "people", "plan"] as const;
export type SchemaName = (typeof SCHEMA_NAMES)[number];

export const AJV_OPTIONS: Options = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictTypes: false,
  allowUnionTypes: true,
};

const require = createRequire(import.meta.url);
const compiled = new Map<SchemaName, ValidateFunction>();

export function readSchema(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), "utf8")) as Record<
    string,
    unknown
  >;
}

export function validator(name: SchemaName): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const file = fileURLToPath(new URL(`${name}.cjs`, PRECOMPILED));
    if (existsSync(file)) v = require(file) as ValidateFunction;
    else {
      const { Ajv2020 } = require("ajv/dist/2020") as typeof import("ajv/dist/2020.js");
      v = new Ajv2020(AJV_OPTIONS).compile(readSchema(name));
    }
    compiled.set(name, v);
  }
  return v;
}

/**
 * ajv counts a string's length in code points with a loop over every character, twice a string
 * (minLength and maxLength): a million times on a large fleet. A string of n UTF-16 units has between
 * n/2 and n code points, so `.length` alone decides a check unless it falls between the two, and the
 * loop runs only then. An exact rewrite of the comparisons in ajv's standalone code, at build time.
 */
export function quickLengths(code: string): string {
  const fn = /const (func\d+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/.exec(code)?.[1];
  if (!fn) return code;
  return code.replace(new RegExp(`\\b${fn}\\((\\w+)\\) ([<>]) (\\d+)\\b`, "g"), (_, data, op, n) =>
    op === ">"
      ? `(${data}.length > ${n} && (${data}.length > ${2 * Number(n)} || ${fn}(${data}) > ${n}))`
      : `(${data}.length < ${n} || (${data}.length < ${2 * Number(n)} && ${fn}(${data}) < ${n}))`,
  );
}

/** Problems reported per file: past this a file is not a manifest that needs a list of fixes. */
export const MAX_SCHEMA_PROBLEMS = 50;

/** Check `p.value` against a schema; each error (up to MAX_SCHEMA_PROBLEMS) comes back located at its
 * YAML node, and one more line says how many were left out. */
export function checkSchema(name: SchemaName, p: ParsedYaml): Located[] {
  const v = validator(name);
  if (v(p.value)) return [];
  const errors = (v.errors ?? []).filter((e) => !isNoise(e));
  const seen = new Set<string>();
  const out: Located[] = [];
  let i = 0;
  for (; i < errors.length && out.length < MAX_SCHEMA_PROBLEMS; i++) {
    const loc = toLocated(p, errors[i]!);
    const key = `${loc.line}:${loc.column}:${loc.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(loc);
    }
  }
  if (i < errors.length)
    out.push({ ...out.at(-1)!, message: `… and ${errors.length - i} more schema problem(s) in this file` });
  return out;
}

// oneOf reports both branches and a summary; the branch errors say more.
const isNoise = (e: ErrorObject): boolean => e.keyword === "oneOf" || e.keyword === "if";

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function dotted(path: (string | number)[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i ? `.${s}` : s)).join("") || "the document";
}

function toLocated(p: ParsedYaml, e: ErrorObject): Located {
  const path = pathOf(e.instancePath);
  const where = dotted(path);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties": {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys(
        ((e.parentSchema as Record<string, unknown>)?.properties as Record<string, unknown>) ?? {},
      ).filter((k) => k !== "$schema");
      const hint = closest(extra, allowed);
      const inside = path.length ? ` in ${where}` : "";
      return locate(
        p,
        [...path, extra],
        `unknown key "${extra}"${inside}${hint ? ` (did you mean "${hint}"?)` : ""}`,
        {
          key: true,
        },
      );
    }
    case "required":
      return locate(
        p,
        path,
        `missing required key "${String(params.missingProperty)}"${path.length ? ` in ${where}` : ""}`,
      );
    case "enum": {
      const allowed = params.allowedValues as unknown[];
      const got = valueAt(p.value, path);
      const hint =
        typeof got === "string"
          ? closest(
              got,
              allowed.filter((v): v is string => typeof v === "string"),
            )
          : undefined;
      return locate(
        p,
        path,
        `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")} (got ${JSON.stringify(got)}${hint ? `; did you mean "${hint}"?` : ""})`,
      );
    }
    case "type": {
      const got = valueAt(p.value, path);
      // YAML reads an unquoted +14155550192 as the number 14155550192
      if (params.type === "string" && typeof got === "number" && Number.isInteger(got) && got >= 1_000_000)
        return locate(p, path, `${where} was read as the number ${got}: quote phone numbers, e.g. "+${got}"`);
      const types = Array.isArray(params.type) ? params.type.map(String) : String(params.type).split(",");
      return locate(p, path, `${where} must be ${types.map(article).join(" or ")} (got ${describe(got)})`);
    }
    case "maxLength": {
      // the length as WhatsApp counts it (code points), so the figure says how much to cut
      const got = valueAt(p.value, path);
      const length = typeof got === "string" ? [...got].length : 0;
      return locate(
        p,
        path,
        `${where} is ${length} characters; at most ${Number(params.limit).toLocaleString("en-US")} allowed`,
      );
    }
    case "pattern":
      return locate(
        p,
        path,
        `${where} ${JSON.stringify(valueAt(p.value, path))} does not match ${String(params.pattern)}`,
      );
    case "propertyNames":
      return locate(p, path, `${where} has an invalid key: ${e.message ?? ""}`);
    default:
      return locate(p, path, `${where} ${e.message ?? "is invalid"}`);
  }
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v = root;
  for (const s of path) v = v == null ? undefined : (v as Record<string | number, unknown>)[s];
  return v;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function article(t: string): string {
  const name = t === "array" ? "list" : t === "object" ? "mapping" : t;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const o of options) {
    // the distance is at least the difference in length: a megabyte-long key costs nothing
    if (Math.abs(word.length - o.length) >= bestD) continue;
    const d = distance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
