/**
 * Where a forwarded message starts in the text of an email. The server keeps a forwarded
 * message in a message's `body` (and `html`) instead of cutting it as a quote; the inbox
 * finds it again with the same function to show it collapsed. Both sides must agree, so the
 * rule lives here, beside the wire schemas.
 *
 * A forward starts at:
 * - a separator line naming a forward, in the languages mail clients ship
 *   (`---------- Forwarded message ---------`, `-------- Message transféré --------`);
 * - Apple Mail's and iOS's `Begin forwarded message:` line (and its translations);
 * - an Outlook header block (`From:` then, within a few lines, `Subject: FW: …`), with or
 *   without the rule or "Original Message" line above it.
 */

const FORWARD_PHRASES = [
  'forwarded message', 'forwarded e-?mail', 'message transf[ée]r[ée]', 'message r[ée]exp[ée]di[ée]', 'weitergeleitete nachricht',
  'mensaje reenviado', 'mensagem encaminhada', 'mensagem reencaminhada', 'messaggio inoltrato', 'doorgestuurd(?:e)? bericht',
  'wiadomo[śs][ćc] przekazana dalej', 'przekazana wiadomo[śs][ćc]', 'пересылаемое сообщение', 'пересланное сообщение',
  'videresendt (?:meddelelse|besked|melding)', 'vidarebefordrat (?:meddelande|brev)', 'v[äa]litetty viesti', 'tov[áa]bb[íi]tott (?:[üu]zenet|lev[ée]l)',
  'p[řr]eposlan[áa] zpr[áa]va', 'preposlan[áa] spr[áa]va', 'iletilen (?:mesaj|ileti)', 'προωθημένο μήνυμα', 'mesaj redirec[țt]ionat',
  '转发的邮件', '轉寄的郵件', '転送されたメッセージ', '전달된 메시지',
].join('|');

/** `---------- Forwarded message ---------` and the like: the phrase between rules of dashes (or `=`, `_`, `*`). */
const FORWARD_RULE = new RegExp(`^[-=_*]{2,}\\s*(?:${FORWARD_PHRASES})\\s*[-=_*]{2,}$`, 'iu');
/** Apple Mail / iOS: "Begin forwarded message:" in the user's language. */
const FORWARD_BEGIN = new RegExp(
  '^(?:begin forwarded message|d[ée]but du message r[ée]exp[ée]di[ée]|anfang der weitergeleiteten (?:nachricht|e-mail)|inicio del mensaje reenviado|' +
    'inizio messaggio inoltrato|begin doorgestuurd bericht|in[íi]cio da mensagem (?:reencaminhada|encaminhada)|начало переадресованного сообщения|' +
    'videresendt (?:meddelelse|besked|melding)|vidarebefordrat brev|v[äa]litetty viesti alkaa|pocz[ąa]tek przekazywanej wiadomo[śs]ci|' +
    'tov[áa]bb[íi]tott lev[ée]l kezdete|za[čc][áa]tek p[řr]eposlan[ée] zpr[áa]vy|转发的邮件|転送されたメッセージ)\\s*:$',
  'iu',
);

/** "From:" in the languages Outlook and webmails write their header block in (bold `*From:*` included). */
export const FROM_FIELD = /^\*?(?:from|de|von|van|da|fra|från|od|от|lähettäjä|feladó|kimden|remitente|mittente|afzender|nadawca|від|από|expéditeur|发件人|寄件者|差出人)\s?\*?\s?:/iu;
/** "Subject:" likewise. */
export const SUBJECT_FIELD = /^\*?(?:subject|objet|sujet|betreff|onderwerp|oggetto|asunto|assunto|emne|ämne|temat|тема|aihe|tárgy|konu|předmět|predmet|θέμα|主题|主旨|件名|제목)\s?\*?\s?:\s?\*?\s?/iu;
/**
 * Subject prefixes that mark a forward (a reply's subject starts with "RE:", "AW:", "SV:"…, so "RE: FW:" is a reply).
 * Not "VS:": a forward in Norwegian and Danish, a reply in Finnish.
 */
const FORWARD_SUBJECT = /^(?:fwd?|wg|tr|rv|enc|vb|vl|doorst|pd|i|πρθ|переслать|пер|转发|轉寄|転送)\s?:/iu;

/** Longest line looked at: forward markers and header fields are short. */
const MAX_LINE = 400;

/** Whether this line (trimmed) is a forward separator or an Apple "Begin forwarded message:" line. */
export function isForwardLine(line: string): boolean {
  const t = line.trim();
  return t.length <= MAX_LINE && (FORWARD_RULE.test(t) || FORWARD_BEGIN.test(t));
}

/**
 * Whether lines[i] starts an Outlook header block of a forward: a "From:" line followed within
 * eight lines (before a blank line) by a "Subject:" whose value starts with a forward prefix.
 */
export function isForwardHeader(lines: readonly string[], i: number): boolean {
  const first = lines[i]!.trim();
  if (first.length > MAX_LINE || !FROM_FIELD.test(first)) return false;
  for (let k = i + 1; k < Math.min(lines.length, i + 9); k++) {
    const t = lines[k]!.trim();
    if (!t) return false;
    const m = t.length <= MAX_LINE ? SUBJECT_FIELD.exec(t) : null;
    if (m) return FORWARD_SUBJECT.test(t.slice(m[0].length));
  }
  return false;
}

/** A line of only rules (`-----`, `_____`, `=====`), as clients put above a header block. */
export const isRuleLine = (line: string) => /^[-_=*~—–\s]{2,}$/.test(line) && /[-_=*~—–]{2,}/.test(line);

/** Index of the first line where a forwarded message starts, or -1. Lines quoted with `>` never start one. */
export function forwardStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (!t || t.startsWith('>')) continue;
    if (isForwardLine(t)) return i;
    if (isForwardHeader(lines, i)) {
      // Outlook puts a rule (or "-----Original Message-----") right above the block: it belongs to the forward.
      let s = i;
      while (s > 0 && (isRuleLine(lines[s - 1]!) || /^[-_\s]*original message[-_\s]*$/i.test(lines[s - 1]!.trim()))) s--;
      return s;
    }
  }
  return -1;
}
