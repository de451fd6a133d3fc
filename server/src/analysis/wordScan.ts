// One pass over a file for every identifier the prefilters ask about. A regular expression per
// prefilter reads the text once each (the model's APIs, the paired triggers, the published
// globals): one alternation of all of them, collecting the names it meets, reads it once.

export class WordScanner {
  private readonly re: RegExp | undefined;

  constructor(words: Iterable<string>) {
    const list = [...new Set(words)].filter((w) => /^\w+$/.test(w)).sort((a, b) => b.length - a.length);
    this.re = list.length ? new RegExp(`\\b(?:${list.join('|')})\\b`, 'g') : undefined;
  }

  /** The words `text` names as whole identifiers (as `\bword\b` would find them). */
  present(text: string): Set<string> {
    const out = new Set<string>();
    if (this.re) for (const m of text.matchAll(this.re)) out.add(m[0]);
    return out;
  }

  /** Whether `text` names any of the words. */
  any(text: string): boolean {
    if (!this.re) return false;
    this.re.lastIndex = 0;
    return this.re.test(text);
  }
}
