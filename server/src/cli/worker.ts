// Worker thread of `check`: loads the parser once, then checks the batches it is sent.

import { parentPort, workerData } from 'node:worker_threads';
import { FunctionCache } from '../analysis/analyze.js';
import { resolveSettings } from '../settings.js';
import { CParser } from '../syntax/parser.js';
import { checkFile } from './checkFile.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './scan.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const setup = workerData as WorkerSetup;
  const parser = await CParser.load();
  const { options } = resolveSettings(setup.settings, setup.root);
  const cache = new FunctionCache();
  port.on('message', (m: WorkerRequest) => {
    if (m.kind === 'done') {
      port.close();
      return;
    }
    const results = m.files.map((f) => checkFile(f, parser, options, cache));
    port.postMessage({ kind: 'results', results } satisfies WorkerReply);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
}

main().catch((e: unknown) => {
  parentPort?.postMessage({ kind: 'fatal', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
});
