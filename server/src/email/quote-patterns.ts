/**
 * The lines mail clients write where a quoted message or a signature starts, in the languages
 * they ship: attribution lines ("On …, X wrote:"), "Original Message" rules, Outlook header
 * blocks, signature delimiters and mobile footers. Every test here runs on one line (or a few
 * lines joined) of at most a few hundred characters, with no nested quantifier, so the cost
 * is linear in the size of the mail.
 */
import { FROM_FIELD, SUBJECT_FIELD } from '@support/protocol';

/** Lines longer than this are text, never a marker (attribution lines joined stay under it too). */
export const MAX_MARKER = 600;

/** "wrote" (and "sent") as mail clients write it; some put the name after it (Norwegian, German, Dutch). */
const WROTE = [
  'wrote', 'sent', 'a [ée]crit', 'schrieb', 'escribi[óo]', 'escreveu', 'ha scritto', 'schreef', 'het volgende geschreven', 'geschreven',
  'napisa[łl](?:a|\\(a\\))?', 'naps[aá]l(?:a|\\(a\\))?', 'nap[íi]sal(?:a|\\(a\\))?', 'skrev', 'kirjoitti', 'pisze', 'пише', 'написал(?:а|\\(а\\))?', 'написав(?:ла)?', 'пишет',
  'đã viết', '[íi]rta', 'yazd[ıi]', 'έγραψε', 'a scris', 'va escriure', 'kirjutas', 'ra[šs][ėe]', 'rakst[īi]ja', 'napisao', 'napisala', 'je napisal',
  '写道', '寫道', '書きました', 'のメッセージ', '작성',
].join('|');
const VERB_END = new RegExp(`(?<!\\p{L})(?:${WROTE})\\s*:?$`, 'iu');
const VERB_ANY = new RegExp(`(?<!\\p{L})(?:${WROTE})(?!\\p{L})`, 'iu');
/** Words an attribution line starts with: "On", "Le", "Am", "El", "Em", "Op", "Il giorno", "In data", "W dniu", "Dnia", "Den", "På", "Vào"… */
const START_WORD = /^(?:on|le|am|el|em|op|il|in data|w dniu|dnia|den|p[åa]|v[àa]o|dne|dana|ma|ke|ti|to|pe|la|su|ср|пн|вт|чт|пт|сб|вс)(?!\p{L})/iu;
/** Or a date: a digit, a short weekday ("ср,", "tir.", "pe") before a digit, or an English weekday. */
const DATE_START = /^(?:\d|\p{L}{1,4}[.,]?\s+\d|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)/iu;
const TIME = /\d{1,2}[:.h]\d{2}/;
const YEAR = /(?<!\d)(?:19|20)\d{2}(?!\d)/;
/** `a@b.c` somewhere (called only on short candidate lines). */
export const hasEmail = (t: string) => t.includes('@') && /[^\s<>()"'@]@[^\s<>()"'@]+\.[^\s<>()"'@]/.test(t);
/** Without the rules of dashes Android, Zoho and Yahoo put around an attribution (a loop: a `$`-anchored pattern would backtrack). */
function undecorate(t: string): string {
  const deco = (c: string) => c === '-' || c === '=' || c === '_' || c === '*' || /\s/.test(c);
  let a = 0;
  let b = t.length;
  while (a < b && deco(t[a]!)) a++;
  while (b > a && deco(t[b - 1]!)) b--;
  return t.slice(a, b);
}

/** Whether the first line of an attribution could start one (a wrapped attribution is joined from there). */
export function couldStartAttribution(line: string): boolean {
  const core = undecorate(line);
  return START_WORD.test(core) || DATE_START.test(core) || hasEmail(core) || VERB_END.test(core);
}

/**
 * Whether `text` (one line, or a wrapped one joined with spaces) is an attribution line.
 * `nextIsQuote`: the next non-blank line starts with `>`, which lets weaker forms count
 * (no colon, no verb). Sentences that merely contain "wrote" do not match: the verb must end
 * the line (or the line must start like a date and end with a colon), and there must be a
 * date, a time or an address in it.
 */
export function isAttribution(text: string, nextIsQuote: boolean): boolean {
  if (text.length > MAX_MARKER) return false;
  const core = undecorate(text.replace(/：/g, ':'));
  const dashed = core.length < text.length && /^[-=_*]{2,}|[-=_*]{2,}$/.test(text);
  const email = hasEmail(core);
  const startsLike = START_WORD.test(core) || DATE_START.test(core);
  if (!(startsLike || dashed || email)) return false;
  const digit = /\d/.test(core);
  const colon = core.endsWith(':');
  // "On <date>, <name> wrote:", "<name> <addr> wrote:", "---- Name wrote ----".
  // Without a date or an address, only "On …, X wrote:" right above a `>` quote.
  if (VERB_END.test(core)) return (colon || dashed || email || nextIsQuote) && (digit || email || dashed || (colon && nextIsQuote && START_WORD.test(core)));
  // "Am <date> schrieb <name>:", "tir. <date> skrev <name> <addr>:", "<name> <addr> ezt írta (<date>):" (the verb inside).
  if (colon && VERB_ANY.test(core) && (startsLike ? TIME.test(core) || email : email && TIME.test(core))) return true;
  if (!startsLike) return false;
  // Gmail in many languages: "<date>, <time>, <name> <addr>:" with no verb at all.
  return email && (TIME.test(core) || YEAR.test(core)) && /[>)\]]\s*:?$/.test(core) && (colon || nextIsQuote);
}

/** Splits "reply text On <date>, X wrote:" (an attribution glued to the reply) into the two. Returns the column or -1. */
export function gluedAttribution(line: string): number {
  if (line.length > MAX_MARKER || !VERB_END.test(line)) return -1;
  for (const m of line.matchAll(/[\s-]On\s/g)) {
    const at = m.index + 1;
    const before = undecorate(line.slice(0, at));
    if (before && isAttribution(line.slice(at), false)) return at;
  }
  return -1;
}

/** "Original Message" between rules: `-----Original Message-----`, `-------- Message d'origine --------`… */
const ORIGINAL = new RegExp(
  '^[-=_*]{2,}\\s*(?:original message|reply message|original e-?mail|ursprüngliche nachricht|originalnachricht|antwort nachricht|oprindelig (?:meddelelse|besked)|' +
    "message d'origine|message original|mensaje original|mensagem original|messaggio originale|oorspronkelijk bericht|origineel bericht|ursprungligt meddelande|" +
    'opprinnelig melding|alkuperäinen viesti|wiadomość oryginalna|oryginalna wiadomość|исходное сообщение|оригинальное сообщение|původní zpráva|pôvodná správa|' +
    'eredeti üzenet|orijinal mesaj|αρχικό μήνυμα|mesaj original|izvorna poruka|原始邮件|原始郵件|元のメッセージ|원본 메시지)\\s*[-=_*]{2,}$',
  'iu',
);
export const isOriginalRule = (t: string) => t.length <= MAX_MARKER && ORIGINAL.test(t);

/** A header field of a quoted or forwarded message, in the languages clients write them ("*From:*", "De :", "Envoyé le :"). */
const FIELD = /^\*?(?:sent|date|datum|dato|data|fecha|envoy[ée](?: le)?|enviad[oa](?: el| em)?|gesendet|verzonden|inviato|sendt|skickat|wys[łl]ano|отправлено|дата|l[äa]hetetty|p[äa]iv[äa]m[äa][äa]r[äa]|elk[üu]ldve|d[áa]tum|tarih|odesl[áa]no|to|[àa]|an|aan|para|til|till|do|кому|vastaanottaja|c[íi]mzett|kime|komu|收件人|宛先|cc|kopie|copie [àa]|kopia|копия|m[áa]solat|reply-to|message du|发送时间|日期|送信日時)\s?\*?\s?:/iu;
export const isHeaderField = (t: string) => t.length <= MAX_MARKER && (FIELD.test(t) || FROM_FIELD.test(t) || SUBJECT_FIELD.test(t));
export const isFromField = (t: string) => t.length <= MAX_MARKER && FROM_FIELD.test(t);
/** "Sent:" as Outlook writes it (a word an itinerary or a form does not use, unlike "Date:", "From:", "To:"). */
const SENT_FIELD = /^\*?(?:sent|envoy[ée](?: le)?|gesendet|verzonden|inviato|enviad[oa](?: el| em)?|sendt|skickat|wys[łl]ano|отправлено|l[äa]hetetty|elk[üu]ldve|odesl[áa]no|发送时间|送信日時)\s?\*?\s?:/iu;
export const isSentField = (t: string) => t.length <= MAX_MARKER && SENT_FIELD.test(t);

/** The RFC 3676 signature delimiter ("-- "), and "--" as many clients trim it. */
export const isSignatureRule = (t: string) => /^--\s*$/.test(t);

/** Footers mobile and desktop apps add, in a few languages; a link after the name is allowed ("Get Outlook for iOS<https://…>"). */
const FOOTER = [
  /^sent (?:from|with|via|using) [\p{L}\d][\p{L}\d\s.'’&+-]{0,60}$/iu, // "Sent from my iPhone", "Sent from Samsung Mobile", "Sent with Sparrow"
  /^get outlook for (?:ios|android)$/i,
  /^(?:envoy[ée] (?:de|depuis|à partir de) (?:mon )?|von meinem .{1,30} gesendet$|gesendet von |enviado (?:desde|do|de) (?:mi |meu |o )?|inviato da |verzonden (?:met|vanaf) |verstuurd (?:met|vanaf) |wys[łl]ane z |отправлено с |skickat fr[åa]n |sendt fra |l[äa]hetetty |k[üu]ldve )/iu,
];
/** Whether the line is an app footer such as "Sent from my iPhone" (links removed first; a sentence with a comma is not). */
export function isFooter(t: string): boolean {
  if (t.length > 200) return false;
  const bare = t.replace(/<[^<>\s]*>|\(https?:[^()\s]*\)/g, '').trim();
  if (bare.length > 80 || /[,;!?]/.test(bare) || bare.endsWith('.')) return false;
  return FOOTER.some((r) => r.test(bare));
}
