// How many times each name was written on a path (PathState.version(): symbolic values are
// named by the versions of what they read). Every assignment bumps one, and a state forked at
// a branch shares its parent's versions until its first write: copying the whole map then (all
// the names the path wrote so far) was a tenth of the walks' allocation. So the names written
// lately are kept apart from the rest, and a first write after a fork copies only those.

import { copyMap } from './cowMap.js';

/** Names kept apart before they join the shared rest (and a first write after a fork copies at most these). */
const RECENT_MAX = 8;

const NONE: ReadonlyMap<string, number> = new Map();

export class Versions {
  /** Never written in place: states forked from one another share it. */
  private base: ReadonlyMap<string, number> = NONE;
  /** The names written since `base` was made; shared with forks until either side writes. */
  private recent = new Map<string, number>();
  /** How many states hold `recent` (as CowMap's holders: the last one writes in place). */
  private holders = { n: 1 };

  /** A copy that shares storage until either side writes. */
  clone(): Versions {
    const c = new Versions();
    c.base = this.base;
    c.recent = this.recent;
    c.holders = this.holders;
    this.holders.n++;
    return c;
  }

  get(name: string): number {
    return this.recent.get(name) ?? this.base.get(name) ?? 0;
  }

  bump(name: string): void {
    const v = this.get(name) + 1;
    if (this.holders.n > 1) {
      this.holders.n--;
      this.recent = copyMap(this.recent);
      this.holders = { n: 1 };
    }
    this.recent.set(name, v);
    if (this.recent.size > RECENT_MAX) {
      const base = copyMap(this.base);
      for (const [k, n] of this.recent) base.set(k, n);
      this.base = base;
      this.recent = new Map();
    }
  }
}
