const stamp = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A moment as settings tables show it: "3 Mar 2030, 14:05" in the browser's time zone. */
export const dateTime = (iso: string): string => stamp.format(new Date(iso));
