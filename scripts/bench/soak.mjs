// Soak: one long editing session through the real server (10,000 edits by default) with the
// server's memory sampled as it goes. Edits are typing-like and hostile alike: characters,
// braces, comment and string openers, deletions that split tokens, whole functions pasted, and
// now and then the whole text replaced. Memory must level off: caches are bounded (function
// results: LRU; trees: deleted as they are replaced).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { positionAt, rng, rssMb, startServer } from './editor.mjs';

const PIECES = [' ', 'a', 'x', ';', '{', '}', '(', ')', '\n', '/*', '*/', '"', 'res->flags = 0;', 'goto out;', '\t'];
const PASTE = '\nstatic int pasted(u64 s)\n{\n\tif (!request_mem_region(s, 4096, "p"))\n\t\treturn -EBUSY;\n\treturn ioremap(s, 4096) ? 0 : -ENOMEM;\n}\n';

export async function benchSoak(tree, rel, { edits = 10_000, samples = 20 } = {}) {
  const file = path.join(tree, rel);
  const original = fs.readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  const { child, conn } = await startServer(pathToFileURL(tree).href);
  const every = Math.max(1, Math.floor(edits / samples));
  const series = [];
  const random = rng(20261122);
  try {
    let text = original;
    let version = 1;
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    series.push({ edits: 0, mb: rssMb(child.pid), ...(await status(conn)) });
    const t0 = performance.now();
    for (let i = 1; i <= edits; i++) {
      let change;
      const r = random();
      if (i % 1000 === 0) {
        // Back to the file as it was (a revert, a branch switch): a full-text change.
        text = original;
        change = { text };
      } else {
        const at = Math.floor(random() * text.length);
        const del = r < 0.4 ? Math.min(text.length - at, 1 + Math.floor(random() * 3)) : 0;
        const ins = r < 0.4 ? '' : r < 0.41 ? PASTE : PIECES[Math.floor(random() * PIECES.length)];
        const start = positionAt(text, at);
        const end = del ? positionAt(text, at + del) : start;
        change = { range: { start, end }, text: ins };
        text = text.slice(0, at) + ins + text.slice(at + del);
      }
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
      await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      if (i % 50 === 0) await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(text, Math.floor(random() * text.length)) });
      if (i % every === 0) series.push({ edits: i, mb: rssMb(child.pid), ...(await status(conn)) });
    }
    const seconds = (performance.now() - t0) / 1000;
    const alive = child.exitCode === null;
    return { file: rel, edits, seconds, alive, series };
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.sendNotification('exit').catch(() => undefined);
    setTimeout(() => child.kill(), 500).unref();
  }
}

/** The server's own account: JS heap in use, external (the grammar's WebAssembly memory), cached results. */
async function status(conn) {
  const s = await conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] });
  return { heap: s.memoryMb.heapUsed, external: s.memoryMb.external, cached: s.cachedFunctions };
}

/** Growth over the second half of the session, in MB per 1,000 edits: ~0 when memory levels off. */
export function secondHalfSlope(series, key = 'mb') {
  const half = series.filter((s) => s.edits >= series[series.length - 1].edits / 2);
  if (half.length < 2) return NaN;
  const n = half.length;
  const mx = half.reduce((a, s) => a + s.edits, 0) / n;
  const my = half.reduce((a, s) => a + s[key], 0) / n;
  const sxy = half.reduce((a, s) => a + (s.edits - mx) * (s[key] - my), 0);
  const sxx = half.reduce((a, s) => a + (s.edits - mx) ** 2, 0);
  return (sxy / sxx) * 1000;
}
