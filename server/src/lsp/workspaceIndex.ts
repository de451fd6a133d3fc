// The workspace's publication index (seed 002), built in the background from raw file text so
// the editor stays responsive on a 60,000-file kernel tree. Open documents add their own
// publications as they are now (analysis/publish.ts viewWithFile()).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PublishIndex, scanPublications } from '../analysis/publish.js';
import { scanFiles, workersAvailable } from '../cli/scan.js';

const SOURCE = /\.[ch]$/;
const IGNORED = new Set(['.git', 'node_modules', '.pc']);
const CONCURRENCY = 16;
const MAX_FILE = 8 << 20;

export interface IndexProgress {
  files: number;
  ms: number;
}

/** Walks `root` without following links and indexes every .c/.h file; never throws. */
/**
 * `index`: the publications that pair (what the analysis looks up); `all`: every publication,
 * by file relative to `root`, which a saved file's replace and pair again (a publisher made
 * plain leaves its readers' findings; a reader that pairs only now gains them).
 */
export async function buildWorkspaceIndex(root: string, signal: { cancelled: boolean }): Promise<{ index: PublishIndex; all: PublishIndex; progress: IndexProgress }> {
  const t0 = performance.now();
  const index = new PublishIndex();
  const queue: string[] = [root];
  const files: string[] = [];
  while (queue.length && !signal.cancelled) {
    const dir = queue.pop() as string;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory() && !IGNORED.has(e.name)) queue.push(path.join(dir, e.name));
      else if (e.isFile() && SOURCE.test(e.name)) files.push(path.join(dir, e.name));
    }
  }
  if (workersAvailable()) {
    // A worker thread reads and scans: on this thread a 60,000-file index took slices between
    // hovers and edits for as long as it ran.
    const results = await scanFiles(files, { settings: {}, root, mode: 'index' }, 1, undefined, signal);
    for (const r of results) index.add((r.pubs ?? []).map((p) => ({ ...p, file: path.relative(root, p.file) })));
  } else {
    await indexHere(files, root, index, signal);
  }
  return { index: index.paired(), all: index, progress: { files: files.length, ms: performance.now() - t0 } };
}

/** Without a worker script (tests on the sources): read and scan here, a file at a time between awaits. */
async function indexHere(files: string[], root: string, index: PublishIndex, signal: { cancelled: boolean }): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !signal.cancelled) {
      const f = files[next++] as string;
      try {
        const st = await fs.stat(f);
        if (st.size > MAX_FILE) continue;
        const text = (await fs.readFile(f)).toString('latin1');
        index.add(scanPublications(text, path.relative(root, f)));
      } catch {
        // unreadable: skip
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}
