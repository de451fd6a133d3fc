// Parsing the command line: values where an option takes one, none where it takes none.

import { describe, expect, it } from 'vitest';
import { UsageError, parseCheckArgs } from '../../server/src/cli/args';
import { parseReviewArgs } from '../../server/src/cli/review';
import { parseSimulateArgs } from '../../server/src/cli/simulate';

describe('options', () => {
  it('take a value as the next argument or after =', () => {
    expect(parseCheckArgs(['--format', 'json', 'x.c']).format).toBe('json');
    expect(parseCheckArgs(['--format=sarif', 'x.c']).format).toBe('sarif');
    expect(parseCheckArgs(['--write-baseline=b.json', 'x.c']).writeBaseline).toBe('b.json');
    expect(parseCheckArgs(['--write-baseline', 'x.c']).writeBaseline).toBe('.iomem-lens-baseline.json');
    expect(() => parseCheckArgs(['x.c', '--format'])).toThrow(/--format needs a value/);
  });

  it('refuse a value where they take none (found in review: --trace=no turned the trace on)', () => {
    for (const argv of [['--trace=no', 'x.c'], ['--no-cache=0', 'x.c'], ['-q', '--quiet=1', 'x.c']]) {
      expect(() => parseCheckArgs(argv)).toThrow(UsageError);
      expect(() => parseCheckArgs(argv)).toThrow(/takes no value/);
    }
    expect(() => parseReviewArgs(['--quiet=yes', 'p.diff'])).toThrow(/--quiet takes no value/);
    expect(parseSimulateArgs(['--format=json', 'x.c:f']).format).toBe('json');
  });
});
