// A text's identity for memo tables that must not keep the text: a slice of a document holds
// the whole document alive, and an editor makes a new one at every keystroke.

/** Two 32-bit FNV-1a hashes and the length. */
export function textHash(t: string): string {
  let a = 2166136261;
  let b = 374761393;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b ^ c, 2246822519);
  }
  return `${t.length}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}

/**
 * A copy of `s` that shares no storage with the document it was sliced from: V8 makes a
 * slice of 13 characters or more a view of the whole string, so a name or a body kept in a
 * memo table would keep every version of an edited file alive.
 */
export function detached(s: string): string {
  // Flattening the concatenation copies the characters; the slice then points into the copy.
  return (' ' + s).slice(1);
}

/** A map that forgets its oldest entries past `capacity` (insertion order; a hit does not refresh). */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, v: V): void {
    this.map.set(key, v);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}
