import type { Agent } from '@support/protocol';

/** Up to two initials of a name, for avatars. */
export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1]![0] : '')).toUpperCase();
}

/** A stable hue for a person's avatar. */
export function hue(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

/** A person's avatar background: a stable hue, dark enough for white initials (at least 4.5:1 at every hue). */
export const avatarColor = (id: string) => `hsl(${hue(id)} 50% 30%)`;

/** An agent's name by id, or a placeholder for agents this client does not know. */
export function agentName(agents: Map<string, Agent>, id: string | null): string {
  if (!id) return 'nobody';
  return agents.get(id)?.name ?? 'an agent';
}
