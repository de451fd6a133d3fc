// One pass over a file for every identifier the prefilters ask about. A regular expression per
// prefilter reads the text once each (the model's APIs, the paired triggers, the published
// globals): one scan for all of them, collecting the names it meets, reads it once.
//
// A file's raw bytes are scanned without decoding them (byteScan.ts, several times faster than
// V8's regular expression on the decoded text); a string (a function body) by the regular
// expression, which is also what the byte scan is tested against.

import { ByteScanner } from './byteScan.js';

export class WordScanner {
  private readonly words: readonly string[];
  private regex: RegExp | undefined;
  private scanner: ByteScanner | undefined;

  constructor(words: Iterable<string>) {
    this.words = [...new Set(words)].filter((w) => /^\w+$/.test(w)).sort((a, b) => b.length - a.length);
  }

  /** The words `text` names as whole identifiers (as `\bword\b` would find them). */
  present(text: string | Uint8Array): Set<string> {
    if (typeof text !== 'string') return this.bytes()?.present(text) ?? new Set();
    const out = new Set<string>();
    const re = this.re();
    if (re) for (const m of text.matchAll(re)) out.add(m[0]);
    return out;
  }

  /** Whether `text` names any of the words. */
  any(text: string | Uint8Array): boolean {
    if (typeof text !== 'string') return this.bytes()?.any(text) ?? false;
    const re = this.re();
    if (!re) return false;
    re.lastIndex = 0;
    return re.test(text);
  }

  /** Built on first use (its tables are 192 KB; a scanner of function bodies never needs them). */
  private bytes(): ByteScanner | undefined {
    if (this.scanner === undefined && this.words.length) this.scanner = new ByteScanner(this.words);
    return this.scanner;
  }

  /** Built on first use: a scan of bytes never needs it. */
  private re(): RegExp | undefined {
    if (this.regex === undefined && this.words.length) this.regex = new RegExp(`\\b(?:${this.words.join('|')})\\b`, 'g');
    return this.regex;
  }
}
