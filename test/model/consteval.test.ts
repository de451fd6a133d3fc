import { describe, expect, it } from 'vitest';
import { definesEnv, evalConst, parseIntLiteral } from '../../model/src/index';

describe('kernel constant expressions', () => {
  it.each([
    ['0x10ULL', 16n], ['017', 15n], ['0b101', 5n], ['42u', 42n],
    // tree-sitter-c reads a sign written against the digits as part of the literal.
    ['-22', -22n], ['-1', -1n], ['-0x10', -16n], ['+4', 4n], ['-017', -15n], ['-', undefined], ['--1', undefined],
    ['-1L', -1n], ['-1UL', undefined], ['-1ULL', undefined], ['-1u', undefined], ['-1lu', undefined],
  ])('literal %s', (t, v) => expect(parseIntLiteral(t)).toBe(v));

  it.each([
    ['1UL << 30', 1n << 30n],
    ['SZ_128M', 128n << 20n],
    ['SZ_2G + SZ_1K', (2n << 30n) + 1024n],
    ['~IORESOURCE_BUSY & 0xffffffff', 0x7fffffffn],
    ['IORESOURCE_SYSTEM_RAM', 0x01000200n],
    ['-EOPNOTSUPP', -95n],
    ['BIT(3) | BIT_ULL(40)', 8n | (1n << 40n)],
    ['GENMASK(7, 4)', 0xf0n],
    ['ALIGN(1000, 512)', 1024n],
    ['ALIGN_DOWN(1000, 512)', 512n],
    ['(u64)1 << 40', 1n << 40n],
    ['(unsigned long)SZ_4K', 4096n],
    ['2 + 3 * 4', 14n],
    ['10 - 2 - 3', 5n],
    ['1 ? 2 : 3', 2n],
    ['(1 << 27) - 1', (1n << 27n) - 1n],
  ])('%s', (e, v) => expect(evalConst(e)).toBe(v));

  it('is undefined for anything not constant', () => {
    expect(evalConst('x + 1')).toBeUndefined();
    expect(evalConst('foo(1)')).toBeUndefined();
    expect(evalConst('1 / 0')).toBeUndefined();
    expect(evalConst('')).toBeUndefined();
  });

  it('reads #defines of the file, guarding against self reference', () => {
    const env = definesEnv(new Map([['BASE', '(SZ_128M << 1)'], ['TOP', 'BASE + BIT(3)'], ['LOOP', 'LOOP + 1']]));
    expect(evalConst('TOP', env)).toBe((256n << 20n) + 8n);
    expect(evalConst('LOOP', env)).toBeUndefined();
  });

  it('asks the outer environment once per name it does not define', () => {
    const asked: string[] = [];
    const env = definesEnv(new Map([['TWICE', 'PAGE_SIZE * 2']]), (name) => {
      asked.push(name);
      return name === 'PAGE_SIZE' ? 4096n : undefined;
    });
    for (let i = 0; i < 3; i++) {
      expect(env('PAGE_SIZE')).toBe(4096n);
      expect(env('unknown_thing')).toBeUndefined();
      expect(env('TWICE')).toBe(8192n);
    }
    expect(asked.sort()).toEqual(['PAGE_SIZE', 'unknown_thing']);
  });
});
