// Worker thread of `check` and of the language server's index: works through each pass its
// pool sends (pool.ts), claiming files from the pass's shared queue until none are left. The
// parser is loaded once, at the first pass that parses.

import { parentPort } from 'node:worker_threads';
import { PassMessage, WorkerReply, workerPass } from './pool.js';
import { fileWorker } from './scan.js';
import { CParser } from '../syntax/parser.js';

const port = parentPort;
port?.on('message', (m: PassMessage) => {
  const send = (reply: WorkerReply): void => port.postMessage(reply);
  fileWorker(m.data.setup).then((work) => {
    workerPass(m.data, work, send);
    // A failed load fails the pass that needs it (the same promise), with its message.
    if (m.data.setup.prepare) CParser.load().catch(() => undefined);
  }).catch((e: unknown) => {
    send({ kind: 'fatal', message: e instanceof Error ? e.message : String(e) });
  });
});
