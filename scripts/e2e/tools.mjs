// Test-only tooling for the end-to-end tests, kept out of the extension's dependencies:
//
// - Debian packages chromium, ripgrep, zip and neovim, installed with apt-get only when one is
//   missing (apt-get update runs first then, and only then);
// - code-server (VS Code in the browser) and playwright-core, installed with npm into a cache
//   folder of their own, following shared/REAL-VSCODE.md (scripts off, then the native modules
//   built from source and the links that code-server's own install scripts would make).
//
// The npm part lands in $IOMEM_LENS_E2E_TOOLS (default ~/.cache/iomem-lens/e2e) under a folder
// named after the versions and Node's ABI, and a stamp file written last marks it complete: a
// later run that finds the stamp does nothing, an interrupted install is wiped and redone.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
// The version the machine's probe drove Debian's Chromium with.
export const PLAYWRIGHT_VERSION = '1.64.1';
export const CHROMIUM = '/usr/bin/chromium';

const APT = [
  { pkg: 'chromium', bin: 'chromium' },
  { pkg: 'ripgrep', bin: 'rg' },
  { pkg: 'zip', bin: 'zip' },
  { pkg: 'neovim', bin: 'nvim' },
];

export function toolsBase() {
  return process.env.IOMEM_LENS_E2E_TOOLS ?? path.join(os.homedir(), '.cache', 'iomem-lens', 'e2e');
}

export function which(bin) {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(d || '.', bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function log(msg) {
  process.stderr.write(`e2e: ${msg}\n`);
}

function asRoot(args) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, ...rest] = root ? args : ['sudo', ...args];
  execFileSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Installs the Debian packages that are missing; returns the names installed. */
export function ensureAptPackages(wanted = APT) {
  const missing = wanted.filter((p) => !which(p.bin) && !(p.bin === 'chromium' && fs.existsSync(CHROMIUM))).map((p) => p.pkg);
  if (missing.length === 0) return [];
  log(`installing Debian packages: ${missing.join(' ')}`);
  asRoot(['apt-get', 'update', '-q']);
  asRoot(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
  const still = wanted.filter((p) => missing.includes(p.pkg) && !which(p.bin));
  if (still.length) throw new Error(`still missing after apt-get install: ${still.map((p) => p.bin).join(', ')}`);
  return missing;
}

function run(cmd, args, cwd, { allowFail = false } = {}) {
  log(`${path.relative(toolsBase(), cwd) || '.'}$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  if (r.status !== 0 && !allowFail) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
  return r.status === 0;
}

function symlink(target, link) {
  fs.rmSync(link, { force: true, recursive: false });
  fs.symlinkSync(target, link);
}

/** Installs code-server and playwright-core into the cache folder unless they are there already. */
export function ensureNodeTools() {
  const dir = path.join(toolsBase(), `code-server-${CODE_SERVER_VERSION}-playwright-${PLAYWRIGHT_VERSION}-node${process.versions.modules}`);
  const stamp = path.join(dir, '.complete');
  const tools = {
    dir,
    codeServer: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    playwright: path.join(dir, 'node_modules', 'playwright-core'),
    chromium: CHROMIUM,
    installed: false,
  };
  if (fs.existsSync(stamp)) return tools;
  const t0 = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} and playwright-core ${PLAYWRIGHT_VERSION} into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'iomem-lens-e2e-tools', private: true, description: 'test-only tooling of iomem-lens (scripts/e2e/tools.mjs)' }, null, 2)}\n`);
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`, `playwright-core@${PLAYWRIGHT_VERSION}`], dir);
  run('npm', ['rebuild', 'argon2', '--build-from-source'], dir);
  const vscode = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscode);
  // node-pty's last step fails harmlessly (REAL-VSCODE.md); the others must build.
  run('npm', ['rebuild', '@vscode/spdlog', 'native-watchdog', 'node-pty', '@vscode/deviceid'], vscode, { allowFail: true });
  const rgDir = path.join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgDir, { recursive: true });
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep (rg) is not installed');
  symlink(rg, path.join(rgDir, 'rg'));
  symlink('node_modules', path.join(vscode, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscode, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscode, 'bin', 'helpers', 'browser.sh'));
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], path.join(vscode, 'extensions'));
  for (const f of [tools.codeServer, path.join(tools.playwright, 'package.json')]) {
    if (!fs.existsSync(f)) throw new Error(`${f} is missing after the install`);
  }
  fs.writeFileSync(stamp, `${new Date().toISOString()} installed in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  log(`tools installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { ...tools, installed: true };
}

/** Everything the end-to-end tests need; fast when it is all there. */
export function ensureTools({ apt = APT } = {}) {
  const t0 = Date.now();
  const aptInstalled = ensureAptPackages(apt);
  const tools = ensureNodeTools();
  return { ...tools, aptInstalled, ms: Date.now() - t0 };
}

/** playwright-core from the tools folder. */
export function loadPlaywright(tools) {
  return createRequire(path.join(tools.dir, 'package.json'))('playwright-core');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t = ensureTools();
  console.log(JSON.stringify(t, null, 2));
}
