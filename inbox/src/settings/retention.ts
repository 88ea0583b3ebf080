import type { SelectOption } from '../components/ib-select/ib-select.js';

/** The audit retentions offered, in days. */
const CHOICES: [number, string][] = [
  [30, '30 days'],
  [90, '90 days'],
  [180, '6 months'],
  [365, '1 year'],
  [730, '2 years'],
  [1825, '5 years'],
  [2555, '7 years'],
];
const FOREVER = 'forever';

/** How long events are kept, in words: "1 year", "45 days", "for ever". */
export function retentionLabel(days: number | null): string {
  if (days === null) return 'for ever';
  return CHOICES.find(([d]) => d === days)?.[1] ?? `${days} days`;
}

/** A retention as a menu value ('forever' for null) and back. */
export const retentionValue = (days: number | null): string => (days === null ? FOREVER : String(days));
export const retentionDays = (value: string): number | null => (value === FOREVER ? null : Number(value));

/** The retention menu's options; a current value that is not one of the choices (set through the API) is kept in it. */
export function retentionOptions(current: number | null): SelectOption[] {
  const days = CHOICES.map(([d]) => d);
  if (current !== null && !days.includes(current)) days.push(current);
  return [
    ...days.sort((x, y) => x - y).map((d) => ({ value: String(d), label: retentionLabel(d) })),
    { value: FOREVER, label: 'Keep for ever' },
  ];
}
