// The one place that loads tree-sitter and the C grammar. Positions and indices are UTF-16
// code units (web-tree-sitter parses JS strings), the unit LSP uses by default.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Edit, Language, Parser, Tree } from 'web-tree-sitter';
import type { ParseOptions, Range } from 'web-tree-sitter';
import { lineOf, lineStarts } from './lines.js';
import { maskKernelMacros } from './macros.js';
import { enableRawCursors } from './cursor.js';

export type { Edit, Tree, Node as TSNode, Point } from 'web-tree-sitter';

const GRAMMAR = 'tree-sitter-c.wasm';
const RUNTIME = 'web-tree-sitter.wasm';

/**
 * Where the wasm files are: beside the bundle (dist/), or in the source tree when the code
 * runs unbundled under the test runner.
 */
function findFile(name: string): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [
    path.join(here, name),
    path.join(here, '..', '..', '..', 'grammars', name),
    path.join(here, '..', 'grammars', name),
    path.join(process.cwd(), 'grammars', name),
    path.join(process.cwd(), 'node_modules', 'web-tree-sitter', name),
    path.join(here, '..', '..', '..', 'node_modules', 'web-tree-sitter', name),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`iomem-lens: cannot find ${name} (looked in ${candidates.join(', ')})`);
  return found;
}

/** What the direct cursor is checked on at load: fields, nesting, an error and a missing node, non-ASCII text. */
const CURSOR_SAMPLE = 'static int f(struct s *p, int n)\n{\n\t/* é */ if (p->a[n] > 1) { return g(n, "ü"; }\n\tstruct s x = { .a = { 1 } };\n}\n';

export interface ParseLimits {
  /** Give up parsing after this many milliseconds; the caller reports the file as skipped. */
  timeoutMs?: number;
  /**
   * Parse only these stretches of the text (offsets, in order, disjoint): the tree has nodes
   * for them alone, at their offsets in the whole text.
   */
  ranges?: readonly { start: number; end: number }[];
}

export class CParser {
  private constructor(private readonly parser: Parser) {}

  private static loading: Promise<CParser> | undefined;
  private static instance: CParser | undefined;

  /** The parser if it has finished loading (code that runs on a parsed tree can rely on it). */
  static loaded(): CParser | undefined {
    return CParser.instance;
  }

  /** Loads the wasm runtime and grammar once per process. */
  static load(): Promise<CParser> {
    CParser.loading ??= (async () => {
      const runtime = findFile(RUNTIME);
      // Parser.init() builds the wasm module on this object (cursor.ts calls it directly).
      const module = { locateFile: () => runtime };
      await Parser.init(module);
      const language = await Language.load(fs.readFileSync(findFile(GRAMMAR)));
      const parser = new Parser();
      parser.setLanguage(language);
      const sample = parser.parse(CURSOR_SAMPLE);
      try {
        if (sample) enableRawCursors(module, sample.rootNode);
      } finally {
        sample?.delete();
      }
      CParser.instance = new CParser(parser);
      return CParser.instance;
    })();
    return CParser.loading;
  }

  /**
   * Parses `text` (with kernel annotation macros masked, see macros.ts), reusing `old`
   * (already edited to match) when given. Returns undefined only when the time limit was hit.
   * Tree-sitter never fails on bad input: it returns ERROR nodes.
   */
  parse(text: string, old?: Tree, limits: ParseLimits = {}): Tree | undefined {
    return this.parseMasked(maskKernelMacros(text), old, limits);
  }

  /** parse() of a text whose macros are already masked (the editor keeps its documents' masked text up to date). */
  parseMasked(masked: string, old?: Tree, limits: ParseLimits = {}): Tree | undefined {
    const deadline = limits.timeoutMs ? performance.now() + limits.timeoutMs : undefined;
    // Returning true from the progress callback cancels the parse.
    const options: ParseOptions = {};
    if (deadline !== undefined) options.progressCallback = () => performance.now() > deadline;
    if (limits.ranges?.length) options.includedRanges = includedRanges(masked, limits.ranges);
    const tree = this.parser.parse(masked, old ?? null, options);
    if (!tree) this.parser.reset();
    return tree ?? undefined;
  }
}

export interface TextPoint {
  row: number;
  column: number;
}

/**
 * The tree-sitter edit for replacing [start, oldEnd) with `inserted`, given the points of
 * both ends (LSP positions are the same points: lines and UTF-16 columns).
 */
export function makeEdit(start: number, oldEnd: number, startPosition: TextPoint, oldEndPosition: TextPoint, inserted: string): Edit {
  const lines = inserted.split('\n');
  const newEndPosition = lines.length === 1
    ? { row: startPosition.row, column: startPosition.column + inserted.length }
    : { row: startPosition.row + lines.length - 1, column: (lines[lines.length - 1] as string).length };
  return new Edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: start + inserted.length, startPosition, oldEndPosition, newEndPosition });
}

/** Tree-sitter's ranges (offsets and rows/columns, UTF-16 units as web-tree-sitter counts a JS string). */
function includedRanges(text: string, ranges: readonly { start: number; end: number }[]): Range[] {
  const starts = lineStarts(text);
  const point = (o: number): { row: number; column: number } => {
    const row = lineOf(starts, o);
    return { row, column: o - (starts[row] as number) };
  };
  return ranges.map((r) => ({ startIndex: r.start, endIndex: r.end, startPosition: point(r.start), endPosition: point(r.end) }));
}
