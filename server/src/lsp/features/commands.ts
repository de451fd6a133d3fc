// workspace/executeCommand handlers. Command ids are `iomem-lens.*` and listed in
// package.json for the client's palette.

import { describeFlags, formatVersion, renderIomem } from '../../../../model/src/index.js';
import type { ResolvedSettings } from '../../settings.js';

export const SERVER_COMMANDS = ['iomem-lens.showLayout', 'iomem-lens.showProfile'] as const;

export function executeCommand(command: string, settings: ResolvedSettings): unknown {
  const { layout, profile } = settings.options;
  switch (command) {
    case 'iomem-lens.showLayout':
      return { name: layout.name, iomem: renderIomem(layout.tree, { showFlags: (r) => describeFlags(r.flags) }) };
    case 'iomem-lens.showProfile':
      return { kernel: formatVersion(profile.version), arch: profile.arch, source: profile.source };
    default:
      return undefined;
  }
}
