// The locks a function holds at a point, as publish-unpaired reads them from its text.

import { describe, expect, it } from 'vitest';
import { locksAtLine, locksHeld } from '../../server/src/rules/publish/locks';

describe('locksHeld', () => {
  it('counts takes and drops by lock expression, with guards held to the end', () => {
    expect([...locksHeld('mutex_lock(&a); spin_lock_irqsave(&dev->lock, flags); mutex_unlock(&a);')]).toEqual(['dev->lock']);
    expect([...locksHeld('mutex_lock(&a);\n\tmutex_unlock( & a );\n')]).toEqual([]);
    expect([...locksHeld('guard(mutex)(&foo_lock);\n')]).toEqual(['foo_lock']);
    expect([...locksHeld('scoped_guard(spinlock_irqsave, &l) {\n')]).toEqual(['l']);
    expect([...locksHeld('down_write(&sem); up_write(&sem); down_read(&sem);')]).toEqual(['sem']);
    expect([...locksHeld('foo_lock_helper(&a); rcu_read_lock();')]).toEqual([]);
  });

  it('reads a line inside a function from its opening brace', () => {
    const src = 'void f(void)\n{\n\tmutex_lock(&a);\n\tg = p;\n\tmutex_unlock(&a);\n}\n';
    expect([...locksAtLine(src, 3) ?? []]).toEqual(['a']);
    expect([...locksAtLine(src, 5) ?? []]).toEqual([]);
    expect(locksAtLine('int x;\n', 0)).toBeUndefined();
  });
});
