// YAML parsing that can point at any node by line and column. js-yaml reads every file (ten times
// quicker than `yaml` on a 1,000-manifest fleet, and its syntax errors carry their place); `yaml`'s
// document model is built only to point at a node of a file that has a problem. A differential test
// over the bad-input campaign (test/campaign/yaml-differential.test.ts) holds the two to the same
// value on every document js-yaml accepts, so the positions are those of the value that was checked.
import { createRequire } from "node:module";
import jsYaml from "js-yaml";
import type { LineCounter, Node, Document as YamlDocument } from "yaml";
import type { Located } from "../errors.js";

// `yaml` loads only when a file needs positions
const require = createRequire(import.meta.url);
const yamlLib = () => require("yaml") as typeof import("yaml");

/** Values a group manifest may hold once aliases are expanded: 1,024 people and a few dozen keys
 * fit in a fraction; an alias bomb or a megabyte of keys does not. */
export const MAX_NODES = 10_000;

export interface ParsedYaml {
  file: string;
  value: unknown;
  problems: Located[];
  /** the document with positions, parsed on first use */
  positions(): { doc: YamlDocument.Parsed; lines: LineCounter };
}

export interface ParseLimits {
  /** values in the document, counting each use of an alias as a copy */
  maxNodes?: number;
}

/** Parse one YAML file; problems come back located, never thrown. */
export function parseYaml(file: string, source: string, limits: ParseLimits = {}): ParsedYaml {
  // a BOM is legal at the start of a YAML stream but trips the first key's name
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let positions: ReturnType<ParsedYaml["positions"]> | undefined;
  const full = () => {
    if (!positions) positions = documentOf(text);
    return positions;
  };
  const fail = (line: number, column: number, message: string): ParsedYaml => ({
    file,
    value: null,
    problems: [{ file, line, column, message: `YAML: ${message}` }],
    positions: full,
  });
  let value: unknown;
  try {
    value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, json: false }) ?? null;
  } catch (e) {
    const err = e as { reason?: string; mark?: { line: number; column: number }; message?: string };
    // the reason only: js-yaml's message quotes the surrounding lines
    const reason = err.reason ?? firstLine(String(err.message ?? e));
    return fail((err.mark?.line ?? 0) + 1, (err.mark?.column ?? 0) + 1, reason);
  }
  const max = limits.maxNodes ?? MAX_NODES;
  // without an alias ("*") each value takes at least one character of the text, so a text shorter
  // than the budget cannot hold more values than it: most manifests need no count
  if ((text.length >= max || text.includes("*")) && countsMoreThan(value, max))
    return fail(
      1,
      1,
      `the document holds more than ${max.toLocaleString("en-US")} values (aliases counted as copies); a manifest needs far fewer`,
    );
  return { file, value, problems: [], positions: full };
}

/** The same document with positions, from `yaml`. Only ever built for a document js-yaml accepted,
 * whose keys are therefore unique: `uniqueKeys` would make it quadratic in the number of keys. */
export function documentOf(text: string): { doc: YamlDocument.Parsed; lines: LineCounter } {
  const { LineCounter, parseDocument } = yamlLib();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  return { doc, lines };
}

/** Counts values depth-first with a budget, so an alias bomb costs `max` steps, not its expansion. */
function countsMoreThan(root: unknown, max: number): boolean {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (++count > max) return true;
    if (v !== null && typeof v === "object") {
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else for (const k in v) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return false;
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).trim();
}

export interface Position {
  line: number;
  column: number;
}

/** Where the node at `path` starts; falls back to its nearest existing ancestor. */
export function positionOf(p: ParsedYaml, path: (string | number)[], key = false): Position {
  const { doc, lines } = p.positions();
  const { isMap, isPair, isScalar, isSeq } = yamlLib();
  const startOf = (node: unknown): Position | undefined => {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const at = lines.linePos(range[0]);
    return { line: at.line, column: at.col };
  };
  let node: unknown = doc.contents;
  let best: Position = startOf(node) ?? { line: 1, column: 1 };
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg),
      );
      if (!pair) break;
      const keyPos = startOf(pair.key);
      node = pair.value;
      best = (key ? keyPos : (startOf(node) ?? keyPos)) ?? best;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
      best = startOf(node) ?? best;
    } else {
      break;
    }
  }
  return best;
}

export function locate(
  p: ParsedYaml,
  path: (string | number)[],
  message: string,
  opts: { key?: boolean } = {},
): Located {
  const at = positionOf(p, path, opts.key);
  return { file: p.file, line: at.line, column: at.column, message };
}
