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
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const VERSIONS = ['6.1', '6.12'];
const cache = process.env.IOMEM_LENS_CORPUS ?? path.join(os.homedir(), '.cache', 'iomem-lens', 'corpus');

function say(msg) {
  process.stderr.write(`corpus: ${msg}\n`);
}

function sudo(args) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const cmd = asRoot ? args[0] : 'sudo';
  const rest = asRoot ? args.slice(1) : args;
  execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function ensureTree(version) {
  const dir = path.join(cache, `linux-source-${version}`);
  if (fs.existsSync(path.join(dir, 'Makefile')) && fs.existsSync(path.join(dir, '.unpacked'))) return dir;
  const tarball = `/usr/src/linux-source-${version}.tar.xz`;
  if (!fs.existsSync(tarball)) {
    say(`installing Debian's linux-source-${version} with apt-get`);
    sudo(['apt-get', 'update', '-q']);
    sudo(['apt-get', 'install', '-y', '-q', `linux-source-${version}`]);
  }
  if (!fs.existsSync(tarball)) throw new Error(`${tarball} is missing after installing linux-source-${version}`);
  say(`unpacking ${tarball} into ${cache}`);
  fs.mkdirSync(cache, { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  execFileSync('tar', ['-xf', tarball, '-C', cache], { stdio: 'inherit' });
  fs.writeFileSync(path.join(dir, '.unpacked'), `${new Date().toISOString()}\n`);
  return dir;
}

const trees = Object.fromEntries(VERSIONS.map((v) => [v, ensureTree(v)]));
say(`trees: ${Object.values(trees).join(', ')}`);
if (!fs.existsSync(path.join(root, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.corpus.mts', ...process.argv.slice(2)], {
  cwd: root, stdio: 'inherit', env: { ...process.env, IOMEM_LENS_CORPUS_TREES: JSON.stringify(trees) },
});
process.exit(r.status ?? 1);
