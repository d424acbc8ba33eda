// The README's manifest and configuration reference, generated from the schemas' own titles and
// descriptions so the two cannot drift. `npm run docs` rewrites it; a test fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readSchema, type SchemaName } from "../manifest/schema.js";

type Node = Record<string, unknown>;

function typeOf(node: Node, root: Node): string {
  if (typeof node.$ref === "string") {
    const target = (root.$defs as Record<string, Node>)[node.$ref.split("/").pop()!]!;
    return typeOf({ ...target, ...node, $ref: undefined }, root);
  }
  if (Array.isArray(node.enum)) return node.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (node.type === "array") return `list of ${typeOf((node.items as Node) ?? {}, root)}`;
  if (Array.isArray(node.oneOf)) return node.oneOf.map((o) => typeOf(o as Node, root)).join(" or ");
  if (Array.isArray(node.type)) return node.type.join(" or ");
  // a map keyed by names the user chooses (config labels)
  if (node.type === "object" && typeof node.additionalProperties === "object") return "map of name to object";
  return String(node.type ?? "any");
}

function rows(node: Node, root: Node, prefix: string, required: string[]): string[] {
  const out: string[] = [];
  for (const [key, raw] of Object.entries((node.properties as Record<string, Node>) ?? {})) {
    if (key === "$schema") continue;
    const p = raw as Node;
    const name = `${prefix}${key}`;
    const def = p.default !== undefined ? ` Default: \`${JSON.stringify(p.default)}\`.` : "";
    const req = required.includes(key) ? " **Required.**" : "";
    const desc = String(p.description ?? "").replace(/\|/g, "\\|");
    out.push(`| \`${name}\` | ${typeOf(p, root)} | ${desc}${def}${req} |`);
    if (p.properties) out.push(...rows(p, root, `${name}.`, (p.required as string[]) ?? []));
    const each = p.additionalProperties;
    if (each && typeof each === "object" && (each as Node).properties)
      out.push(...rows(each as Node, root, `${name}.<name>.`, ((each as Node).required as string[]) ?? []));
  }
  return out;
}

export function reference(name: SchemaName): string {
  const schema = readSchema(name);
  return [
    `| key | type | meaning |`,
    `|---|---|---|`,
    ...rows(schema, schema, "", (schema.required as string[]) ?? []),
  ].join("\n");
}

const SECTIONS: SchemaName[] = ["group", "config"];

/** The README with every generated section brought up to date. */
export function updateReadme(text: string): string {
  let out = text;
  for (const name of SECTIONS) {
    const start = `<!-- reference:${name}:start -->`;
    const end = `<!-- reference:${name}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} section`);
    out = `${out.slice(0, a + start.length)}\n${reference(name)}\n${out.slice(b)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2] ?? "README.md";
  writeFileSync(file, updateReadme(readFileSync(file, "utf8")));
}
