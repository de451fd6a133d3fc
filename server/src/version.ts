// The tool's version: injected by the bundler, read from package.json when run from source.

import * as fs from 'node:fs';
import * as path from 'node:path';

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

export const DOCS_BASE = 'https://github.com/iomem-lens/iomem-lens/blob/main/docs/rules';

export function ruleDocUrl(id: string): string {
  return `${DOCS_BASE}/${id}.md`;
}
