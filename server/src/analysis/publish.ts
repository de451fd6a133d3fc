// The publication index of seed 002: globals handed to concurrent readers with
// smp_store_release(), rcu_assign_pointer() or WRITE_ONCE(), and globals read with
// smp_load_acquire(). Built from raw text (no parse), so a whole tree can be indexed fast;
// the rule then classifies the accesses of the files that use an indexed name.

import { LineStarts, lineOf, lineStarts } from '../syntax/lines.js';
import { WordScanner } from './wordScan.js';
import { textHash } from '../textHash.js';

/** Publishers (release, rcu, once) and ordered readers (acquire, read_once, rcu_deref). */
export type PublishKind = 'release' | 'rcu' | 'once' | 'acquire' | 'read_once' | 'rcu_deref';

/** The readers each publisher pairs with. */
export const PAIRS: Readonly<Record<'release' | 'rcu' | 'once', readonly PublishKind[]>> = {
  release: ['acquire', 'read_once'],
  rcu: ['rcu_deref', 'read_once'],
  once: ['read_once', 'acquire'],
};

export interface Publication {
  name: string;
  kind: PublishKind;
  file: string;
  /** 0-based line of the publication. */
  line: number;
  /** `static` at file scope: only accesses in the same file can pair with it. */
  fileStatic: boolean;
  /** Declared as a pointer in its file (`struct inode *iomem_inode;`), when known. */
  pointer: boolean;
}

/** Each kind's call and how its first argument is written, in the order a file's publications are listed. */
const KINDS: readonly [PublishKind, string][] = [
  ['release', String.raw`smp_store_release\(\s*&\s*([A-Za-z_]\w*)\s*,`],
  ['rcu', String.raw`rcu_assign_pointer\(\s*([A-Za-z_]\w*)\s*,`],
  ['once', String.raw`WRITE_ONCE\(\s*([A-Za-z_]\w*)\s*,`],
  ['acquire', String.raw`smp_load_acquire\(\s*&\s*([A-Za-z_]\w*)\s*\)`],
  ['read_once', String.raw`READ_ONCE\(\s*([A-Za-z_]\w*)\s*\)`],
  ['rcu_deref', String.raw`rcu_dereference\w*\(\s*([A-Za-z_]\w*)\s*[,)]`],
];

/**
 * Every kind in one pass over the text (group k+1 holds kind k's name). A match cannot hide
 * another: a match ends at the first name after its call's parenthesis, and a name followed by
 * `,` or `)` is never a call of another kind.
 */
const ACCESS = new RegExp(String.raw`\b(?:${KINDS.map(([, re]) => re).join('|')})`, 'g');

/** Cheap test before the regexes: most files use none of the primitives. */
const ANY = /\b(?:smp_store_release|rcu_assign_pointer|WRITE_ONCE|smp_load_acquire)\(/;
/** The calls that make a file worth scanning for publications (as whole identifiers). */
export const PUBLISHING_CALLS: readonly string[] = ['smp_store_release', 'rcu_assign_pointer', 'WRITE_ONCE', 'smp_load_acquire'];
const PUBLISHERS = new WordScanner(PUBLISHING_CALLS);

/**
 * Whether a file's raw bytes can hold a publication (they name a publishing primitive): the
 * index pass decodes and scans only those.
 */
export function mayPublish(bytes: Uint8Array): boolean {
  return PUBLISHERS.any(bytes);
}

/**
 * Files of one program pair with each other: the kernel, or one userspace tool under tools/
 * (bpftool has its own btf_vmlinux).
 */
export function programOf(file: string): string {
  const m = /(?:^|\/)tools\/([^/]+)\//.exec(file);
  return m ? `tools/${m[1]}` : 'kernel';
}

/**
 * Publications in one file, kind by kind and in text order within a kind. Only file-scope
 * globals count (a name declared at file level).
 */
export function scanPublications(text: string, file: string): Publication[] {
  if (!ANY.test(text)) return [];
  const byKind: Publication[][] = KINDS.map(() => []);
  // A name is published and read several times in its file: one look for its declaration.
  const decls = new Map<string, string | undefined>();
  let lines: LineStarts | undefined;
  for (const m of text.matchAll(ACCESS)) {
    const k = m.findIndex((g, i) => i > 0 && g !== undefined) - 1;
    const name = m[k + 1] as string;
    if (!decls.has(name)) decls.set(name, fileScopeDeclaration(text, name));
    const decl = decls.get(name);
    if (!decl) continue;
    const line = lineOf((lines ??= lineStarts(text)), m.index ?? 0);
    byKind[k]?.push({ name, kind: (KINDS[k] as [PublishKind, string])[0], file, line, fileStatic: /^\s*static\b/.test(decl), pointer: new RegExp(`\\*\\s*${name}\\b`).test(decl) });
  }
  return byKind.flat();
}

/** Where `^` of a multiline pattern matches after: JavaScript's line terminators. */
const LINE_END = new Set([10, 13, 0x2028, 0x2029]);

/** What may precede the name on a file-level declaration, from the start of its line: words, blanks, `*`. */
const DECL_HEAD = /[\w\s*]/;

/**
 * The file-level declaration of `name` (starting at column 0, ending in `;`), if any: the
 * first in the text. Only the line starts in the run of words, blanks and `*` before an
 * occurrence of the name can start one (the pattern reads nothing else before the name), so
 * the pattern is tried there and not at every line of the file.
 */
function fileScopeDeclaration(text: string, name: string): string | undefined {
  const re = new RegExp(`(?:static\\s+|extern\\s+)?(?:const\\s+|volatile\\s+)*(?:struct\\s+|union\\s+|enum\\s+|unsigned\\s+|signed\\s+)?\\w+[\\w\\s*]*?\\b${name}\\b[^;(]*;`, 'y');
  const starts: number[] = [];
  // Runs before two occurrences overlap: each is read back only to the previous occurrence.
  let seen = 0;
  for (let at = text.indexOf(name); at !== -1; seen = at + 1, at = text.indexOf(name, at + name.length)) {
    let from = at;
    while (from > seen && DECL_HEAD.test(text[from - 1] as string)) from--;
    for (let i = from; i <= at; i++) if (i === 0 || LINE_END.has(text.charCodeAt(i - 1))) starts.push(i);
  }
  for (const start of starts) { // ascending: each occurrence's run lies after the previous one
    re.lastIndex = start;
    const m = re.exec(text);
    if (m) return m[0];
  }
  return undefined;
}


export interface Publications {
  lookup(name: string, file: string): Publication[];
}

/** Publications by name, across the files indexed. */
export class PublishIndex implements Publications {
  private readonly byName = new Map<string, Publication[]>();

  /** Bumped by every add() and replaceFile(): the memos below are of one version. */
  private version = 0;

  add(pubs: readonly Publication[]): void {
    this.visible = undefined;
    this.version++;
    for (const p of pubs) {
      const list = this.byName.get(p.name) ?? [];
      if (!list.some((q) => q.file === p.file && q.line === p.line && q.kind === p.kind)) list.push(p);
      this.byName.set(p.name, list);
    }
  }

  /** Replaces what is known of one file (the editor re-indexes a document as it changes). */
  replaceFile(file: string, pubs: readonly Publication[]): void {
    for (const [name, list] of this.byName) {
      const kept = list.filter((p) => p.file !== file);
      if (kept.length) this.byName.set(name, kept);
      else this.byName.delete(name);
    }
    this.add(pubs);
  }

  /**
   * What pairs with an access of `name` in `file`: file-static names only within their file,
   * the others within the same program.
   */
  lookup(name: string, file: string): Publication[] {
    const prog = programOf(file);
    return (this.byName.get(name) ?? []).filter((p) => (p.fileStatic ? p.file === file : programOf(p.file) === prog));
  }

  /**
   * The names whose publication pairs with ordered readers somewhere (or that are read with
   * smp_load_acquire()): only their plain accesses can be judged against an intent.
   */
  paired(): PublishIndex {
    const out = new PublishIndex();
    for (const list of this.byName.values()) {
      const scopes = new Map<string, Publication[]>();
      for (const p of list) {
        const scope = p.fileStatic ? `file:${p.file}` : `prog:${programOf(p.file)}`;
        scopes.set(scope, [...(scopes.get(scope) ?? []), p]);
      }
      for (const group of scopes.values()) {
        // Only pointers are published this way to be dereferenced: flags and counters are another story.
        if (!group.some((p) => p.pointer)) continue;
        const kinds = new Set(group.map((p) => p.kind));
        const pairs = (['release', 'rcu', 'once'] as const).some((k) => kinds.has(k) && PAIRS[k].some((r) => kinds.has(r)));
        if (pairs || kinds.has('acquire')) out.add(group);
      }
    }
    return out;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** names() by where lookup() can find them (rebuilt when the index changes). */
  private visible: { shared: string[]; staticIn: Map<string, string[]> } | undefined;

  private visibility(): { shared: string[]; staticIn: Map<string, string[]> } {
    if (!this.visible) {
      const shared: string[] = [];
      const staticIn = new Map<string, string[]>();
      for (const [name, list] of this.byName) {
        if (list.some((p) => !p.fileStatic)) shared.push(name);
        for (const p of list) {
          if (!p.fileStatic) continue;
          const names = staticIn.get(p.file) ?? [];
          if (!names.includes(name)) names.push(name);
          staticIn.set(p.file, names);
        }
      }
      this.visible = { shared, staticIn };
    }
    return this.visible;
  }

  /**
   * The names lookup() can answer for an access in some file: those with a publication that
   * is not file-static (any file of the program may pair with it). Of 47 names paired in
   * Linux 6.12, 6 are; the others only matter in their own file (staticNamesIn()).
   */
  sharedNames(): readonly string[] {
    return this.visibility().shared;
  }

  /** The names published file-statically in `file`: lookup() answers them for accesses in that file only. */
  staticNamesIn(file: string): readonly string[] {
    return this.visibility().staticIn.get(file) ?? [];
  }

  private pattern: { version: number; re: RegExp } | undefined;

  /**
   * A regular expression for any indexed name (rebuilt when the index changes: by its version,
   * not its size, which a file replaced can keep while its names change; found in review).
   */
  private namesRe(): RegExp {
    if (!this.pattern || this.pattern.version !== this.version) {
      this.pattern = { version: this.version, re: new RegExp(`\\b(?:${[...this.byName.keys()].join('|')})\\b`) };
    }
    return this.pattern.re;
  }

  private namesHash: { version: number; key: string } | undefined;

  /** The indexed names as one hash (what plainAccessIn() looks for; rebuilt when the index changes). */
  namesKey(): string {
    if (!this.namesHash || this.namesHash.version !== this.version) this.namesHash = { version: this.version, key: textHash([...this.byName.keys()].join(',')) };
    return this.namesHash.key;
  }

  /** Whether `text` names any indexed global (a cheap prefilter). */
  mentionedIn(text: string): boolean {
    return this.byName.size > 0 && this.namesRe().test(text);
  }

  /**
   * Whether `text` accesses an indexed global in a way the rule judges: a plain dereference
   * (`G->`, `G[`, `*G`, `(G)->`), a plain load into a variable (`l = G;`) or a plain store (`G = `). Ordered accesses pass the name to
   * a primitive (`READ_ONCE(G)`, `smp_store_release(&G, v)`), so a file with only those, or with
   * none, need not be parsed for this rule.
   */
  plainAccessIn(text: string): boolean {
    return this.mentionedIn(text) && this.plainAccessScan(text);
  }

  /**
   * plainAccessIn() for the indexed names among `present` (the identifiers a WordScanner found
   * in the text): a plain access of one of them. The caller looks only for the names its file can
   * pair with (sharedNames(), staticNamesIn()). The text is asked for only if one is present.
   */
  plainAccessGiven(present: ReadonlySet<string>, getText: () => string): boolean {
    const names = [...present].filter((n) => this.byName.has(n));
    if (!names.length) return false;
    const text = getText();
    for (const m of text.matchAll(new RegExp(`\\b(?:${names.join('|')})\\b`, 'g'))) {
      if (plainAccessAt(text, m.index ?? 0, m[0].length)) return true;
    }
    return false;
  }

  private plainAccessScan(text: string): boolean {
    const re = new RegExp(this.namesRe().source, 'g');
    for (const m of text.matchAll(re)) {
      if (plainAccessAt(text, m.index ?? 0, m[0].length)) return true;
    }
    return false;
  }

  get size(): number {
    return this.byName.size;
  }

  toJSON(): Publication[] {
    return [...this.byName.values()].flat();
  }
}

const SPACE = /\s/;

/** The access of the name at [at, at + len) looks like a plain dereference or store (raw text, no parse). */
function plainAccessAt(text: string, at: number, len: number): boolean {
  let b = at - 1;
  while (b >= 0 && SPACE.test(text[b] as string)) b--;
  const before = text[b] ?? '';
  // A member named like the global (`p->devdata`, `x.devdata`) is not the global.
  if (before === '.' || (before === '>' && text[b - 1] === '-')) return false;
  let a = at + len;
  while (a < text.length && SPACE.test(text[a] as string)) a++;
  const after = text.slice(a, a + 2);
  if (after.startsWith('->') || after.startsWith('[')) return true;
  if (after[0] === '=' && after[1] !== '=') return true;
  // `*G` (not `x * G`, but also the global's own declaration `struct s *G;`), `(G)->`.
  if (before === '*') return true;
  // `l = G;`: a plain load kept in a local, whose dereference is the global's.
  if (before === '=' && !'=!<>+-*/%&|^'.includes(text[b - 1] ?? '') && (after[0] === ';' || after[0] === ',')) return true;
  if (before === '(' && after[0] === ')') {
    let c = a + 1;
    while (c < text.length && SPACE.test(text[c] as string)) c++;
    return text.startsWith('->', c);
  }
  return false;
}

/** The workspace index seen from one file, with that file's own publications as they are now. */
export function viewWithFile(index: PublishIndex | undefined, file: string, own: readonly Publication[]): FileView {
  const all = new PublishIndex();
  all.add(own);
  const local = all.paired();
  return {
    lookup: (name, f) => [...(index?.lookup(name, f) ?? []).filter((p) => p.file !== file), ...local.lookup(name, f)],
    mentionedIn: (text) => local.mentionedIn(text) || (index?.mentionedIn(text) ?? false),
    plainAccessIn: (text) => local.plainAccessIn(text) || (index?.plainAccessIn(text) ?? false),
    namesKey: `${local.namesKey()}|${index?.namesKey() ?? ''}`,
  };
}

/** The publications an access in one file can pair with (viewWithFile()). */
export interface FileView extends Publications {
  mentionedIn(text: string): boolean;
  plainAccessIn(text: string): boolean;
  /** What plainAccessIn() answers depends on: the names it looks for, as hashes. */
  namesKey: string;
}
