// Builds a production bundle and packages the extension as a .vsix with @vscode/vsce.
// Prints the size; the file list is pinned by test/package.test.ts through `vsce ls`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
// The README links to docs/rules/*.md relatively; vsce needs a base to rewrite them for the
// extension's details page (the repository is not on a forge it knows).
const base = (pkg.repository?.url ?? 'https://example.invalid/iomem-lens').replace(/\.git$/, '');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license',
  '--baseContentUrl', `${base}/blob/main/`, '--baseImagesUrl', `${base}/raw/main/`, '-o', out], { cwd: root, stdio: 'inherit' });
const size = fs.statSync(out).size;
console.log(`packaged ${path.relative(root, out)}: ${(size / 1024).toFixed(0)} KiB`);
// Leave the development build (with source maps) in place for tests and debugging.
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
