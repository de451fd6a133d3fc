// Edit-to-answer times inside the server (the status command's editLatencyMs).

import { describe, expect, it } from 'vitest';
import { EditLatency } from '../../server/src/lsp/editLatency';

describe('EditLatency', () => {
  it('times each edit from its change to the first answer after it, the latest change counting', () => {
    const l = new EditLatency();
    l.answered('a', 5); // an answer no edit waited for
    l.changed('a', 10);
    l.changed('a', 12); // typed again before the pull: the wait starts here
    l.answered('a', 15);
    l.answered('a', 40); // a second pull of the same text
    expect(l.summary().get('a')).toEqual({ edits: 1, p50: 3, p95: 3, max: 3 });
  });

  it('reports percentiles as the bench computes them, keeps the latest thousand, and forgets a closed document', () => {
    const l = new EditLatency();
    for (let i = 1; i <= 1200; i++) {
      l.changed('b', 0);
      l.answered('b', i);
    }
    // Kept: 201..1200. The bench's percentile of n sorted values is the one at floor(p * n / 100).
    expect(l.summary().get('b')).toEqual({ edits: 1000, p50: 701, p95: 1151, max: 1200 });
    l.forget('b');
    expect(l.summary().size).toBe(0);
  });
});
