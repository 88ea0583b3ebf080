import { html } from 'lit';
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

/**
 * A person's avatar, `size` px round: their image (`avatarUrl`) or their initials on their
 * colour. `label` names it for screen readers (e.g. "Assigned to Bea"); without one it is
 * decorative (the name is next to it). Sized inline; the screen's `.avatar` style gives the
 * round shape, the initials' colour and size.
 */
export function avatar(p: { id: string; name: string; avatarUrl?: string | null }, size: number, label?: string) {
  const a11y = label ? { role: 'img', name: label } : null;
  const box = `width:${size}px;height:${size}px;line-height:${size}px`;
  if (p.avatarUrl)
    return html`<img class="avatar" src=${p.avatarUrl} alt=${label ?? ''} title=${label ? p.name : ''} style="${box};object-fit:cover" width=${size} height=${size} />`;
  return a11y
    ? html`<span class="avatar" role="img" aria-label=${a11y.name} title=${p.name} style="${box};background:${avatarColor(p.id)}">${initials(p.name)}</span>`
    : html`<span class="avatar" aria-hidden="true" style="${box};background:${avatarColor(p.id)}">${initials(p.name)}</span>`;
}

/** An agent's name by id, or a placeholder for agents this client does not know. */
export function agentName(agents: Map<string, Agent>, id: string | null): string {
  if (!id) return 'nobody';
  return agents.get(id)?.name ?? 'an agent';
}
