// workspace/executeCommand handlers. Their ids are `iomem-lens.server.*`: the language client
// registers every command a server announces as a VS Code command, so they must not clash with
// the palette commands the extension registers itself (`iomem-lens.showLayout`, ...).

import { describeFlags, formatVersion, renderIomem } from '../../../../model/src/index.js';
import type { ResolvedSettings } from '../../settings.js';
import type { LatencySummary } from '../editLatency.js';
import type { OpenDocument } from '../documents.js';
import { isReviewArgs, reviewText } from './review.js';
import { isSimulateArgs, simulateAt } from './simulate.js';

export const SERVER_COMMANDS = ['iomem-lens.server.layout', 'iomem-lens.server.profile', 'iomem-lens.server.simulate', 'iomem-lens.server.status', 'iomem-lens.server.review'] as const;

export interface CommandContext {
  settings: ResolvedSettings;
  documents: { get(uri: string): OpenDocument | undefined };
  /** The name a document has in findings (relative to the workspace root). */
  fileName(uri: string): string;
  /** What the server holds: for a user's memory report and for the soak benchmark. */
  status(): ServerStatus;
  /** The workspace's kernel tree (where patches apply). */
  root: string | undefined;
  /** The text of an open document by file path (unsaved edits included). */
  openText(file: string): string | undefined;
}

export interface ServerStatus {
  openDocuments: number;
  cachedFunctions: number;
  analysesRunning: number;
  /** process.memoryUsage() in MB: rss, heapUsed, heapTotal, external (the grammar's WebAssembly memory is counted here). */
  memoryMb: Record<string, number>;
  /**
   * Per open document (by its name in findings), the server's own time from an edit to the
   * diagnostics answering it, in ms over its latest edits (`editLatency.ts`): what a client
   * measures beyond it is the transport and the scheduling of the two processes.
   */
  editLatencyMs: Record<string, LatencySummary>;
  /** The same by the document's URI as the client opened it (what a client looks up). */
  editLatencyByUri: Record<string, LatencySummary>;
}

export function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number): number => Math.round((n / (1 << 20)) * 10) / 10;
  return { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) };
}

export function executeCommand(command: string, args: readonly unknown[], ctx: CommandContext): unknown {
  const { layout, profile } = ctx.settings.options;
  switch (command) {
    case 'iomem-lens.server.simulate': {
      const a = args[0];
      if (!isSimulateArgs(a)) return { ok: false, error: 'iomem-lens.server.simulate expects { uri, line, character, finding?: { rule, line } }' };
      return simulateAt(ctx.documents.get(a.uri), a, ctx.settings.options, ctx.fileName(a.uri));
    }
    case 'iomem-lens.server.layout':
      return { name: layout.name, iomem: renderIomem(layout.tree, { showFlags: (r) => describeFlags(r.flags) }) };
    case 'iomem-lens.server.review': {
      const a = args[0];
      if (!isReviewArgs(a)) return { ok: false, error: 'iomem-lens.server.review expects { text, source }' };
      return reviewText(a, ctx.root, ctx.settings.options, ctx.openText);
    }
    case 'iomem-lens.server.status':
      return ctx.status();
    case 'iomem-lens.server.profile':
      return { kernel: formatVersion(profile.version), arch: profile.arch, source: profile.source };
    default:
      return undefined;
  }
}
