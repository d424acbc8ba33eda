// Numbering-plan patterns run over a number's digits, without a string or a RegExp per number.
// libphonenumber's patterns use a small part of regex syntax: digits, \d, classes of digits ([2-9]),
// non-capturing groups, |, ? and {n} / {n,m}. Such a pattern is compiled to an NFA (Thompson's
// construction) and run as a DFA whose states are made as numbers reach them, so a fleet's million
// numbers in a few area codes step through a table a digit at a time. A pattern outside that syntax
// is refused at compile time, and its plan keeps the RegExp (phone.ts).

/** Digits 0-9 as a bit mask per edge; an NFA state has at most one digit edge, and empty edges. */
interface Nfa {
  mask: number[];
  /** where the digit edge goes (-1: none) */
  to: number[];
  empty: number[][];
}

type Node =
  | { kind: "set"; mask: number }
  | { kind: "seq"; items: Node[] }
  | { kind: "alt"; options: Node[] }
  | { kind: "repeat"; node: Node; min: number; max: number };

const ALL_DIGITS = 0x3ff;
/** verdicts: every string matches, none does, some do */
const ALL = 1;
const NONE = 2;
const MIXED = 3;
/** the most digits left a verdict is kept for (a national number has at most 14) */
const MAX_LEFT = 15;
/** past this many DFA states a matcher starts its table again: memory stays bounded on any input */
const MAX_STATES = 20_000;

/** A pattern over digits, matched whole (`full`) or as a prefix of the digits (`prefix`). */
export class DigitPattern {
  private readonly nfa: Nfa;
  private readonly accept: number;
  /** DFA: 10 transitions per state, -1 not yet made; state 0 is the start */
  private next = new Int32Array(0);
  /** 1 where a DFA state accepts */
  private accepting = new Uint8Array(0);
  private sets: number[][] = [];
  private index = new Map<string, number>();
  /** counts the times the table was started again */
  private generation = 0;
  /** per state and digits left (16 each): whether every (ALL), no (NONE) or only some (MIXED)
   * string of that many digits from the state matches; 0 not known yet */
  private verdicts = new Uint8Array(0);
  /** set when working a verdict out started the table again: the pattern is then only walked */
  private walkOnly = false;

  /** Throws when `source` uses syntax outside numbering-plan patterns. */
  constructor(
    source: string,
    private readonly maxStates = MAX_STATES,
  ) {
    const nfa: Nfa = { mask: [], to: [], empty: [] };
    const p = new Parser(source);
    const tree = p.alternation();
    if (!p.done()) throw new Error(`unexpected "${source[p.at]}" at ${p.at}`);
    const start = state(nfa);
    this.accept = build(nfa, tree, start);
    this.nfa = nfa;
    this.reset();
  }

  /** true when digits[from..to) as a whole match; the walk stops as soon as every way the remaining
   * digits could go ends the same (a US number is decided after its area code and one digit more) */
  full(digits: Uint8Array, from: number, to: number): boolean {
    let s = 0;
    const table = this.generation;
    for (let i = from; i < to; i++) {
      if (!this.walkOnly && to - i <= MAX_LEFT) {
        let v = this.verdicts[s * 16 + to - i]!;
        if (v === 0) {
          v = this.verdict(s, to - i);
          // the table started again while it was worked out: `s` is gone, so walk from the start
          if (table !== this.generation) return this.full(digits, from, to);
        }
        if (v === ALL) return true;
        if (v === NONE) return false;
      }
      s = this.move(s, digits[i]!);
      if (s < 0) return false;
    }
    return this.accepting[s] === 1;
  }

  /** true when some prefix of digits[from..to) (the empty one too) matches: RegExp#search(...) === 0 */
  prefix(digits: Uint8Array, from: number, to: number): boolean {
    let s = 0;
    for (let i = from; ; i++) {
      if (this.accepting[s] === 1) return true;
      if (i >= to) return false;
      s = this.move(s, digits[i]!);
      if (s < 0) return false;
    }
  }

  /** the DFA state after digit `d` from state `s`, or -2 when nothing can match any more */
  private move(s: number, d: number): number {
    const t = this.next[s * 10 + d]!;
    return t === -1 ? this.step(s, d) : t;
  }

  /** the DFA state after digit `d` from state `s` (not made yet), or -2 when nothing can match any more */
  private step(s: number, d: number): number {
    const moved: number[] = [];
    for (const n of this.sets[s]!) if ((this.nfa.mask[n]! >> d) & 1) moved.push(this.nfa.to[n]!);
    const table = this.generation;
    const t = moved.length ? this.stateOf(moved) : -2;
    // stateOf may have started the table again: `s` is then gone, and the answer is not stored
    if (table === this.generation) this.next[s * 10 + d] = t;
    return t;
  }

  /** ALL, NONE or MIXED for the strings of `left` digits from state `s` (see verdicts) */
  private verdict(s: number, left: number): number {
    const known = this.verdicts[s * 16 + left]!;
    if (known) return known;
    let v = left === 0 ? (this.accepting[s] === 1 ? ALL : NONE) : 0;
    const table = this.generation;
    for (let d = 0; left > 0 && d < 10 && v !== MIXED; d++) {
      const t = this.move(s, d);
      const w = t < 0 || table !== this.generation ? NONE : this.verdict(t, left - 1);
      if (table !== this.generation) {
        this.walkOnly = true;
        return MIXED;
      }
      v = v === 0 || v === w ? w : MIXED;
    }
    this.verdicts[s * 16 + left] = v;
    return v;
  }

  private reset(): void {
    this.generation++;
    this.next = new Int32Array(64 * 10).fill(-1);
    this.accepting = new Uint8Array(64);
    this.verdicts = new Uint8Array(64 * 16);
    this.sets = [];
    this.index.clear();
    this.stateOf([0]);
  }

  /** the DFA state of the NFA states reachable from `from` by empty edges */
  private stateOf(from: number[]): number {
    const seen = new Set<number>();
    const stack = [...from];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const e of this.nfa.empty[n]!) stack.push(e);
    }
    const set = [...seen].filter((n) => n === this.accept || this.nfa.to[n]! >= 0).sort((a, b) => a - b);
    const key = set.join(",");
    const found = this.index.get(key);
    if (found !== undefined) return found;
    if (this.sets.length >= this.maxStates) {
      this.reset();
      return this.stateOf(from);
    }
    const id = this.sets.length;
    this.sets.push(set);
    this.index.set(key, id);
    if (this.accepting.length <= id) {
      const grown = new Int32Array(this.next.length * 2).fill(-1);
      grown.set(this.next);
      this.next = grown;
      const accepting = new Uint8Array(this.accepting.length * 2);
      accepting.set(this.accepting);
      this.accepting = accepting;
      const verdicts = new Uint8Array(this.verdicts.length * 2);
      verdicts.set(this.verdicts);
      this.verdicts = verdicts;
    }
    this.accepting[id] = seen.has(this.accept) ? 1 : 0;
    return id;
  }
}

function state(nfa: Nfa): number {
  nfa.mask.push(0);
  nfa.to.push(-1);
  nfa.empty.push([]);
  return nfa.mask.length - 1;
}

/** Adds `node` to the NFA starting at state `from`; returns the state it ends in. A node repeated is
 * built once per copy. */
function build(nfa: Nfa, node: Node, from: number): number {
  switch (node.kind) {
    case "set": {
      const end = state(nfa);
      nfa.mask[from] = node.mask;
      nfa.to[from] = end;
      // a state with a digit edge has no other: the next piece starts from a fresh state
      return end;
    }
    case "seq": {
      let at = from;
      for (const item of node.items) at = build(nfa, item, link(nfa, at));
      return at;
    }
    case "alt": {
      const end = state(nfa);
      for (const option of node.options) nfa.empty[build(nfa, option, link(nfa, from))]!.push(end);
      return end;
    }
    case "repeat": {
      let at = from;
      for (let i = 0; i < node.min; i++) at = build(nfa, node.node, link(nfa, at));
      const end = state(nfa);
      for (let i = node.min; i < node.max; i++) {
        nfa.empty[at]!.push(end);
        at = build(nfa, node.node, link(nfa, at));
      }
      nfa.empty[at]!.push(end);
      return end;
    }
  }
}

/** a fresh state reached from `at` by an empty edge */
function link(nfa: Nfa, at: number): number {
  const s = state(nfa);
  nfa.empty[at]!.push(s);
  return s;
}

class Parser {
  at = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.at === this.src.length;
  }

  alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.at] === "|") {
      this.at++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.src.length && this.src[this.at] !== "|" && this.src[this.at] !== ")")
      items.push(this.quantified(this.atom()));
    return { kind: "seq", items };
  }

  private atom(): Node {
    const c = this.src[this.at]!;
    if (c >= "0" && c <= "9") {
      this.at++;
      return { kind: "set", mask: 1 << (c.charCodeAt(0) - 48) };
    }
    if (this.src.startsWith("\\d", this.at)) {
      this.at += 2;
      return { kind: "set", mask: ALL_DIGITS };
    }
    if (c === "[") return this.digitClass();
    if (this.src.startsWith("(?:", this.at)) {
      this.at += 3;
      const inner = this.alternation();
      if (this.src[this.at] !== ")") throw new Error(`unclosed group at ${this.at}`);
      this.at++;
      return inner;
    }
    throw new Error(`unsupported "${c}" at ${this.at}`);
  }

  private digitClass(): Node {
    const close = this.src.indexOf("]", this.at);
    const body = this.src.slice(this.at + 1, close);
    if (close < 0 || !/^(?:\d(?:-\d)?)+$/.test(body)) throw new Error(`unsupported class at ${this.at}`);
    let mask = 0;
    for (const [, lo, hi] of body.matchAll(/(\d)(?:-(\d))?/g))
      for (let d = Number(lo); d <= Number(hi ?? lo); d++) mask |= 1 << d;
    this.at = close + 1;
    return { kind: "set", mask };
  }

  private quantified(node: Node): Node {
    if (this.src[this.at] === "?") {
      this.at++;
      return { kind: "repeat", node, min: 0, max: 1 };
    }
    const m = /^\{(\d+)(?:,(\d+))?\}/.exec(this.src.slice(this.at, this.at + 12));
    if (!m) return node;
    this.at += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : Number(m[2]);
    if (max < min || max > 20) throw new Error(`unsupported repeat ${m[0]}`);
    return { kind: "repeat", node, min, max };
  }
}
