// The locks a function holds at a point, as publish-unpaired reads them from its text.

import { describe, expect, it } from 'vitest';
import { locksAtLine, locksHeld } from '../../server/src/rules/publish/locks';

const held = (t: string): string[] => [...locksHeld(t)].sort();

describe('locksHeld', () => {
  it('counts takes and drops of global locks, with guards held to the end of their scope', () => {
    expect(held('{ mutex_lock(&a); spin_lock_irqsave(&b, flags); mutex_unlock(&a);')).toEqual(['b']);
    expect(held('{ mutex_lock(&a);\n\tmutex_unlock( & a );\n')).toEqual([]);
    expect(held('{ guard(mutex)(&foo_lock);\n')).toEqual(['foo_lock']);
    expect(held('{ scoped_guard(spinlock_irqsave, &l) {\n')).toEqual(['l']);
    expect(held('{ down_write(&sem); up_write(&sem); down_read(&sem);')).toEqual(['sem']);
    expect(held('{ foo_lock_helper(&a); rcu_read_lock();')).toEqual([]);
  });

  it('reads conservatively what it cannot be sure of (found in review)', () => {
    // Not taking it: initializing it, or trying.
    expect(held('{ spin_lock_init(&l); raw_spin_lock_init(&r); mutex_init(&m);')).toEqual([]);
    expect(held('{ if (!spin_trylock(&l)) return x;')).toEqual([]);
    // A lock of an object, which may be another object's in another function.
    expect(held('{ mutex_lock(&dev->lock); spin_lock(&to_foo(x)->lock);')).toEqual([]);
    // Taken in a branch that has ended: not held after it.
    expect(held('{ if (x) { mutex_lock(&a); y(); }\n\tz = 1;')).toEqual([]);
    // Dropped before an early return: still held on the path that goes on.
    expect(held('{ spin_lock(&l);\n\tif (!p) { spin_unlock(&l); return 0; }\n\tv = p->x;')).toEqual(['l']);
    // Taken as the unbraced statement of an if, an else or a loop: on one path only (found in review).
    expect(held('{ if (!locked)\n\t\tmutex_lock(&a);\n\tv = p->x;')).toEqual([]);
    expect(held('{ if (x) y(); else spin_lock(&l);\n\tv = p->x;')).toEqual([]);
    expect(held('{ if (f(g(x))) mutex_lock(&a);\n')).toEqual([]);
    // A take after a call is still one (`foo(); mutex_lock(&a);`).
    expect(held('{ foo(bar(x));\n\tmutex_lock(&a);\n')).toEqual(['a']);
    // A guard's scope, and a scoped_guard's statement, that have ended.
    expect(held('{ if (u) { guard(mutex)(&a); w(); }\n\tv = 1;')).toEqual([]);
    expect(held('{ scoped_guard(mutex, &a) n++;\n\tv = 1;')).toEqual([]);
    expect(held('{ scoped_guard(mutex, &a) { n++; }\n\tv = 1;')).toEqual([]);
    expect(held('{ scoped_guard(mutex, &a) { n++; "}"; /* } */\n\tv = 1;')).toEqual(['a']);
  });

  it('reads a line inside a function from its opening brace', () => {
    const src = 'void f(void)\n{\n\tmutex_lock(&a);\n\tg = p;\n\tmutex_unlock(&a);\n}\n';
    expect([...locksAtLine(src, 3) ?? []]).toEqual(['a']);
    expect([...locksAtLine(src, 5) ?? []]).toEqual([]);
    expect(locksAtLine('int x;\n', 0)).toBeUndefined();
  });
});
