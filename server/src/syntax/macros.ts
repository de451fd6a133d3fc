// Kernel annotation macros tree-sitter cannot know (`__init`, `__iomem`, `__must_hold(x)`...)
// are masked with spaces of the same length before parsing. Offsets and positions do not
// move, the analysis still reads the real text, and the parse loses half of its ERROR nodes
// on kernel files. Every masked form fits on one line (`__must_hold` and its parenthesis
// too), so an edit only changes the masking of the lines it touches: remask().

const WORDS = [
  '__init', '__exit', '__initdata', '__initconst', '__exitdata', '__devinit', '__devexit', '__ref', '__refdata',
  '__meminit', '__meminitdata', '__cpuinit', '__iomem', '__user', '__kernel', '__rcu', '__percpu', '__force',
  '__must_check', '__always_inline', 'noinline', '__noinline', '__cold', '__hot', '__maybe_unused',
  '__always_unused', '__read_mostly', '__ro_after_init', '__weak', '__pure', '__noreturn', 'notrace', '__visible',
  'asmlinkage', '__nocfi', '__noclone', '__latent_entropy', '__randomize_layout', '__packed', '__private', '__safe',
  '__bitwise', 'noinstr', '__cpuidle', '__sched', '__lockfunc', '__malloc', '__deprecated', '__used', '__flatten',
  '__no_kcsan', '__no_sanitize_address', '__no_profile', '__cacheline_aligned', '__cacheline_aligned_in_smp',
  '____cacheline_aligned', '____cacheline_aligned_in_smp', '__init_or_module', '__irq_entry', '__kprobes',
];
const CALLS = ['__must_hold', '__acquires', '__releases', '__printf', '__aligned', '__section', '__counted_by', '__nonstring'];

const MASK = new RegExp(
  `\\b(?:${CALLS.join('|')})[ \\t]*\\([^()\\n]*\\)|\\b(?:${[...WORDS].sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');

export function maskKernelMacros(text: string): string {
  return text.replace(MASK, (m) => ' '.repeat(m.length));
}

/**
 * The masked text after `[start, end)` of the text was replaced by `lines`, given the masked text
 * before: the edit must cover whole lines (start at a line start, end at a newline or the end).
 */
export function remask(masked: string, start: number, end: number, lines: string): string {
  return masked.slice(0, start) + maskKernelMacros(lines) + masked.slice(end);
}
