// The end-to-end workspace: real kernel files at their paths in the tree, and a top Makefile
// that makes the language server pick the 6.12 profile.
//
//   drivers/dax/kmem.c       from linux-source-6.12 (resource-busy-window, resource-flags-clobber)
//   drivers/nvdimm/pmem.c    from linux-source-6.1  (dax-unwind-unassigned)
//   Makefile                 VERSION = 6, PATCHLEVEL = 12
//
// The files come from the corpus cache of `npm run corpus` ($IOMEM_LENS_CORPUS, default
// ~/.cache/iomem-lens/corpus/linux-source-X), else from Debian's /usr/src/linux-source-X.tar.xz
// (installed with apt-get as scripts/corpus.mjs does when missing; only the one file is
// extracted). When neither can be had, or IOMEM_LENS_E2E_NO_CORPUS=1, the workspace falls back
// to examples/kmem_like.c and the dax-unwind-unassigned fixture, and says so.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, say } from './launch.mjs';

export const CORPUS = process.env.IOMEM_LENS_CORPUS ?? path.join(os.homedir(), '.cache', 'iomem-lens', 'corpus');

export function corpusTree(version) {
  const dir = path.join(CORPUS, `linux-source-${version}`);
  return fs.existsSync(path.join(dir, '.unpacked')) && fs.existsSync(path.join(dir, 'Makefile')) ? dir : undefined;
}

function asRoot(args) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, ...rest] = root ? args : ['sudo', ...args];
  execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** The text of `rel` in Linux `version`, from the corpus cache or Debian's source tarball. */
function kernelFile(version, rel) {
  const tree = corpusTree(version);
  if (tree && fs.existsSync(path.join(tree, rel))) return { text: fs.readFileSync(path.join(tree, rel)), from: path.join(tree, rel) };
  const tarball = `/usr/src/linux-source-${version}.tar.xz`;
  if (!fs.existsSync(tarball)) {
    say(`installing Debian's linux-source-${version} for ${rel}`);
    asRoot(['apt-get', 'update', '-q']);
    asRoot(['apt-get', 'install', '-y', '-q', `linux-source-${version}`]);
  }
  const text = execFileSync('tar', ['-xJOf', tarball, `linux-source-${version}/${rel}`], { maxBuffer: 64 << 20 });
  return { text, from: `${tarball}:linux-source-${version}/${rel}` };
}

/** Writes the workspace into `dir`; returns what it holds and where each file came from. */
export function prepareWorkspace(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const files = { kmem: 'drivers/dax/kmem.c', pmem: 'drivers/nvdimm/pmem.c' };
  let sources;
  let fallback = process.env.IOMEM_LENS_E2E_NO_CORPUS === '1' ? 'IOMEM_LENS_E2E_NO_CORPUS=1' : undefined;
  if (!fallback) {
    try {
      sources = { kmem: kernelFile('6.12', files.kmem), pmem: kernelFile('6.1', files.pmem) };
    } catch (e) {
      fallback = `the kernel sources could not be had (${String(e.message ?? e).split('\n')[0]})`;
    }
  }
  if (fallback) {
    sources = {
      kmem: { text: fs.readFileSync(path.join(ROOT, 'examples', 'kmem_like.c')), from: 'examples/kmem_like.c' },
      pmem: { text: fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'rules', 'dax-unwind-unassigned', 'pos_pmem_6_1.c')), from: 'test/fixtures/rules/dax-unwind-unassigned/pos_pmem_6_1.c' },
    };
  }
  for (const [k, rel] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), sources[k].text);
  }
  fs.writeFileSync(path.join(dir, 'Makefile'), '# iomem-lens end-to-end workspace: the language server reads the kernel version here.\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n');
  const patch = writeFixPatch(dir, files.pmem, sources.pmem.text.toString('utf8'));
  const kmemText = sources.kmem.text.toString('utf8');
  // The call the hover is asked on (and the cursor put in for Simulate): the first
  // request_mem_region( that is code, not a comment.
  const lines = kmemText.split('\n');
  const callLine = lines.findIndex((l) => /^\s*(\w+\s*=\s*)?request_mem_region\(/.test(l));
  if (callLine < 0) throw new Error(`no request_mem_region() call in ${sources.kmem.from}`);
  let probe;
  for (let i = callLine; i >= 0 && !probe; i--) probe = /^(?:static\s+)?int\s+(\w+)\(/.exec(lines[i])?.[1];
  return {
    dir,
    files,
    fallback,
    from: { kmem: sources.kmem.from, pmem: sources.pmem.from },
    requestMemRegion: { line: callLine + 1, column: lines[callLine].indexOf('request_mem_region') + 1 },
    probe,
    patch,
  };
}

/**
 * patches/pmem-fix.patch: the upstream fix of pmem's dax_dev unwind (the assignment moved before
 * dax_add_host()), written against the workspace's pmem.c, for "Review patch...".
 */
function writeFixPatch(dir, rel, text) {
  const lines = text.split('\n');
  const add = lines.findIndex((l) => /^\s*rc = dax_add_host\(/.test(l));
  const assign = lines.findIndex((l, i) => i > add && /^\s*pmem->dax_dev = dax_dev;/.test(l));
  if (add < 0 || assign < 0) throw new Error(`${rel}: no dax_add_host() call followed by the pmem->dax_dev assignment`);
  const from = Math.max(0, add - 3);
  const to = Math.min(lines.length, assign + 4);
  const body = [];
  for (let i = from; i < to; i++) {
    if (i === add) body.push(`+${lines[assign]}`);
    body.push(`${i === assign ? '-' : ' '}${lines[i]}`);
  }
  const n = to - from;
  const patch = [
    'From 3f1a0b1c5d2e4f60718293a4b5c6d7e8f9012345 Mon Sep 17 00:00:00 2001',
    'From: iomem-lens e2e <e2e@iomem-lens.invalid>',
    'Subject: [PATCH] nvdimm/pmem: set pmem->dax_dev before dax_add_host() can fail',
    '', 'The unwind puts pmem->dax_dev, still NULL when dax_add_host() fails.', '---',
    `diff --git a/${rel} b/${rel}`, `--- a/${rel}`, `+++ b/${rel}`,
    `@@ -${from + 1},${n} +${from + 1},${n} @@`, ...body, '-- ', '2.39.5', '',
  ].join('\n');
  const file = path.join(dir, 'patches', 'pmem-fix.patch');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, patch);
  return file;
}
