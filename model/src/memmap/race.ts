// Two actors on the memmap: a reader that looks a PFN up and uses the page later, and a racer
// that offlines and removes the memory in between. The racer may only run where the reader can
// be preempted for long (a sleep, a dropped lock): offlining migrates the pages away and waits
// for their users, which a reader that does not sleep holds off in practice.

import { schedules } from '../resource/interleave.js';
import { MemmapWorld } from './sections.js';

export type ReaderStep =
  | { kind: 'lookup'; pfn: bigint; how: 'pfn_to_online_page' | 'pfn_valid' }
  | { kind: 'may-sleep'; what: string }
  | { kind: 'use'; pfn: bigint; what: string };

export type RacerStep = { kind: 'offline'; start: bigint; size: bigint } | { kind: 'remove'; start: bigint; size: bigint };

export interface StaleUse {
  /** The schedule: which actor made each step. */
  order: { actor: 'reader' | 'racer'; step: ReaderStep | RacerStep; note: string }[];
  /** What the memmap was when the reader used the page. */
  memmap: ReturnType<MemmapWorld['memmapState']>;
}

/** The interleavings in which the reader uses a page that was no longer online. */
export function staleUses(init: MemmapWorld, reader: ReaderStep[], racer: RacerStep[]): StaleUse[] {
  const out: StaleUse[] = [];
  for (const s of schedules(reader.length, racer.length)) {
    const w = init.clone();
    const order: StaleUse['order'] = [];
    let ri = 0;
    let qi = 0;
    let preemptible = true; // before the lookup the reader has not started
    let looked = false;
    for (const pick of s) {
      if (pick === 'racer') {
        const actor = 'racer' as const;
        if (looked && !preemptible) break;
        const step = racer[qi++] as RacerStep;
        const rc = step.kind === 'offline' ? w.offlinePages(step.start, step.size) : w.removeMemory(step.start, step.size);
        order.push({ actor, step, note: `${step.kind === 'offline' ? 'offline_pages()' : 'remove_memory()'} ${rc === 0 ? 'succeeds' : `fails (${rc})`}` });
        continue;
      }
      const actor = 'reader' as const;
      const step = reader[ri++] as ReaderStep;
      if (step.kind === 'lookup') {
        looked = true;
        preemptible = false;
        const ok = step.how === 'pfn_to_online_page' ? w.pfnToOnlinePage(step.pfn) : w.pfnValid(step.pfn);
        order.push({ actor, step, note: `${step.how}() ${ok ? 'returns the page' : 'says no'}` });
        if (!ok) break;
      } else if (step.kind === 'may-sleep') {
        preemptible = true;
        order.push({ actor, step, note: `${step.what} can sleep` });
      } else {
        const memmap = w.memmapState(step.pfn);
        order.push({ actor, step, note: `${step.what} reads the struct page: the memmap is ${memmap}` });
        if (memmap !== 'online') {
          out.push({ order, memmap });
          break;
        }
        preemptible = false;
      }
    }
  }
  return out;
}
