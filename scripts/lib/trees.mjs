// The kernel trees the corpus tests and the benchmark run on: Debian's linux-source packages,
// installed with apt-get when missing and unpacked once into a cache folder
// ($IOMEM_LENS_CORPUS, default ~/.cache/iomem-lens/corpus/linux-source-<version>/).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const VERSIONS = ['6.1', '6.12'];
const cache = process.env.IOMEM_LENS_CORPUS ?? path.join(os.homedir(), '.cache', 'iomem-lens', 'corpus');

export function say(msg) {
  process.stderr.write(`corpus: ${msg}\n`);
}

function sudo(args) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const cmd = asRoot ? args[0] : 'sudo';
  const rest = asRoot ? args.slice(1) : args;
  execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

export function ensureTree(version) {
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

