// The layering invariants of ARCHITECTURE.md, checked on the sources.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers';

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push(p);
    }
  };
  walk(path.join(ROOT, dir));
  return out;
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...text.matchAll(/\brequire\(['"]([^'"]+)['"]\)/g)].map((m) => m[1] as string);
}

const rel = (f: string): string => path.relative(ROOT, f);

describe('layers', () => {
  it('model/ imports nothing but itself: no node, editor, LSP or parser', () => {
    for (const f of sources('model/src')) {
      for (const i of imports(f)) expect(i.startsWith('.') && !path.resolve(path.dirname(f), i).includes(`${path.sep}server${path.sep}`), `${rel(f)} imports ${i}`).toBe(true);
    }
  });

  it('only server/src/lsp knows LSP; only client/ knows vscode', () => {
    for (const f of sources('server/src')) {
      for (const i of imports(f)) {
        expect(i === 'vscode' || i.startsWith('vscode-languageclient'), `${rel(f)} imports ${i}`).toBe(false);
        if (i.startsWith('vscode-languageserver')) expect(rel(f).startsWith(path.join('server', 'src', 'lsp')), `${rel(f)} imports ${i}`).toBe(true);
        expect(i.includes('client/'), `${rel(f)} imports ${i}`).toBe(false);
      }
    }
    for (const f of sources('client/src')) {
      for (const i of imports(f)) expect(i.startsWith('.') || i === 'vscode' || i.startsWith('vscode-languageclient') || i.startsWith('node:'), `${rel(f)} imports ${i}`).toBe(true);
    }
  });

  it('only server/src/syntax touches tree-sitter', () => {
    for (const f of sources('server/src')) {
      if (rel(f).startsWith(path.join('server', 'src', 'syntax'))) continue;
      for (const i of imports(f)) expect(i, rel(f)).not.toBe('web-tree-sitter');
    }
  });

  it('keeps modules small', () => {
    for (const f of [...sources('model/src'), ...sources('server/src'), ...sources('client/src')]) {
      const lines = fs.readFileSync(f, 'utf8').split('\n').length;
      expect(lines, `${rel(f)} has ${lines} lines`).toBeLessThanOrEqual(450);
    }
  });
});

describe('manifest', () => {
  it('declares the settings and commands the code uses', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const props = Object.keys(pkg.contributes.configuration.properties);
    expect(props).toEqual(expect.arrayContaining(['iomemLens.kernel.version', 'iomemLens.kernel.arch', 'iomemLens.rules', 'iomemLens.pathBound', 'iomemLens.layout']));
    const commands = pkg.contributes.commands.map((c: { command: string }) => c.command);
    const client = fs.readFileSync(path.join(ROOT, 'client', 'src', 'extension.ts'), 'utf8');
    for (const m of client.matchAll(/registerCommand\('([^']+)'/g)) expect(commands).toContain(m[1]);
  });
});
