// Worker thread of `check`: loads the parser once, then checks files it claims from the
// pass's shared queue until none are left.

import { parentPort, workerData } from 'node:worker_threads';
import { WorkerData, WorkerReply, fileWorker, workerPass } from './scan.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as WorkerData;
  const work = await fileWorker(data.setup);
  workerPass(data, work, (reply) => port.postMessage(reply satisfies WorkerReply));
}

main().catch((e: unknown) => {
  parentPort?.postMessage({ kind: 'fatal', message: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
});
