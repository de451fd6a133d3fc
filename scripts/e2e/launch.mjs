// Starts a real VS Code for the end-to-end tests and the measurements: code-server with a fresh
// profile in a temporary folder, the packaged extension installed into it, and Debian's
// Chromium driven by playwright-core (shared/REAL-VSCODE.md). Everything started here is
// stopped by `session.close()`, also when a step fails.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlaywright } from './tools.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// Flags from REAL-VSCODE.md: without the networking ones Chromium keeps trying hosts this
// machine cannot reach.
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function say(msg) {
  process.stderr.write(`e2e: ${msg}\n`);
}

/** Polls `fn` until it returns a truthy value; throws `what` after `timeout` ms. */
export async function until(what, fn, { timeout = 30_000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${last.message ?? last})` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Packages the extension with `npm run package` (vsce) and returns the .vsix path. Should that
 * fail, packages the production build that it left with vsce directly, with base URLs for the
 * README's relative links (vsce refuses them when the repository is not on a known host), and
 * says so in `warning`.
 */
export function packageExtension() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  fs.rmSync(vsix, { force: true });
  let warning;
  try {
    const out = execFileSync('npm', ['run', '-s', 'package'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    say(out.split('\n').filter((l) => /^packaged /.test(l)).join(' ') || 'packaged');
  } catch (e) {
    const why = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.split('\n').find((l) => /ERROR/.test(l))?.trim() ?? e.message.split('\n')[0];
    warning = `\`npm run package\` failed: ${why}; packaged with vsce and --baseContentUrl instead`;
    const repo = (typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url ?? 'https://example.invalid/iomem-lens').replace(/\.git$/, '');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository',
      '--skip-license', '--baseContentUrl', `${repo}/blob/main`, '--baseImagesUrl', `${repo}/raw/main`, '-o', vsix], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    // As scripts/package.mjs does: leave the development build in place.
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  if (!fs.existsSync(vsix)) throw new Error(`packaging did not write ${vsix}`);
  return { vsix, id: `${pkg.publisher}.${pkg.name}`, version: pkg.version, warning };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A fresh VS Code profile under `base`: XDG folders, user data with settings, extensions. */
export function makeProfile(base, settings = {}) {
  const p = {
    base,
    config: path.join(base, 'xdg-config'),
    data: path.join(base, 'xdg-data'),
    userData: path.join(base, 'user-data'),
    extensions: path.join(base, 'extensions'),
    browser: path.join(base, 'chromium-profile'),
    log: path.join(base, 'code-server.log'),
  };
  for (const d of [p.config, p.data, path.join(p.userData, 'User'), p.extensions, p.browser]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(p.userData, 'User', 'settings.json'), `${JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'editor.hover.delay': 200,
    ...settings,
  }, null, 2)}\n`);
  return p;
}

function codeServerEnv(profile) {
  return { ...process.env, XDG_CONFIG_HOME: profile.config, XDG_DATA_HOME: profile.data, XDG_CACHE_HOME: path.join(profile.base, 'xdg-cache') };
}

function profileArgs(profile) {
  return ['--user-data-dir', profile.userData, '--extensions-dir', profile.extensions];
}

export function installVsix(tools, profile, vsix) {
  const out = execFileSync(process.execPath, [tools.codeServer, ...profileArgs(profile), '--install-extension', vsix], {
    env: codeServerEnv(profile), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!/was successfully installed/.test(out)) throw new Error(`code-server --install-extension ${vsix}: ${out.trim()}`);
  const dirs = fs.readdirSync(profile.extensions).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  return dirs.map((d) => path.join(profile.extensions, d));
}

/** The pids of live processes whose command line mentions `needle` (our temporary folder). */
export function processesMentioning(needle) {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) out.push({ pid: Number(d), cmd: cmd.trim() });
    } catch {
      // gone
    }
  }
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts code-server on a free loopback port and Chromium on it. `session.close()` stops both
 * (code-server's whole process group, then anything left whose command line names the profile).
 */
export async function startSession(tools, profile, { viewport = { width: 1600, height: 1000 } } = {}) {
  const port = await freePort();
  const logFd = fs.openSync(profile.log, 'a');
  const server = spawn(process.execPath, [tools.codeServer, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...profileArgs(profile)], {
    env: codeServerEnv(profile), stdio: ['ignore', logFd, logFd], detached: true,
  });
  fs.closeSync(logFd);
  let exited = null;
  server.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const session = { port, server, profile, context: undefined, page: undefined, url: `http://127.0.0.1:${port}` };
  let closed = false;
  session.close = async () => {
    if (closed) return;
    closed = true;
    try {
      await session.context?.close();
    } catch {
      // already gone
    }
    if (exited === null && server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await until('code-server to stop', () => exited !== null || !alive(server.pid), { timeout: 10_000 }).catch(() => {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      });
    }
    // The extension host and the language server may have left the group: stop what names our
    // profile, by pid.
    for (let round = 0; round < 2; round++) {
      const left = processesMentioning(profile.base);
      if (left.length === 0) break;
      for (const p of left) {
        try {
          process.kill(p.pid, round === 0 ? 'SIGTERM' : 'SIGKILL');
        } catch {
          // gone
        }
      }
      await until('leftover processes to stop', () => left.every((p) => !alive(p.pid)), { timeout: 5_000 }).catch(() => undefined);
    }
  };
  try {
    await until('code-server /healthz', async () => {
      if (exited) throw new Error(`code-server exited (${JSON.stringify(exited)}); see ${profile.log}`);
      const r = await fetch(`${session.url}/healthz`).catch(() => undefined);
      return r?.ok;
    }, { timeout: 60_000, interval: 200 });
    // A persistent context on a fresh folder of the profile: Chromium's command line names the
    // profile, so close() finds it even if playwright could not stop it.
    const { chromium } = loadPlaywright(tools);
    session.context = await chromium.launchPersistentContext(profile.browser, {
      executablePath: tools.chromium, headless: true, args: CHROMIUM_FLAGS, viewport,
    });
    session.page = session.context.pages()[0] ?? await session.context.newPage();
  } catch (e) {
    await session.close();
    throw e;
  }
  return session;
}

/** Opens the workbench on `folder` and waits for it. */
export async function openWorkbench(session, folder, { timeout = 60_000 } = {}) {
  const { page } = session;
  await page.goto(`${session.url}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout });
  // The explorer shows the folder once the remote file system answers.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout });
}

/** Opens a workspace file with Quick Open and waits for its editor; returns when Enter was pressed. */
export async function openFile(page, rel, { timeout = 30_000 } = {}) {
  const name = path.basename(rel);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(rel);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
  const opened = Date.now();
  // With an editor group beside (the simulation), the file can be the active tab of both.
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).first().waitFor({ timeout });
  await page.locator('.editor-instance .monaco-editor .view-lines .view-line').first().waitFor({ timeout });
  return opened;
}

/** Moves the active editor's cursor with Go to Line (1-based line and column). */
export async function goToLine(page, line, column = 1, { timeout = 10_000 } = {}) {
  await page.locator('.editor-instance .monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout });
  await until(`the cursor at ${line}:${column}`, async () => {
    const texts = await page.$$eval('.statusbar-item', (els) => els.map((e) => e.textContent ?? ''));
    // The status bar counts columns visually (a tab is several): check the line only.
    return texts.some((t) => new RegExp(`^Ln ${line}, Col \\d+`).test(t.trim()));
  }, { timeout });
}

/** Runs a palette command by its title (F1, the title, Enter). */
export async function runCommand(page, title, { timeout = 15_000 } = {}) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused', { hasText: title.replace(/^.*?: /, '') }).first().waitFor({ timeout });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout });
}

/** Every log file under the profile's VS Code logs folder whose path matches `re`. */
export function findLogs(profile, re) {
  const out = [];
  const walk = (d) => {
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (re.test(p)) out.push(p);
    }
  };
  walk(path.join(profile.userData, 'logs'));
  return out;
}

/** What the extension host logged about the extension failing (first lines of each error). */
export function extensionErrors(profile, id) {
  const out = [];
  for (const f of findLogs(profile, /(remoteexthost|exthost)\.log$|iomem-lens\.log$/)) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    lines.forEach((l, i) => {
      if (/\[error\]/.test(l) && (l.includes(id) || f.endsWith('iomem-lens.log'))) out.push(`${path.basename(f)}: ${l.trim()} ${(lines[i + 1] ?? '').trim()}`);
    });
  }
  return [...new Set(out)].slice(0, 4).join('\n');
}

/** Copies code-server's own log and VS Code's logs folder into `dest`. */
export function copyLogs(profile, dest) {
  fs.mkdirSync(dest, { recursive: true });
  if (fs.existsSync(profile.log)) fs.copyFileSync(profile.log, path.join(dest, 'code-server.log'));
  const logs = path.join(profile.userData, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dest, 'vscode-logs'), { recursive: true });
}

export function tempBase(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
