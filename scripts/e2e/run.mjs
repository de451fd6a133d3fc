// `npm run test:e2e`: the end-to-end tests in real clients.
//
//  1. test-only tooling (scripts/e2e/tools.mjs): Debian's chromium, ripgrep, zip, neovim when
//     missing; code-server and playwright-core in ~/.cache/iomem-lens/e2e (once, then cached);
//  2. the extension packaged with `npm run package` (vsce), installed into a fresh code-server
//     profile in a temporary folder;
//  3. a workspace of real kernel files (scripts/e2e/workspace.mjs), checked first with the CLI;
//  4. VS Code (code-server + Chromium, driven by playwright-core): test/e2e/vscode.e2e.mjs;
//  5. Neovim headless as an LSP client: test/e2e/nvim/.
//
// Prints PASS/FAIL per check and "N passed, N failed" at the end; exits 1 when a check failed.
// Screenshots go to test-results/e2e/, with code-server's and VS Code's logs on a failure.
// Set IOMEM_LENS_E2E_KEEP=1 to keep the temporary folder (profile, workspace, logs).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { vscodeChecks } from '../../test/e2e/vscode.e2e.mjs';
import { runNvim } from '../../test/e2e/nvim/run.mjs';
import { ROOT, copyLogs, extensionErrors, installVsix, makeProfile, openWorkbench, packageExtension, processesMentioning, say, startSession, tempBase } from './launch.mjs';
import { ensureTools } from './tools.mjs';
import { prepareWorkspace } from './workspace.mjs';

const OUT = path.join(ROOT, 'test-results', 'e2e');
const HARD_LIMIT_MS = Number(process.env.IOMEM_LENS_E2E_TIMEOUT_MS ?? 20 * 60_000);
const t0 = Date.now();
const timings = {};
const results = [];
let session;
let base;

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

function record(name, ok, detail, ms) {
  results.push({ name, ok, detail, ms });
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name} (${secs(ms)})${detail ? `\n     ${detail}` : ''}`);
}

async function shot(name) {
  if (!session?.page) return undefined;
  const file = path.join(OUT, `${name}.png`);
  await session.page.screenshot({ path: file }).catch((e) => say(`screenshot ${name} failed: ${e.message}`));
  return file;
}

async function onFailure(name) {
  const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 60);
  const file = await shot(`FAIL-${slug}`);
  if (file) console.log(`     screenshot: ${path.relative(ROOT, file)}`);
}

async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    record(name, true, typeof detail === 'string' ? detail : '', Date.now() - start);
    return true;
  } catch (e) {
    record(name, false, String(e?.message ?? e).split('\n').slice(0, 6).join('\n     '), Date.now() - start);
    await onFailure(name);
    return false;
  }
}

async function timed(label, fn) {
  const start = Date.now();
  const r = await fn();
  timings[label] = Date.now() - start;
  return r;
}

async function cleanup() {
  await session?.close().catch((e) => say(`cleanup: ${e.message}`));
  session = undefined;
}

function summary() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\ne2e timings: ${Object.entries({ ...timings, total: Date.now() - t0 }).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}`);
  console.log(`screenshots: ${path.relative(ROOT, OUT)}/`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    say(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  record('e2e: the whole run finishes in time', false, `still running after ${secs(HARD_LIMIT_MS)}`, Date.now() - t0);
  void cleanup().finally(() => {
    summary();
    process.exit(1);
  });
}, HARD_LIMIT_MS);
watchdog.unref();

async function main() {
  let tools;
  let pkg;
  let ws;
  const toolsOk = await check('setup: test tooling (Debian packages, code-server, playwright-core)', async () => {
    tools = await timed('tools', () => ensureTools());
    const what = tools.installed || tools.aptInstalled.length ? `installed ${[...tools.aptInstalled, ...(tools.installed ? ['code-server', 'playwright-core'] : [])].join(' ')}` : 'all cached';
    return `${what}; ${tools.dir}`;
  });
  if (!toolsOk) return;
  // A failing `npm run package` is a failure, but the editor checks still run on the .vsix that
  // vsce makes directly (packageExtension() says how).
  await check('package: `npm run package` (vsce) writes the .vsix', async () => {
    pkg = await timed('package', () => packageExtension());
    if (pkg.warning) throw new Error(pkg.warning);
    return path.relative(ROOT, pkg.vsix);
  });
  if (!pkg) return;
  const wsOk = await check('setup: workspace of real kernel files (kmem.c of 6.12, pmem.c of 6.1, Makefile 6.12)', async () => {
    base = tempBase('iomem-lens-e2e-');
    ws = await timed('workspace', () => prepareWorkspace(path.join(base, 'workspace')));
    // Neovim gets its own copy: VS Code saves the files a quick fix changes.
    fs.cpSync(ws.dir, path.join(base, 'workspace-nvim'), { recursive: true });
    const notes = [`kmem.c from ${ws.from.kmem}`, `pmem.c from ${ws.from.pmem}`];
    if (ws.fallback) {
      const msg = `the real kernel files could not be had: ${ws.fallback}; falling back to ${ws.from.kmem} and ${ws.from.pmem}`;
      console.log(`NOTE ${msg}`);
      notes.push(`FALLBACK: ${msg}`);
    }
    return notes.join('\n     ');
  });
  if (!wsOk) return;

  // What the CLI says on the workspace: the premise of the editor checks (and their positions).
  let findings = [];
  await check('cli: `iomem-lens check` reports resource-busy-window and resource-flags-clobber in kmem.c, dax-unwind-unassigned in pmem.c', async () => {
    let out;
    try {
      out = execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', ws.files.kmem, ws.files.pmem], { cwd: ws.dir, encoding: 'utf8' });
    } catch (e) {
      if (e.status !== 1) throw e; // 1: findings
      out = e.stdout;
    }
    findings = JSON.parse(out).findings;
    const want = [['resource-busy-window', ws.files.kmem], ['resource-flags-clobber', ws.files.kmem], ['dax-unwind-unassigned', ws.files.pmem]];
    const missing = want.filter(([rule, file]) => !findings.some((f) => f.rule === rule && f.file === file));
    if (missing.length) throw new Error(`missing: ${missing.map((m) => m.join(' in ')).join(', ')}`);
    return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule}`).join(', ');
  });

  // VS Code.
  const vscodeStart = Date.now();
  const failedBefore = results.filter((r) => !r.ok).length;
  const profile = makeProfile(path.join(base, 'vscode'));
  const started = await check('vscode: code-server starts with the .vsix installed into a fresh profile and opens the workspace', async () => {
    const dirs = installVsix(tools, profile, pkg.vsix);
    session = await startSession(tools, profile);
    await openWorkbench(session, ws.dir);
    await shot('00-workbench');
    return `${path.basename(pkg.vsix)} -> ${dirs.map((d) => path.basename(d)).join(', ')}; ${session.url}`;
  });
  const skip = (name, why) => record(name, false, why, 0);
  if (started) await vscodeChecks({ page: session.page, ws, findings, check, skip, shot, diagnose: () => extensionErrors(profile, pkg.id) });
  if (results.filter((r) => !r.ok).length > failedBefore) {
    copyLogs(profile, path.join(OUT, 'logs'));
    console.log(`     logs: ${path.relative(ROOT, path.join(OUT, 'logs'))}/`);
  }
  await cleanup();
  await check('vscode: code-server, the language server and Chromium are stopped', async () => {
    const left = processesMentioning(base);
    if (left.length) throw new Error(`still running: ${left.map((p) => `${p.pid} ${p.cmd.slice(0, 120)}`).join('; ')}`);
  });
  timings.vscode = Date.now() - vscodeStart;

  // Neovim.
  await check(`nvim: diagnostics (resource-busy-window) and the hover on request_mem_region (BUSY) in ${ws.files.kmem}`, async () => {
    const r = await timed('nvim', () => runNvim({ workspace: path.join(base, 'workspace-nvim'), file: ws.files.kmem }));
    fs.writeFileSync(path.join(OUT, 'nvim-output.txt'), r.output);
    if (!r.ok) throw new Error(`${r.problems.join('; ')}\n${r.output.split('\n').slice(0, 20).join('\n')}`);
    const marked = r.hover.split('\n').find((l) => l.includes('◀'));
    return `${r.diagnostics.length} diagnostics (${r.diagnostics.map((d) => d.split(' ').slice(1, 3).join(' ')).join(', ')}); hover: ${marked?.trim() ?? r.hover.split('\n')[0]}`;
  });
}

let code = 1;
try {
  await main();
} catch (e) {
  record('e2e: runner', false, String(e?.stack ?? e), Date.now() - t0);
} finally {
  await cleanup();
  if (base && process.env.IOMEM_LENS_E2E_KEEP !== '1') fs.rmSync(base, { recursive: true, force: true });
  else if (base) console.log(`kept ${base}`);
  code = summary() ? 1 : 0;
}
process.exit(code);
