// Worker thread of `check`: loads the parser once, then checks the batches it is sent.

import { parentPort, workerData } from 'node:worker_threads';
import { WorkerReply, WorkerRequest, WorkerSetup, fileWorker } from './scan.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const work = await fileWorker(workerData as WorkerSetup);
  port.on('message', (m: WorkerRequest) => {
    if (m.kind === 'done') {
      port.close();
      return;
    }
    const results = m.files.map(work);
    port.postMessage({ kind: 'results', results } satisfies WorkerReply);
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerReply);
}

main().catch((e: unknown) => {
  parentPort?.postMessage({ kind: 'fatal', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
});
