// Every rule fixture states its expected findings with `expect:` markers; a fixture without
// markers must produce no finding of its rule. Positive fixtures are named pos_*, negative neg_*.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../server/src/rules/index';
import { ROOT, analyzeSource, expectedMarkers, fixtureFile, fixtureOptions, fixtures, reported } from '../helpers';

for (const rule of RULES) {
  const id = rule.meta.id;
  describe(id, () => {
    const cases = fixtures(path.join('rules', id));
    it('has positive and negative fixtures', () => {
      expect(cases.some((c) => c.name.startsWith('pos_'))).toBe(true);
      expect(cases.some((c) => c.name.startsWith('neg_'))).toBe(true);
    });
    for (const c of cases) {
      it(c.name, async () => {
        const a = await analyzeSource(c.text, fixtureOptions(c.text), fixtureFile(c.text));
        const want = expectedMarkers(c.text);
        expect(reported(a).filter((r) => r.endsWith(`:${id}`))).toEqual(want.filter((r) => r.endsWith(`:${id}`)));
        if (c.name.startsWith('pos_')) expect(want.length).toBeGreaterThan(0);
        else expect(want.filter((r) => r.endsWith(`:${id}`))).toEqual([]);
        expect(a.errors).toEqual([]);
      });
    }
  });
}

describe('rule registry', () => {
  it('every rule has a doc page with the sections a reader needs', () => {
    for (const r of RULES) {
      const doc = path.join(ROOT, 'docs', 'rules', `${r.meta.id}.md`);
      expect(fs.existsSync(doc), doc).toBe(true);
      const text = fs.readFileSync(doc, 'utf8');
      for (const section of ['## What', '## Why', '## Example', '## Fix', '## Seed']) expect(text, `${doc}: ${section}`).toContain(section);
    }
  });

  it('every rule has a fixture folder named after it', () => {
    for (const r of RULES) expect(fs.existsSync(path.join(ROOT, 'test', 'fixtures', 'rules', r.meta.id))).toBe(true);
  });

  it('the README rule table lists exactly the implemented rules', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## What it finds'), readme.indexOf('\n## ', readme.indexOf('## What it finds') + 1));
    const table = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]).sort();
    expect(table).toEqual(RULES.map((r) => r.meta.id).sort());
  });
});
