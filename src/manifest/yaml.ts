// YAML parsing that keeps a line and column for every node, so each problem can be pointed at.
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type Document as YamlDocument,
} from "yaml";
import type { Located } from "../errors.js";

export interface ParsedYaml {
  file: string;
  doc: YamlDocument.Parsed;
  lines: LineCounter;
  value: unknown;
  problems: Located[];
}

/** Parse one YAML file; syntax problems come back located, never thrown. */
export function parseYaml(file: string, source: string): ParsedYaml {
  const lines = new LineCounter();
  // a BOM is legal at the start of a YAML stream but trips the first key's name
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
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
  return { file, doc, lines, value, problems };
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
  let node: unknown = p.doc.contents;
  let best: Position = startOf(p, node) ?? { line: 1, column: 1 };
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg),
      );
      if (!pair) break;
      const keyPos = startOf(p, pair.key);
      node = pair.value;
      best = (key ? keyPos : (startOf(p, node) ?? keyPos)) ?? best;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
      best = startOf(p, node) ?? best;
    } else {
      break;
    }
  }
  return best;
}

function startOf(p: ParsedYaml, node: unknown): Position | undefined {
  const range = (node as Node | null | undefined)?.range;
  if (!range) return undefined;
  const at = p.lines.linePos(range[0]);
  return { line: at.line, column: at.col };
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
