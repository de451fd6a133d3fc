// `iomem-lens simulate FILE:FUNCTION`: play one function through the models, step by step.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { findKernelRoot, loadLayout, resolveSettings } from '../settings.js';
import { formatSimulationText } from '../simulate/text.js';
import { simulateFunction } from '../simulate/simulate.js';
import { renderSimulationSvg } from '../simulate/svg.js';
import { CParser } from '../syntax/parser.js';
import { AnalysisArgs, UsageError, forEachArg, formatOption, parseAnalysisOption, settingsFromArgs } from './args.js';
import { refuseInputAsOutput } from './outputs.js';
import { MAX_FILE_BYTES, PARSE_TIMEOUT_MS } from './checkFile.js';
import { readFailure, readRegularFile } from '../readFile.js';
import { lineStarts } from '../syntax/lines.js';

export const SIMULATE_USAGE = `simulate FILE:FUNCTION[:LINE] [options]
  play FUNCTION's paths through the models on the machine layout, step by step; where a rule
  found a race, another driver races and the interleaving that goes wrong is played; LINE
  picks the definition that takes it in, where #ifdef defines FUNCTION more than once
  --format text|json|svg    output (default: text; svg: address map and a lane per actor)
  --kernel X.Y  --arch NAME  --layout FILE  --rule ID  --disable ID  --path-bound N   as for check
  -o, --output FILE         write the output to FILE
exit status: 0 the played path ends without a finding, 1 it ends in one, 2 error`;

export interface SimulateArgs extends AnalysisArgs {
  file: string;
  function: string;
  /** 1-based line inside the definition meant. */
  line?: number;
  format: 'text' | 'json' | 'svg';
  output?: string;
}

export function parseSimulateArgs(argv: string[]): SimulateArgs {
  let target: string | undefined;
  const a: Partial<SimulateArgs> & AnalysisArgs & { format: SimulateArgs['format'] } = { format: 'text', only: [], disable: [] };
  forEachArg(argv, ({ raw, opt, value }) => {
    switch (opt) {
      case '--format': a.format = formatOption(value(), ['text', 'json', 'svg'] as const); break;
      case '-o': case '--output': a.output = value(); break;
      default:
        if (parseAnalysisOption(opt, value, a)) break;
        if (raw.startsWith('-')) throw new UsageError(`simulate: unknown option ${raw}`);
        if (target !== undefined) throw new UsageError(`simulate takes one FILE:FUNCTION, not also ${raw}`);
        target = raw;
    }
  });
  const m = target ? /^(.*):([A-Za-z_]\w*)(?::(\d+))?$/.exec(target) : null;
  if (!m) throw new UsageError(target ? `simulate ${target}: expected FILE:FUNCTION or FILE:FUNCTION:LINE` : 'simulate needs FILE:FUNCTION');
  const line = m[3] === undefined ? undefined : Number(m[3]);
  if (line !== undefined && !(line >= 1 && Number.isSafeInteger(line))) throw new UsageError(`simulate ${target}: LINE counts from 1`);
  refuseInputAsOutput('--output', a.output, [m[1] as string]);
  return { ...a, file: m[1] as string, function: m[2] as string, ...(line !== undefined ? { line } : {}) };
}

export async function runSimulate(args: SimulateArgs): Promise<number> {
  let buf: Buffer;
  try {
    buf = readRegularFile(args.file);
  } catch (e) {
    throw new UsageError(`${args.file}: cannot read (${readFailure(e)})`);
  }
  if (buf.subarray(0, 8192).includes(0)) throw new UsageError(`${args.file}: binary file (NUL bytes), not C source`);
  if (buf.length > MAX_FILE_BYTES) throw new UsageError(`${args.file}: too large (limit ${MAX_FILE_BYTES >> 20} MiB)`);
  let layout = args.layout;
  if (layout !== undefined) {
    const l = loadLayout(layout);
    if ('error' in l) throw new UsageError(`--layout ${layout}: ${l.error}`);
    layout = path.resolve(layout);
  }
  const { options, problems } = resolveSettings(settingsFromArgs({ ...args, ...(layout ? { layout } : {}) }), findKernelRoot(args.file));
  for (const p of problems) process.stderr.write(`iomem-lens: note: ${p}\n`);
  const text = buf.toString('utf8');
  const parser = await CParser.load();
  const tree = parser.parse(text, undefined, { timeoutMs: PARSE_TIMEOUT_MS });
  if (!tree) throw new UsageError(`${args.file}: parse did not finish in ${PARSE_TIMEOUT_MS / 1000} s`);
  try {
    const at = args.line === undefined ? undefined : lineStartOffset(text, args.line);
    if (args.line !== undefined && at === undefined) {
      process.stderr.write(`iomem-lens: ${args.file}: has no line ${args.line}\n`);
      return 2;
    }
    const r = simulateFunction(tree, text, options, { function: args.function, file: args.file, ...(at !== undefined ? { at } : {}) });
    if (!r.ok) {
      process.stderr.write(`iomem-lens: ${args.file}: ${r.error}\n`);
      return 2;
    }
    if (r.sim.note) process.stderr.write(`iomem-lens: note: ${args.file}: ${r.sim.note} (${args.file}:${args.function}:LINE picks another)\n`);
    // Lines 1-based, as the text output and check's JSON count them (found in review: 0-based).
    const oneBased = { ...r.sim, steps: r.sim.steps.map((s) => ({ ...s, line: s.line + 1 })), ...(r.sim.finding ? { finding: { ...r.sim.finding, line: r.sim.finding.line + 1 } } : {}) };
    const out = args.format === 'json' ? `${JSON.stringify(oneBased, null, 2)}\n`
      : args.format === 'svg' ? `${renderSimulationSvg(r.sim)}\n`
        : formatSimulationText(r.sim, args.file);
    if (args.output) fs.writeFileSync(args.output, out);
    else process.stdout.write(out);
    return r.sim.finding ? 1 : 0;
  } finally {
    tree.delete();
  }
}

/** The offset of the first character of the 1-based `line` that is not a blank, or undefined past the end. */
function lineStartOffset(text: string, line: number): number | undefined {
  const starts = lineStarts(text);
  if (line > starts.length) return undefined;
  const start = starts[line - 1] as number;
  return start + (/^[ \t]*/.exec(text.slice(start, start + 4096))?.[0].length ?? 0);
}
