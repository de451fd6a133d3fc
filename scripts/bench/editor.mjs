// Editor latency through the real language server over stdio: time from didChange to the answer
// of a diagnostic pull, hover times, first open; the floor is an incremental tree-sitter reparse
// of the same edit, measured in this process. Also the server's memory with many open files.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Edit, Language, Parser } from 'web-tree-sitter';
import rpc from 'vscode-jsonrpc/node';
import { percentile } from './util.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** The Node options editors start the server with (package.json's iomemLens.serverNodeArgs, as the VS Code extension does). */
export const SERVER_NODE_ARGS = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).iomemLens?.serverNodeArgs ?? [];

export async function startServer(rootUri) {
  const child = spawn(process.execPath, [...SERVER_NODE_ARGS, path.join(root, 'dist', 'cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  // The server indexes the workspace's publications in the background and logs when done.
  let indexed;
  const index = new Promise((resolve) => { indexed = resolve; });
  conn.onNotification((method, params) => {
    const m = method === 'window/logMessage' ? /indexed (\d+) files for publications in (\d+) ms/.exec(params?.message ?? '') : null;
    if (m) indexed({ files: Number(m[1]), ms: Number(m[2]) });
  });
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri, capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  return { child, conn, index };
}

export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export function positionAt(text, offset) {
  let line = 0;
  let last = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i + 1;
  }
  return { line, character: offset - last };
}

/** A deterministic PRNG so runs are comparable. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** The editor goal: diagnostics p95 at most this many times the reparse floor's p95. */
export const GOAL_X_FLOOR = 2.5;

export async function benchEditor(tree, files, { edits }) {
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(fs.readFileSync(path.join(root, 'grammars', 'tree-sitter-c.wasm'))));
  const { child, conn, index } = await startServer(pathToFileURL(tree).href);
  const rows = [];
  try {
    // Edits are timed once the background index is built: it competes for the two cores while
    // it runs (a few seconds after the editor opens a tree), and its time is reported apart.
    const built = await Promise.race([index, new Promise((resolve) => setTimeout(() => resolve(undefined), 120_000).unref())]);
    rows.index = built;
    for (const rel of files) {
      const file = path.join(tree, rel);
      if (!fs.existsSync(file)) continue;
      const uri = pathToFileURL(file).href;
      let text = fs.readFileSync(file, 'utf8');
      let t = performance.now();
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      const open = performance.now() - t;
      let local = parser.parse(text);
      const random = rng(rel.length * 7919);
      const diag = [];
      const floor = [];
      let version = 1;
      for (let i = 0; i < edits; i++) {
        // Insert a space at a random offset, then take it out again: the file stays the same.
        const insert = i % 2 === 0;
        const at = insert ? Math.floor(random() * text.length) : floor.at;
        const pos = positionAt(text, at);
        const change = insert ? { range: { start: pos, end: pos }, text: ' ' } : { range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '' };
        const next = insert ? text.slice(0, at) + ' ' + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
        t = performance.now();
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
        await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
        diag.push(performance.now() - t);
        // The floor: the same edit as an incremental reparse here.
        const p0 = { row: pos.line, column: pos.character };
        t = performance.now();
        local.edit(new Edit({ startIndex: at, oldEndIndex: insert ? at : at + 1, newEndIndex: insert ? at + 1 : at,
          startPosition: p0, oldEndPosition: insert ? p0 : { row: pos.line, column: pos.character + 1 }, newEndPosition: insert ? { row: pos.line, column: pos.character + 1 } : p0 }));
        const reparsed = parser.parse(next, local);
        floor.push(performance.now() - t);
        floor.at = at;
        local.delete();
        local = reparsed;
        text = next;
      }
      local.delete();
      // The server's own part of those edits (from the change to the answer, inside it).
      const status = await conn.sendRequest('workspace/executeCommand', { command: 'iomem-lens.server.status', arguments: [] });
      const inside = status?.editLatencyMs?.[rel] ?? Object.values(status?.editLatencyMs ?? {})[0];
      // Hovers on identifiers spread over the file.
      const hovers = [];
      const ids = [...text.matchAll(/\b(?:request_mem_region|release_resource|res|pfn_valid|SZ_\w+|add_memory\w*|[a-z_]{4,})\b/g)];
      for (let i = 0; i < Math.min(100, ids.length); i++) {
        const m = ids[Math.floor((i * ids.length) / Math.min(100, ids.length))];
        t = performance.now();
        await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionAt(text, m.index + 1) });
        hovers.push(performance.now() - t);
      }
      await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      rows.push({
        file: rel, kib: fs.statSync(file).size / 1024, open,
        diagP50: percentile(diag, 50), diagP95: percentile(diag, 95), floorP50: percentile(floor, 50), floorP95: percentile(floor, 95),
        hoverP50: percentile(hovers, 50), hoverP95: percentile(hovers, 95),
        serverP50: inside?.p50 ?? NaN, serverP95: inside?.p95 ?? NaN,
        // The goal's margin: the p95 of 200 is the 191st fastest, so it is within 2.5 × the
        // floor's p95 while at most 9 edits are slower than that.
        overGoal: diag.filter((d) => d > GOAL_X_FLOOR * percentile(floor, 95)).length, edits: diag.length,
      });
    }
    return rows;
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.sendNotification('exit').catch(() => undefined);
    setTimeout(() => child.kill(), 500).unref();
  }
}

/** The server's RSS with `files` open (and analyzed). */
export async function benchServerMemory(tree, files) {
  const { child, conn } = await startServer(pathToFileURL(tree).href);
  try {
    const before = rssMb(child.pid);
    for (const rel of files) {
      const uri = pathToFileURL(path.join(tree, rel)).href;
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: fs.readFileSync(path.join(tree, rel), 'utf8') } });
      await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    }
    return { idleMb: before, openMb: rssMb(child.pid), files: files.length };
  } finally {
    await conn.sendRequest('shutdown').catch(() => undefined);
    conn.sendNotification('exit').catch(() => undefined);
    setTimeout(() => child.kill(), 500).unref();
  }
}
