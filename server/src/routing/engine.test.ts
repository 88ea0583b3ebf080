import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankCandidates, tryable, type Candidate } from './engine.js';

const agent = (i: number, o: Partial<Candidate> = {}): Candidate => ({ userId: `u${i}`, name: `A${i}`, availability: 'online', load: 0, capacity: 5, lastAssignedAt: null, ...o });

/** Gives `n` tickets one after another to whoever ranks first, as routing would; returns the picks. */
function simulate(mode: 'balanced' | 'round_robin', agents: Candidate[], n: number): string[] {
  const picks: string[] = [];
  for (let t = 0; t < n; t++) {
    const [first] = rankCandidates(mode, agents, true);
    if (!first || !tryable(first)) break;
    first.candidate.load++;
    first.candidate.lastAssignedAt = new Date(1_000_000 + t);
    picks.push(first.candidate.userId);
  }
  return picks;
}

describe('rankCandidates', () => {
  it('never ranks an offline, away, full or out-of-hours agent as one to try', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ availability: fc.constantFrom('online', 'away', 'offline'), load: fc.nat(6), capacity: fc.nat(6) }), { maxLength: 8 }),
        fc.boolean(),
        fc.constantFrom('balanced', 'round_robin', 'manual'),
        (specs, inHours, mode) => {
          const ranked = rankCandidates(mode as 'balanced', specs.map((s, i) => agent(i, s as Partial<Candidate>)), inHours);
          for (const r of ranked.filter(tryable)) {
            expect(r.candidate.availability).toBe('online');
            expect(r.candidate.load).toBeLessThan(r.candidate.capacity);
            expect(inHours).toBe(true);
          }
          if (mode === 'manual') expect(ranked.some((r) => r.reason === 'chosen')).toBe(false);
          expect(ranked.filter((r) => r.reason === 'chosen').length).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('balanced: with equal capacities, open counts stay within one of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 60 }), (k, n) => {
        const agents = Array.from({ length: k }, (_, i) => agent(i, { capacity: 100 }));
        simulate('balanced', agents, n);
        const loads = agents.map((a) => a.load);
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('round robin: assignment counts stay within one over any window of consecutive assignments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.array(fc.nat(5), { maxLength: 6 }), (k, n, loads) => {
        // Starting loads differ (round robin ignores them); capacity is not the limit here.
        const agents = Array.from({ length: k }, (_, i) => agent(i, { capacity: 1000, load: loads[i] ?? 0 }));
        const picks = simulate('round_robin', agents, n);
        for (let from = 0; from < picks.length; from++)
          for (let to = from + 1; to <= picks.length; to++) {
            const counts = agents.map((a) => picks.slice(from, to).filter((p) => p === a.userId).length);
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          }
      }),
    );
  });

  it('balanced breaks ties to whoever has waited longest since their last assignment', () => {
    const a = agent(1, { load: 1, lastAssignedAt: new Date(2000) });
    const b = agent(2, { load: 1, lastAssignedAt: new Date(1000) });
    const c = agent(3, { load: 2, lastAssignedAt: null });
    expect(rankCandidates('balanced', [a, b, c], true).map((r) => [r.candidate.userId, r.reason])).toEqual([
      ['u2', 'chosen'], ['u1', 'not_next'], ['u3', 'not_next'],
    ]);
  });
});

describe('the candidates a decision lists', () => {
  it('lists the first 20 of the ranking and counts the rest by reason', async () => {
    const { listed } = await import('./routing.service.js');
    const team = Array.from({ length: 200 }, (_, i) => agent(i, { userId: `0190a0e0-0000-7000-8000-${String(i).padStart(12, '0')}`, availability: i % 4 === 3 ? 'offline' : 'online' }));
    const d = listed(rankCandidates('balanced', team, true));
    expect(d.candidates).toHaveLength(20);
    expect(d.candidates[0]!.reason).toBe('chosen');
    expect(d.more).toEqual({ not_next: 130, offline: 50 });
  });
});
