// The batch V8 flags are set with v8.setFlagsFromString(), which ignores a flag this V8 does
// not know: a flag renamed by a later Node would silently stop tuning anything. Node's own
// command line rejects unknown flags, so it tells whether this V8 still has each one.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BATCH_V8_FLAGS } from '../../server/src/cli/jitTuning';

describe('batch V8 flags', () => {
  it.each(BATCH_V8_FLAGS)('this V8 knows %s', (flag) => {
    const r = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a flag V8 does not know is rejected (the test above can fail)', () => {
    const r = spawnSync(process.execPath, ['--interrupt-budget-no-such-flag=1', '-e', '0'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });
});
