import type { Availability, RoutingMode, RoutingReason } from '@support/protocol';

/** One agent a policy could give a ticket to, as routing reads them (database uuids). */
export type Candidate = {
  userId: string;
  name: string;
  availability: Availability;
  /** Assigned tickets of the ticket's channel in the policy's load statuses. */
  load: number;
  /** The most tickets of that channel routing gives them (their override, else the team default). */
  capacity: number;
  /** When routing last gave them a ticket; null for never. */
  lastAssignedAt: Date | null;
};

export type Ranked = { candidate: Candidate; reason: RoutingReason };

/**
 * Ranks the candidates of a policy for one ticket, without the database: the eligible ones
 * first, best first (the one to try first gets `chosen`, the rest `not_next`), then the others
 * with why they are not eligible. Balanced: fewest load, then longest since their last
 * assignment (never first), then id. Round robin: longest since their last assignment, then id.
 * `inHours` false (the policy's calendar is closed) makes everyone `outside_hours`. Manual
 * policies rank nobody eligible.
 */
export function rankCandidates(mode: RoutingMode, candidates: readonly Candidate[], inHours: boolean): Ranked[] {
  const eligible: Candidate[] = [];
  const others: Ranked[] = [];
  for (const c of candidates) {
    if (c.availability === 'offline') others.push({ candidate: c, reason: 'offline' });
    else if (c.availability === 'away') others.push({ candidate: c, reason: 'away' });
    else if (!inHours) others.push({ candidate: c, reason: 'outside_hours' });
    else if (c.load >= c.capacity) others.push({ candidate: c, reason: 'at_capacity' });
    else eligible.push(c);
  }
  if (mode === 'manual') return [...eligible.map((c) => ({ candidate: c, reason: 'not_next' as const })), ...others];
  const since = (c: Candidate) => c.lastAssignedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  eligible.sort((a, b) => {
    if (mode === 'balanced' && a.load !== b.load) return a.load - b.load;
    const d = since(a) - since(b);
    if (d !== 0) return d;
    return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
  });
  return [...eligible.map((c, i) => ({ candidate: c, reason: (i === 0 ? 'chosen' : 'not_next') as RoutingReason })), ...others];
}

/** Whether a candidate's reason makes them worth trying (eligible when read). */
export const tryable = (r: Ranked) => r.reason === 'chosen' || r.reason === 'not_next';
