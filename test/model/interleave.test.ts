// The two-actor model on the sequences of seed 000.

import { describe, expect, it } from 'vitest';
import {
  IORESOURCE_SYSTEM_RAM, LoggedOp, ResourceOp, defaultLayout, enclosingOwned, interferingInterleavings, schedules,
} from '../../model/src/index';

const start = 0x4080000000n;
const size = 0x40000000n;
const request: LoggedOp = { op: { kind: 'request_region', parent: { kind: 'iomem' }, start, size, name: 'dax0.0', flags: 0 }, expectOk: true };
const clearBusy: LoggedOp = { op: { kind: 'set_flags', target: 0, assign: '=', value: IORESOURCE_SYSTEM_RAM }, expectOk: true };
const add = (ok: boolean): LoggedOp => ({ op: { kind: 'add_memory', start, size, name: 'System RAM (kmem)' }, expectOk: ok });
const racer: ResourceOp[] = [{ kind: 'request_region', parent: { kind: 'iomem' }, start, size, name: 'other', flags: 0 }];

describe('schedules', () => {
  it('enumerates every order-preserving merge', () => {
    expect([...schedules(2, 1)].map((s) => s.join(','))).toEqual(['racer,owner,owner', 'owner,racer,owner', 'owner,owner,racer']);
  });
});

describe('seed 000 on the model', () => {
  const base = defaultLayout().tree;

  it('the add fails when the racer nests between the flag write and the add', () => {
    const runs = interferingInterleavings(base, [request, clearBusy, add(true)], racer);
    const window = runs.find((r) => r.interferences.some((i) => i.kind === 'step-failed' && i.step.op.kind === 'add_memory'));
    expect(window?.steps.map((s) => s.actor)).toEqual(['owner', 'owner', 'racer', 'owner']);
    const failed = window!.interferences[0]!;
    expect(failed.kind === 'step-failed' && failed.cause && enclosingOwned(window!, failed.cause.res, 'owner')?.name).toBe('dax0.0');
  });

  it('a racer before the request is ordinary contention: the failure is not inside an owned region', () => {
    const runs = interferingInterleavings(base, [request, clearBusy, add(true)], racer);
    const early = runs.find((r) => r.steps[0]?.actor === 'racer')!;
    const failed = early.interferences[0]!;
    expect(failed.kind === 'step-failed' && failed.cause && enclosingOwned(early, failed.cause.res, 'owner')).toBeUndefined();
  });

  it('unwinding with release_mem_region frees what the racer owns', () => {
    const unwind: LoggedOp = { op: { kind: 'release_region', parent: { kind: 'iomem' }, start, size }, expectOk: true };
    const runs = interferingInterleavings(base, [request, clearBusy, add(false), unwind], racer);
    expect(runs.some((r) => r.interferences.some((i) => i.kind === 'freed' && i.victim === 'racer'))).toBe(true);
  });

  it('unwinding with release_resource drops what the racer owns', () => {
    const unwind: LoggedOp = { op: { kind: 'release_resource', target: 0 }, expectOk: true };
    const runs = interferingInterleavings(base, [request, clearBusy, add(false), unwind], racer);
    expect(runs.some((r) => r.interferences.some((i) => i.kind === 'dropped' && i.victim === 'racer'))).toBe(true);
  });

  it('unwinding with remove_resource only re-parents it: the racer keeps its region', () => {
    const unwind: LoggedOp = { op: { kind: 'remove_resource', target: 0 }, expectOk: true };
    const runs = interferingInterleavings(base, [request, clearBusy, add(false), unwind], racer);
    const kinds = runs.flatMap((r) => r.interferences.map((i) => i.kind));
    expect(kinds).toContain('reparented');
    expect(kinds).not.toContain('freed');
    expect(kinds).not.toContain('dropped');
  });

  it('without the flag write nothing can nest: no interleaving interferes after the request', () => {
    const runs = interferingInterleavings(base, [request], racer);
    expect(runs.every((r) => r.steps[0]?.actor === 'racer')).toBe(true);
  });
});
