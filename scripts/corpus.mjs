// Fetches Debian's linux-source-6.1 and linux-source-6.12 (apt-get), unpacks them into a cache
// folder, and runs the corpus tests (test/corpus/) against them.
//
//   npm run corpus                      # fetch if needed, then test
//   IOMEM_LENS_CORPUS=/path npm run corpus
//
// The cache folder is $IOMEM_LENS_CORPUS, default ~/.cache/iomem-lens/corpus. Each tree lands
// in <cache>/linux-source-<version>/ and is reused on later runs.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { VERSIONS, ensureTree, say } from './lib/trees.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const trees = Object.fromEntries(VERSIONS.map((v) => [v, ensureTree(v)]));
say(`trees: ${Object.values(trees).join(', ')}`);
if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.corpus.mts', ...process.argv.slice(2)], {
  cwd: root, stdio: 'inherit', env: { ...process.env, IOMEM_LENS_CORPUS_TREES: JSON.stringify(trees) },
});
process.exit(r.status ?? 1);
