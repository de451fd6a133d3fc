// The tool's version: injected by the bundler, read from package.json when run from source.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

declare const __IOMEM_LENS_VERSION__: string | undefined;

export const TOOL_NAME = 'iomem-lens';

export function toolVersion(): string {
  if (typeof __IOMEM_LENS_VERSION__ === 'string') return __IOMEM_LENS_VERSION__;
  for (const dir of [process.cwd(), path.join(__dirname, '..', '..')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === TOOL_NAME && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return '0.0.0';
}

/**
 * The rule's page: the copy shipped beside the bundle (dist/../docs, also in the .vsix), or in
 * the source tree when run unbundled.
 */
const docUrls = new Map<string, string>();

export function ruleDocUrl(id: string): string {
  const known = docUrls.get(id);
  if (known) return known;
  const url = findDoc(id);
  docUrls.set(id, url);
  return url;
}

function findDoc(id: string): string {
  for (const dir of [path.join(__dirname, '..', 'docs', 'rules'), path.join(__dirname, '..', '..', 'docs', 'rules'), path.join(process.cwd(), 'docs', 'rules')]) {
    const file = path.join(dir, `${id}.md`);
    if (fs.existsSync(file)) return pathToFileURL(file).href;
  }
  return `https://example.invalid/iomem-lens/docs/rules/${id}.md`;
}

/** The text of the rule's page, where the page is at hand (beside the bundle or in the source tree). */
export function ruleDocText(id: string): string | undefined {
  const url = ruleDocUrl(id);
  if (!url.startsWith('file:')) return undefined;
  try {
    return fs.readFileSync(new URL(url), 'utf8');
  } catch {
    return undefined;
  }
}
