/**
 * Quote and signature stripping for plain-text replies. The rules cover what mail clients
 * put under a reply: the attribution line ("On … wrote:", in a few languages, wrapped over
 * up to three lines as Gmail does), Outlook's "-----Original Message-----" and its
 * From:/Sent:/To:/Subject: block (desktop and web), a `>`-quoted tail, the `-- ` signature
 * delimiter and mobile footers ("Sent from my iPhone"). Everything from the first of them
 * on is dropped; if nothing would be left the full text is kept.
 */

const ATTRIBUTION = [
  /^on\b.{0,300}\bwrote:$/i, // Gmail, Apple Mail, Thunderbird, iOS, Android
  /^le\b.{0,300}\ba écrit\s?:$/i,
  /^am\b.{0,300}\bschrieb.{0,100}:$/i,
  /^el\b.{0,300}\bescribió:$/i,
  /^op\b.{0,300}\bschreef.{0,100}:$/i,
  /^il giorno\b.{0,300}\bha scritto:$/i,
  /^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}.{0,200}<[^>]+@[^>]+>:?$/, // "2024-03-04 10:00 GMT+01:00 Name <a@b.c>:"
];
const SEPARATOR = [
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^-{2,}\s*forwarded message\s*-{2,}$/i,
  /^_{10,}$/, // Outlook web / new Outlook rule before the From: block
  /^-{5,}\s*reply message\s*-{5,}$/i,
];
const SIGNATURE = [
  /^-- ?$/, // RFC 3676 signature delimiter
  /^sent from my (iphone|ipad|android|mobile|samsung|galaxy|phone|blackberry)/i,
  /^sent from (outlook|yahoo mail|mail) for (ios|android|windows)/i,
  /^get outlook for (ios|android)/i,
  /^sent from my .{1,40} (device|phone)$/i,
  /^envoyé de mon (iphone|ipad)/i,
  /^von meinem (iphone|ipad) gesendet/i,
];
const HEADER_BLOCK_START = /^\*?(from|de|von|van|da):\*?\s/i;
const HEADER_BLOCK_FIELD = /^\*?(sent|date|to|subject|cc|envoyé|gesendet|an|betreff|objet|à|enviado|para|asunto|inviato|oggetto|onderwerp|verzonden):\*?(\s|$)/i;

export type Stripped = { text: string; stripped: boolean };

/** Returns the new text of a reply and whether anything was cut. Line endings become \n. */
export function stripQuotes(input: string): Stripped {
  const full = input.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
  const lines = full.split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    if (startsQuote(lines, i)) {
      cut = i;
      break;
    }
  }
  // A `>` block (with blank lines) running to the end is quoted text, wherever it starts.
  let end = cut;
  while (end > 0 && (/^\s*>/.test(lines[end - 1]!) || !lines[end - 1]!.trim())) end--;
  if (end < cut && lines.slice(end, cut).some((l) => /^\s*>/.test(l))) cut = end;
  const text = lines.slice(0, cut).join('\n').replace(/\s+$/, '');
  if (!text.trim()) return { text: full, stripped: false };
  return { text, stripped: text !== full };
}

function startsQuote(lines: string[], i: number): boolean {
  const line = lines[i]!.trim();
  if (SEPARATOR.some((r) => r.test(line)) || SIGNATURE.some((r) => r.test(line))) return true;
  // Attribution lines are wrapped by some clients: try this line joined with the next two.
  let joined = line;
  for (let k = 0; k < 3 && i + k < lines.length; k++) {
    if (k > 0) joined += ' ' + lines[i + k]!.trim();
    if (ATTRIBUTION.some((r) => r.test(joined))) return true;
  }
  // Outlook: "From: …" followed by Sent:/Date:/To:/Subject: lines.
  if (HEADER_BLOCK_START.test(line)) {
    let fields = 0;
    for (let k = i + 1; k < Math.min(lines.length, i + 6); k++) if (HEADER_BLOCK_FIELD.test(lines[k]!.trim())) fields++;
    if (fields >= 2) return true;
  }
  return false;
}

/**
 * Markers where mail clients start the quoted part of an HTML reply (Gmail, Apple Mail,
 * Thunderbird, Outlook desktop and web, Yahoo). Returns the index of the first, or -1.
 */
export function htmlQuoteStart(html: string): number {
  const markers = [
    /<div[^>]*class="[^"]*\bgmail_quote\b/i,
    /<blockquote[^>]*type="cite"/i,
    /<div[^>]*class="[^"]*\bmoz-cite-prefix\b/i,
    /<div[^>]*id="?divRplyFwdMsg/i,
    /<div[^>]*id="?appendonsend/i,
    /<hr[^>]*id="?stopSpelling/i,
    /<div[^>]*class="[^"]*\byahoo_quoted\b/i,
    /<div[^>]*style="[^"]*border-top:\s*solid\s*#[0-9a-f]{6}\s*1\.0pt[^"]*"[^>]*>\s*<p[^>]*class="?MsoNormal/i,
  ];
  let first = -1;
  for (const m of markers) {
    const r = m.exec(html);
    if (r && (first < 0 || r.index < first)) first = r.index;
  }
  return first;
}
