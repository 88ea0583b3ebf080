import { svg } from 'lit';

const box = (d: ReturnType<typeof svg>, label: string) =>
  svg`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5" role="img" aria-label=${label}><title>${label}</title>${d}</svg>`;

/** Channel icons (inline SVG: no font or request needed). */
export const chatIcon = box(svg`<path d="M2 3h12v8H6l-3 3v-3H2z" stroke-linejoin="round"/>`, 'chat');
export const emailIcon = box(svg`<rect x="1.5" y="3" width="13" height="10" rx="1"/><path d="M2 4l6 5 6-5"/>`, 'email');
/** Desktop notifications and sound (the header's toggle; the bell is the inbox notifications'). */
export const soundIcon = box(svg`<path d="M2 6h3l4-3v10l-4-3H2z" stroke-linejoin="round"/><path d="M11.5 5.5a3.5 3.5 0 0 1 0 5M13 4a5.5 5.5 0 0 1 0 8" stroke-linecap="round"/>`, 'notifications');
export const bellIcon = box(svg`<path d="M4 11V7a4 4 0 0 1 8 0v4l1 1H3zM6.5 13.5a1.5 1.5 0 0 0 3 0"/>`, 'notifications');

/** A left arrow for "back" buttons (their label names the action). */
export const backIcon = svg`<svg width="18" height="18" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M10 3L5 8l5 5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** A cross for "close" and "dismiss" buttons (their label names the action). */
export const closeIcon = svg`<svg width="14" height="14" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" stroke-linecap="round"/></svg>`;

/** A person, for the contact panel's button (its label names it). */
export const personIcon = svg`<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5" aria-hidden="true"><circle cx="8" cy="5.5" r="2.75"/><path d="M2.75 14c.6-2.7 2.7-4.25 5.25-4.25s4.65 1.55 5.25 4.25" stroke-linecap="round"/></svg>`;

/** A gear, for the settings link (its label names it). */
export const gearIcon = svg`<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.4" aria-hidden="true"><circle cx="8" cy="8" r="2.2"/><path d="M8 1.5v1.8M8 12.7v1.8M1.5 8h1.8M12.7 8h1.8M3.4 3.4l1.3 1.3M11.3 11.3l1.3 1.3M3.4 12.6l1.3-1.3M11.3 4.7l1.3-1.3" stroke-linecap="round"/></svg>`;
