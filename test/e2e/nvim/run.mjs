// Runs Neovim headless as an LSP client of the built server (lsp.lua beside this file) on a
// workspace's kmem.c and checks what it printed: resource-busy-window among the diagnostics,
// BUSY in the hover on request_mem_region(). Used by scripts/e2e/run.mjs; alone:
//   node test/e2e/nvim/run.mjs WORKSPACE_DIR [FILE]
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '..', '..', '..');

/** Returns { ok, output, diagnostics, hover, ms, problems }. */
export function runNvim({ workspace, file = 'drivers/dax/kmem.c', nvim = 'nvim', timeoutMs = 120_000 }) {
  const t0 = Date.now();
  const r = spawnSync(nvim, ['--headless', '--clean', '-c', `luafile ${path.join(here, 'lsp.lua')}`, path.join(workspace, file)], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, IOMEM_LENS_SERVER: path.join(ROOT, 'dist', 'cli.js'), IOMEM_LENS_ROOT: workspace },
  });
  const output = `${r.stdout ?? ''}`;
  const lines = output.split('\n');
  const diagnostics = lines.filter((l) => l.startsWith('DIAG '));
  const hover = lines.filter((l) => l.startsWith('HOVER ')).map((l) => l.slice(6)).join('\n');
  const problems = [];
  if (r.error) problems.push(`nvim: ${r.error.message}`);
  if (r.status !== 0) problems.push(`nvim exited with ${r.status ?? r.signal}${r.stderr ? `: ${r.stderr.trim().slice(0, 500)}` : ''}`);
  for (const l of lines.filter((x) => x.startsWith('FAIL '))) problems.push(l);
  if (!diagnostics.some((l) => / resource-busy-window /.test(l))) problems.push('no resource-busy-window among the diagnostics');
  if (!/BUSY/.test(hover)) problems.push('no BUSY in the hover on request_mem_region');
  if (!/Before:/.test(hover) || !/After:/.test(hover)) problems.push('the hover on request_mem_region shows no resource tree (Before:/After:)');
  if (!lines.includes('DONE')) problems.push('the script did not reach DONE');
  return { ok: problems.length === 0, output, diagnostics, hover, ms: Date.now() - t0, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [workspace, file] = process.argv.slice(2);
  if (!workspace) {
    console.error('usage: node test/e2e/nvim/run.mjs WORKSPACE_DIR [FILE]');
    process.exit(2);
  }
  const r = runNvim({ workspace: path.resolve(workspace), file });
  process.stdout.write(r.output);
  console.log(`${r.ok ? 'PASS' : 'FAIL'} nvim (${r.ms} ms)${r.problems.length ? `: ${r.problems.join('; ')}` : ''}`);
  process.exit(r.ok ? 0 : 1);
}
