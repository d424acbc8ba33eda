// The floor a command is measured against: the least any tool must do with the same input, keeping
// nothing. `yaml` reads and parses every manifest with js-yaml (the parser wagroups uses); `plan`
// does that while it pages the listing from the server and JSON-parses each page, as wagroups does
// (listing requested first, manifests parsed while it is in flight). Prints its peak RSS on exit.
// Usage: node test/bench/floor.mjs yaml|plan DIR [GROUPS]   (plan: WAWP_BASE_URL and friends set)
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const jsYaml = createRequire(import.meta.url)("js-yaml");
const [mode, dir, expected] = process.argv.slice(2);
process.on("exit", () => process.stderr.write(`maxrss ${process.resourceUsage().maxRSS}\n`));

async function parseManifests() {
  const files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".yaml"));
  let values = 0;
  for (const [i, f] of files.entries()) {
    // the same yield as wagroups' loader, so a listing in flight goes on
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    const doc = jsYaml.load(readFileSync(path.join(dir, f), "utf8"), { schema: jsYaml.CORE_SCHEMA });
    values += doc && typeof doc === "object" ? Object.keys(doc).length : 1;
  }
  return values;
}

async function pageListing() {
  const base = process.env.WAWP_BASE_URL;
  const auth = `instance_id=${process.env.WAWP_INSTANCE_ID}&access_token=${process.env.WAWP_ACCESS_TOKEN}`;
  let listed = 0;
  let people = 0;
  for (let offset = 0; ; ) {
    // the pages wagroups asks for: the same size and order, up to the same empty page that ends them
    // (pageSizer in src/wawp/client.ts: at most 500 groups, about 64,000 participants, at least 10)
    const limit = people ? Math.max(10, Math.min(500, Math.floor(64_000 / (people / listed)))) : 500;
    const res = await fetch(`${base}/groups?limit=${limit}&offset=${offset}&sortBy=id&sortOrder=asc&${auth}`);
    const page = JSON.parse(await res.text());
    const groups = Array.isArray(page) ? page : Object.values(page);
    const items = groups.length;
    if (!items) break;
    for (const g of groups) people += Array.isArray(g?.participants) ? g.participants.length : 0;
    offset += items;
    listed += items;
  }
  return listed;
}

if (mode === "yaml") await parseManifests();
else if (mode === "plan") {
  const listing = pageListing();
  await parseManifests();
  const n = await listing;
  if (expected !== undefined && n !== Number(expected)) throw new Error(`listed ${n}, expected ${expected}`);
} else throw new Error(`usage: floor.mjs yaml|plan DIR [GROUPS]`);
