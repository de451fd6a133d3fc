// Bundles the extension client, the language server, the CLI and its worker with esbuild,
// and copies the two wasm files they load next to them in dist/.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { __IOMEM_LENS_VERSION__: JSON.stringify(pkg.version) },
  // web-tree-sitter ships ESM and CJS; the CJS build needs no import.meta in a CJS bundle.
  alias: { 'web-tree-sitter': path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.cjs') },
};

const entries = [
  { in: 'client/src/extension.ts', out: 'client', external: ['vscode'] },
  { in: 'server/src/lsp/main.ts', out: 'server' },
  { in: 'server/src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node' },
  { in: 'server/src/cli/worker.ts', out: 'worker' },
];

fs.mkdirSync(dist, { recursive: true });
for (const [from, name] of [
  ['grammars/tree-sitter-c.wasm', 'tree-sitter-c.wasm'],
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'web-tree-sitter.wasm'],
]) fs.copyFileSync(path.join(root, from), path.join(dist, name));

const contexts = await Promise.all(entries.map((e) => esbuild.context({
  ...common,
  entryPoints: [path.join(root, e.in)],
  outfile: path.join(dist, `${e.out}.js`),
  external: e.external ?? [],
  ...(e.banner ? { banner: { js: e.banner } } : {}),
})));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
