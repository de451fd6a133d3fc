// Test helpers: analyze C text with the real parser and engine, and compare findings with
// `expect:` markers written in the fixtures themselves.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTree } from '../server/src/analysis/analyze';
import type { FileAnalysis } from '../server/src/analysis/finding';
import type { AnalysisOptions } from '../server/src/analysis/options';
import { resolveSettings } from '../server/src/settings';
import { buildCfg } from '../server/src/cfg/build';
import type { Cfg } from '../server/src/cfg/types';
import { findFunctions } from '../server/src/syntax/functions';
import { CParser, Tree } from '../server/src/syntax/parser';
import { snapshot } from '../server/src/syntax/snode';

export const ROOT = path.resolve(__dirname, '..');

/** `use` of the tree of `text`, deleted afterwards (also when `use` throws). */
export async function withTree<T>(text: string, use: (tree: Tree) => T): Promise<T> {
  const tree = (await CParser.load()).parse(text);
  if (!tree) throw new Error('parse timed out');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/** The CFG of the first function of `src`. */
export async function cfgOf(src: string): Promise<Cfg> {
  return withTree(src, (tree) => {
    const body = findFunctions(tree, src)[0]?.node.childForFieldName('body');
    if (!body) throw new Error('no function body');
    return buildCfg(snapshot(body, { text: src }));
  });
}

export function options(raw: Record<string, unknown> = {}): AnalysisOptions {
  const r = resolveSettings(raw);
  if (r.problems.length) throw new Error(r.problems.join('\n'));
  return r.options;
}

export async function analyzeSource(text: string, opts: AnalysisOptions = options(), file?: string): Promise<FileAnalysis> {
  return withTree(text, (tree) => analyzeTree(tree, text, opts, undefined, { onError: (fn, e) => { throw new Error(`${fn}: ${String(e)}`); }, ...(file ? { file } : {}) }));
}

/** The path a fixture says it lives at (`iomem-lens-test: file=arch/sparc/mm/tlb.c`). */
export function fixtureFile(text: string): string | undefined {
  return /iomem-lens-test:[^*\n]*\bfile=(\S+)/.exec(text)?.[1];
}

/**
 * Options a fixture asks for in a comment: `iomem-lens-test: kernel=6.1 arch=arm config=DAX=n`.
 */
export function fixtureOptions(text: string): AnalysisOptions {
  const m = /iomem-lens-test:([^*\n]*)/.exec(text);
  if (!m) return options();
  const kernel: Record<string, unknown> = {};
  for (const [, k, v] of (m[1] as string).matchAll(/(\w+)=(\S+)/g)) {
    if (k === 'config') {
      const [sym, val] = (v as string).split('=');
      kernel.config = { ...(kernel.config as object | undefined), [sym as string]: val };
    } else if (k !== 'file') kernel[k === 'kernel' ? 'version' : (k as string)] = v;
  }
  return options({ kernel });
}

/** `// expect: rule-id` (or `/* expect: rule-id *\/`) on the line a finding must be reported. */
export function expectedMarkers(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/expect:\s*([a-z0-9-]+)/g)) out.push(`${i + 1}:${m[1]}`);
  });
  return out.sort();
}

export function reported(a: FileAnalysis): string[] {
  return a.findings.map((f) => `${f.line + 1}:${f.rule}`).sort();
}

export function fixtures(dir: string): { name: string; file: string; text: string }[] {
  const abs = path.join(ROOT, 'test', 'fixtures', dir);
  return fs.readdirSync(abs).filter((f) => f.endsWith('.c')).sort().map((name) => ({
    name, file: path.join(abs, name), text: fs.readFileSync(path.join(abs, name), 'utf8'),
  }));
}

/** The C sources under `dir`, recursively (`.c` and `.h` unless `only` says otherwise). */
export function cFiles(dir: string, only: RegExp = /\.[ch]$/): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? cFiles(p, only) : e.isFile() && only.test(e.name) ? [p] : [];
  });
}

/** Every fixture and example file of the repository. */
export function sampleFiles(): string[] {
  return [...cFiles(path.join(ROOT, 'test', 'fixtures')), ...cFiles(path.join(ROOT, 'examples'))];
}
