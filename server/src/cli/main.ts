// Entry point of the `iomem-lens` command.

import { TRIGGER_NAMES } from '../../../model/src/index.js';
import { RULES } from '../rules/index.js';
import { toolVersion } from '../version.js';
import { USAGE, UsageError, parseCheckArgs } from './args.js';
import { runCheck } from './check.js';
import { tuneJitForBatch } from './jitTuning.js';
import { REVIEW_USAGE, parseReviewArgs, runReview } from './review.js';
import { SIMULATE_USAGE, parseSimulateArgs, runSimulate } from './simulate.js';

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'check':
      tuneJitForBatch();
      return runCheck(parseCheckArgs(rest));
    case 'simulate':
      return runSimulate(parseSimulateArgs(rest));
    case 'review':
      return runReview(parseReviewArgs(rest));
    case 'lsp':
      if (rest.some((a) => a !== '--stdio')) throw new UsageError(`lsp: unknown option ${rest.find((a) => a !== '--stdio')} (only --stdio is supported)`);
      // Loaded on demand: the LSP libraries cost every other command ~50 ms of start-up.
      (await import('../lsp/server.js')).startStdioServer();
      return new Promise<number>(() => undefined); // runs until the client says exit
    case 'triggers':
      // The identifiers the prefilter looks for (benchmarks compare ripgrep with the same list).
      for (const name of TRIGGER_NAMES) process.stdout.write(`${name}\n`);
      return 0;
    case 'rules':
      for (const r of RULES) process.stdout.write(`${r.meta.id.padEnd(28)} ${r.meta.defaultSeverity.padEnd(8)} ${r.meta.summary}\n`);
      return 0;
    case '--version':
    case '-V':
      process.stdout.write(`iomem-lens ${toolVersion()}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n\n${SIMULATE_USAGE}\n\n${REVIEW_USAGE}\n`);
      return 0;
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command ${cmd}`);
  }
}

// A reader that stops early (`iomem-lens check . | head`) closes the pipe: like a C tool killed by
// SIGPIPE, stop quietly with the status so far instead of dying on an unhandled EPIPE. Any other
// failure to write the output (a full disk, a closed stdout) is fatal: one line and status 2,
// never 1, which says "findings" to CI (found in review: a stack trace and status 1).
if (process.argv[2] !== 'lsp') {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`iomem-lens: fatal: cannot write the output: ${e.message}\n`);
    process.exit(2);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // As coreutils do: the error, and where the usage is (the whole text would bury the error).
    if (e instanceof UsageError) process.stderr.write(`iomem-lens: ${e.message}\nTry 'iomem-lens --help' for more information.\n`);
    else process.stderr.write(`iomem-lens: fatal: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
