// The mode tests turn on to compare the analysis' fast paths with the plain ones they stand for:
// on only during the call, through nested calls, and off again after one that throws.

import { describe, expect, it } from 'vitest';
import { ModeSwitch } from '../server/src/modeSwitch';

describe('ModeSwitch', () => {
  it('is on during the call only, nested calls included, and off after a throw', () => {
    const mode = new ModeSwitch();
    expect(mode.on).toBe(false);
    expect(mode.during(() => mode.during(() => mode.on) && mode.on)).toBe(true);
    expect(mode.on).toBe(false);
    expect(() => mode.during(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(mode.on).toBe(false);
  });
});
