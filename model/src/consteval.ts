// A kernel constant-expression evaluator: integer literals with suffixes, SZ_*, BIT(),
// GENMASK(), ALIGN(), shifts and the usual operators, and names resolved through an
// environment (the model's constants, errno values, simple #defines of the same file).
// Values are unbounded BigInts; callers truncate to the width they need.

import { RESOURCE_CONSTANTS } from './resource/flags.js';
import { table } from './table.js';

export type ConstEnv = (name: string) => bigint | undefined;

const ERRNO: Readonly<Record<string, number>> = table({
  EPERM: 1, ENOENT: 2, EIO: 5, ENXIO: 6, E2BIG: 7, EAGAIN: 11, ENOMEM: 12, EFAULT: 14, EBUSY: 16,
  EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ERANGE: 34, ENOSYS: 38, EOPNOTSUPP: 95,
  ETIMEDOUT: 110, EPROBE_DEFER: 517, ENOTSUPP: 524,
});

/** `-12` -> `-ENOMEM`, as a kernel developer reads an error code. */
export function errnoName(code: number): string {
  const name = Object.keys(ERRNO).find((k) => ERRNO[k] === Math.abs(code));
  return name ? `${code < 0 ? '-' : ''}${name}` : String(code);
}

/** SZ_1K ... SZ_64T as include/linux/sizes.h spells them. */
function sizeConstant(name: string): bigint | undefined {
  const m = /^SZ_(\d+)([KMGT]?)$/.exec(name);
  if (!m) return undefined;
  const mult = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return BigInt(m[1] as string) * mult;
}

/** Names every kernel file can use: resource flags, errno values, SZ_*, PAGE_* basics. */
export const builtinConstants: ConstEnv = (name) => {
  const r = RESOURCE_CONSTANTS[name];
  if (r !== undefined) return BigInt(r);
  const e = ERRNO[name];
  if (e !== undefined) return BigInt(e);
  if (name === 'NULL' || name === 'false') return 0n;
  if (name === 'true') return 1n;
  return sizeConstant(name);
};

/**
 * Parses a C integer literal ("0x10ULL", "017", "0b101", "42u"); undefined if it is not one.
 * A sign written against the digits ("-22") counts: tree-sitter-c reads it as part of the
 * literal, so `return -1;` holds one number literal, not a negation. A negated unsigned literal
 * (`-1UL`, all ones in a width the profile decides) stays unknown, as it always was.
 */
export function parseIntLiteral(text: string): bigint | undefined {
  const signed = text.trim();
  const sign = signed[0] === '-' || signed[0] === '+' ? signed[0] : '';
  if (sign === '-' && /[uU][lL]*$|[uU]$/.test(signed)) return undefined;
  const v = unsignedLiteral(signed.slice(sign.length));
  return v !== undefined && sign === '-' ? -v : v;
}

function unsignedLiteral(text: string): bigint | undefined {
  const t = text.replace(/[uUlL]+$/, '').replace(/'/g, '');
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t)) return BigInt(t);
    if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
    if (/^\d+$/.test(t)) return BigInt(t);
  } catch {
    return undefined;
  }
  return undefined;
}

type Tok = { t: 'num'; v: bigint } | { t: 'id'; v: string } | { t: 'op'; v: string };

function tokenize(src: string): Tok[] | undefined {
  const out: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+[uUlL]*|0[bB][01]+[uUlL]*|\d+[uUlL]*)|([A-Za-z_]\w*)|(<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>?:(),]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) return undefined;
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      const v = parseIntLiteral(m[1]);
      if (v === undefined) return undefined;
      out.push({ t: 'num', v });
    } else if (m[2] !== undefined) out.push({ t: 'id', v: m[2] });
    else out.push({ t: 'op', v: m[3] as string });
  }
  return out;
}

const BINARY: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

const CAST_WORDS = new Set(['unsigned', 'signed', 'long', 'int', 'short', 'char', 'u8', 'u16', 'u32', 'u64',
  's8', 's16', 's32', 's64', 'size_t', 'phys_addr_t', 'resource_size_t', 'loff_t', '__u64', '__u32', 'const']);

class ConstParser {
  private i = 0;
  constructor(private readonly toks: Tok[], private readonly env: ConstEnv, private readonly depth: number) {}

  parse(): bigint | undefined {
    const v = this.expr(0);
    return this.i === this.toks.length ? v : undefined;
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private eat(op: string): boolean {
    const t = this.peek();
    if (t?.t === 'op' && t.v === op) {
      this.i++;
      return true;
    }
    return false;
  }

  private expr(minPrec: number): bigint | undefined {
    let left = this.unary();
    for (;;) {
      if (left === undefined) return undefined;
      const t = this.peek();
      if (t?.t === 'op' && t.v === '?' && minPrec === 0) {
        this.i++;
        const a = this.expr(0);
        if (!this.eat(':')) return undefined;
        const b = this.expr(0);
        if (a === undefined || b === undefined) return undefined;
        left = left !== 0n ? a : b;
        continue;
      }
      const prec = t?.t === 'op' ? BINARY[t.v] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      this.i++;
      const right = this.expr(prec + 1);
      if (right === undefined) return undefined;
      left = binary((t as Tok).v as string, left, right);
    }
  }

  private unary(): bigint | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.t === 'op') {
      if (t.v === '-' || t.v === '+' || t.v === '~' || t.v === '!') {
        this.i++;
        const v = this.unary();
        if (v === undefined) return undefined;
        return t.v === '-' ? -v : t.v === '+' ? v : t.v === '~' ? ~v : v === 0n ? 1n : 0n;
      }
      if (t.v === '(') {
        this.i++;
        // A cast such as (unsigned long) or (u64): skip it.
        const save = this.i;
        while (this.peek()?.t === 'id' && CAST_WORDS.has(this.peek()?.v as string)) this.i++;
        if (this.i > save && this.eat(')')) return this.unary();
        this.i = save;
        const v = this.expr(0);
        return this.eat(')') ? v : undefined;
      }
      return undefined;
    }
    this.i++;
    if (t.t === 'num') return t.v;
    return this.identifier(t.v);
  }

  private args(): bigint[] | undefined {
    if (!this.eat('(')) return undefined;
    const out: bigint[] = [];
    if (this.eat(')')) return out;
    for (;;) {
      const v = this.expr(0);
      if (v === undefined) return undefined;
      out.push(v);
      if (this.eat(')')) return out;
      if (!this.eat(',')) return undefined;
    }
  }

  private identifier(name: string): bigint | undefined {
    const fn = FUNCTIONS[name];
    if (fn && this.peek()?.t === 'op' && this.peek()?.v === '(') {
      const a = this.args();
      return a && a.length === fn.arity ? fn.eval(a) : undefined;
    }
    if (this.depth > 16) return undefined;
    return this.env(name) ?? builtinConstants(name);
  }
}

function binary(op: string, a: bigint, b: bigint): bigint | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? undefined : a / b;
    case '%': return b === 0n ? undefined : a % b;
    case '<<': return b < 0n || b > 128n ? undefined : a << b;
    case '>>': return b < 0n ? undefined : a >> b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: return undefined;
  }
}

const FUNCTIONS: Readonly<Record<string, { arity: number; eval: (a: bigint[]) => bigint | undefined }>> = table({
  BIT: { arity: 1, eval: ([n]) => 1n << (n as bigint) },
  BIT_ULL: { arity: 1, eval: ([n]) => 1n << (n as bigint) },
  GENMASK: { arity: 2, eval: ([h, l]) => ((1n << ((h as bigint) + 1n)) - 1n) & ~((1n << (l as bigint)) - 1n) },
  GENMASK_ULL: { arity: 2, eval: ([h, l]) => ((1n << ((h as bigint) + 1n)) - 1n) & ~((1n << (l as bigint)) - 1n) },
  ALIGN: { arity: 2, eval: ([x, a]) => (a as bigint) === 0n ? undefined : (((x as bigint) + (a as bigint) - 1n) / (a as bigint)) * (a as bigint) },
  ALIGN_DOWN: { arity: 2, eval: ([x, a]) => (a as bigint) === 0n ? undefined : ((x as bigint) / (a as bigint)) * (a as bigint) },
  IS_ALIGNED: { arity: 2, eval: ([x, a]) => (a as bigint) === 0n ? undefined : ((x as bigint) % (a as bigint) === 0n ? 1n : 0n) },
  _AC: { arity: 2, eval: ([x]) => x },
  _UL: { arity: 1, eval: ([x]) => x },
  _ULL: { arity: 1, eval: ([x]) => x },
  UL: { arity: 1, eval: ([x]) => x },
  ULL: { arity: 1, eval: ([x]) => x },
});

/** Evaluates a constant expression; undefined when any part is not constant. */
export function evalConst(text: string, env: ConstEnv = () => undefined, depth = 0): bigint | undefined {
  const toks = tokenize(text);
  if (!toks || toks.length === 0) return undefined;
  return new ConstParser(toks, env, depth).parse();
}

/**
 * An environment over object-like `#define NAME body` lines of one file, evaluated lazily
 * and guarded against self-reference. `outer` answers the other names; it must be pure (its
 * answers are kept).
 */
export function definesEnv(defines: ReadonlyMap<string, string>, outer: ConstEnv = () => undefined): ConstEnv {
  const cache = new Map<string, bigint | undefined>();
  const active = new Set<string>();
  const env: ConstEnv = (name) => {
    if (cache.has(name)) return cache.get(name);
    const body = defines.get(name);
    if (body === undefined) {
      // Every identifier the engine cannot bind is asked here, most of them many times.
      const v = outer(name);
      cache.set(name, v);
      return v;
    }
    if (active.has(name)) return outer(name);
    active.add(name);
    const v = evalConst(body, env, active.size);
    active.delete(name);
    cache.set(name, v);
    return v ?? outer(name);
  };
  return env;
}
