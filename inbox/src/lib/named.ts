/** A team, member or SLA policy as the action builder offers it: wire id and name. */
export type Named = { id: string; name: string };

/** What the action builder chooses from (each by name). */
export type ActionChoices = { teams: Named[]; agents: Named[]; policies: Named[] };

export const noActionChoices = (): ActionChoices => ({ teams: [], agents: [], policies: [] });

/** A name by id, `none` for no id, or "someone removed" for an id no longer listed. */
export const nameOf = (xs: Named[], id: string | null | undefined, none = 'nobody') => (id ? xs.find((x) => x.id === id)?.name ?? 'someone removed' : none);
