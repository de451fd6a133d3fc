// The .vsix holds only what the extension needs at run time: the bundles, the grammar and
// runtime wasm, the rule docs the diagnostics link to, the README, the license and the manifest.
// `vsce ls` lists exactly what `vsce package` (npm run package) puts in the archive.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../server/src/rules/index';
import { ROOT } from './helpers';

const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICENSE$/, /^dist\/[\w-]+\.js$/, /^dist\/[\w-]+\.wasm$/, /^docs\/rules\/[a-z0-9-]+\.md$/];

describe('packaged extension', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  const files = r.stdout.split('\n').filter(Boolean).sort();

  it('lists its files', () => {
    expect(r.status, r.stderr).toBe(0);
  });

  it('contains nothing but run-time files: no sources, maps, tests, fixtures or node_modules', () => {
    expect(files.filter((f) => !ALLOWED.some((re) => re.test(f)))).toEqual([]);
  });

  it('contains everything the extension loads and every rule page a diagnostic links to', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    for (const f of [pkg.main.replace(/^\.\//, ''), 'dist/server.js', 'dist/cli.js', 'dist/worker.js', 'dist/tree-sitter-c.wasm', 'dist/web-tree-sitter.wasm']) expect(files).toContain(f);
    for (const rule of RULES) expect(files).toContain(`docs/rules/${rule.meta.id}.md`);
  });

  it('keeps the bundles small enough to load fast (under 8 MiB in all, unminified)', () => {
    const total = files.reduce((n, f) => n + fs.statSync(path.join(ROOT, f)).size, 0);
    expect(total).toBeLessThan(8 << 20);
  });
});
