/**
 * The public test suites of four reply parsers, read from local git mirrors (nothing of them
 * is copied into this repository), as cases: an input and what the suite expects to stay
 * visible. See bench/quotes.ts for how a result is scored.
 */
import { execFileSync } from 'node:child_process';
import PostalMime from 'postal-mime';

/**
 * `reply`: the text the suite expects visible: exact, `'all'` (the whole input), or
 * `{ upTo }` (the input before the first occurrence of that text). `optional`: text whose
 * lines may be kept or dropped (signatures and app footers the suite hides as a signature,
 * not as a quote, or does not assert on).
 */
export type Spec = { reply: string | 'all' | { upTo: string }; optional?: string[] };
export type Case = { suite: string; name: string; input: string; reply: string; optional: string[] };

const git = (dir: string, path: string) => execFileSync('git', ['--git-dir', dir, 'show', `HEAD:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
const has = (dir: string, path: string) => {
  try {
    execFileSync('git', ['--git-dir', dir, 'cat-file', '-e', `HEAD:${path}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const list = (dir: string, path: string) =>
  execFileSync('git', ['--git-dir', dir, 'ls-tree', '--name-only', `HEAD:${path}`], { encoding: 'utf8' }).split('\n').filter(Boolean);

function make(suite: string, name: string, input: string, spec: Spec): Case {
  const r = spec.reply;
  let reply: string;
  if (r === 'all') reply = input;
  else if (typeof r === 'string') reply = r;
  else {
    const at = input.indexOf(r.upTo);
    if (at < 0) throw new Error(`${suite}/${name}: "${r.upTo}" not in the input`);
    reply = input.slice(0, at);
  }
  for (const l of (spec.optional ?? []).flatMap((o) => o.split('\n')))
    if (!input.includes(l.trim())) throw new Error(`${suite}/${name}: optional line "${l}" not in the input`);
  return { suite, name, input, reply, optional: spec.optional ?? [] };
}

/** Finds which suite a mirror holds and reads its cases; null if it is none of the four. */
export async function loadSuite(dir: string): Promise<Case[] | null> {
  if (has(dir, 'tests/text_quotations_test.py')) return talon(dir);
  if (has(dir, 'test/email_reply_parser_test.rb')) return fixtures(dir, 'email_reply_parser (GitHub)', 'test/emails', GITHUB);
  if (has(dir, 'test/test_email_reply_parser.py')) return fixtures(dir, 'email-reply-parser (zapier)', 'test/emails', ZAPIER);
  if (has(dir, 'test/test.js') && has(dir, 'test/fixtures/email_1.txt')) return crisp(dir);
  return null;
}

function fixtures(dir: string, suite: string, folder: string, specs: Record<string, Spec>, extra: Record<string, string> = {}): Case[] {
  return Object.entries(specs).map(([name, spec]) => make(suite, name, extra[name] ?? git(dir, `${folder}/${name}.txt`), spec));
}

// --- GitHub's email_reply_parser (Ruby): visible text is the fragments not hidden; a hidden signature is optional.
const RIAK_FOOTER = '_______________________________________________\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com';
const github12: Spec = { reply: { upTo: '\n> \n> -Abhishek Kona' }, optional: [RIAK_FOOTER] };
const github18: Spec = { reply: { upTo: '\n\n>\n> -- Tim' }, optional: ['--\nHey there, this is my signature'] };
const GITHUB: Record<string, Spec> = {
  email_1_1: { reply: { upTo: '-Abhishek Kona' }, optional: ['-Abhishek Kona', RIAK_FOOTER] },
  email_1_2: github12,
  email_1_3: { reply: { upTo: '-Abhishek Kona' }, optional: ['-Abhishek Kona', RIAK_FOOTER] },
  email_1_4: { reply: { upTo: 'On Aug 22' } },
  email_1_5: { reply: 'all' },
  correct_sig: { reply: { upTo: '-- \nrick' }, optional: ['-- \nrick'] },
  email_1_6: { reply: { upTo: 'On Dec 16' }, optional: ['Sent from a magnificent torch of pixels'] },
  email_1_7: { reply: { upTo: 'On Tue, Sep 25' } },
  email_1_8: github18,
  email_2_1: { reply: 'Outlook with a reply' },
  email_2_2: { reply: 'Outlook with a reply directly above line' },
  email_2_3: { reply: 'Outlook with a reply directly above line' },
  email_iPhone: { reply: 'Here is another email', optional: ['Sent from my iPhone'] },
  email_BlackBerry: { reply: 'Here is another email', optional: ['Sent from my BlackBerry'] },
  email_multi_word_sent_from_my_mobile_device: { reply: 'Here is another email', optional: ['Sent from my Verizon Wireless BlackBerry'] },
  email_sent_from_my_not_signature: { reply: 'Here is another email\n\nSent from my desk, is much easier then my mobile phone.' },
  email_bullets: {
    reply: 'test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another',
    optional: ['-- \n\n*Joe Smith | Director, Product Management*'],
  },
  email_one_is_not_on: { reply: { upTo: 'On Oct 1, 2012' } },
  greedy_on: { reply: { upTo: 'On 9 Jan 2014' } },
  email_sig_delimiter_in_middle_of_line: { reply: 'all' },
};

// --- zapier's email-reply-parser (Python port of GitHub's): its own assertions.
const ZAPIER: Record<string, Spec> = {
  email_1_1: GITHUB.email_1_1!,
  email_1_2: github12,
  email_1_8: github18,
  email_1_6: { reply: { upTo: 'On Dec 16' }, optional: ['Sent from a magnificent torch of pixels'] },
  email_1_4: { reply: { upTo: 'On Aug 22' } },
  email_1_5: { reply: 'all' },
  correct_sig: GITHUB.correct_sig!,
  email_1_7: { reply: { upTo: 'On Tue, Sep 25' } },
  email_gmail: { reply: 'This is a test for inbox replying to a github message.' },
  email_2_1: { reply: 'Outlook with a reply' },
  email_2_2: { reply: 'Outlook with a reply directly above line' },
  email_2_3: { reply: 'Outlook with a reply above headers using unusual format' },
  email_iPhone: { reply: 'Here is another email' },
  email_one_is_not_on: { reply: { upTo: 'On Oct 1, 2012' } },
  email_partial_quote_header: { reply: { upTo: 'On 9 Jan 2014' } },
  email_headers_no_delimiter: { reply: 'And another reply!' },
  greedy_on: { reply: { upTo: 'On 9 Jan 2014' } },
  email_sig_delimiter_in_middle_of_line: { reply: 'all' },
};

// --- crisp's email-reply-parser (JS): fixtures its test.js asserts on; COMMON is its COMMON_FIRST_FRAGMENT.
const COMMON = '\u0000common';
const CRISP_COMMON = [
  'email_7', 'email_8', 'email_9', 'email_10', 'email_11', 'email_12', 'email_13', 'email_14', 'email_16', 'email_17', 'email_18', 'email_22',
  'email_23', 'email_24', 'email_25', 'email_26', 'email_portuguese', 'email_german', 'email_german_2', 'email_german_outlook', 'email_norwegian_gmail',
  'email_finnish', 'email_italian', 'email_russian', 'email_outlook_split_line_from', 'email_gmail_split_line_from', 'email_msn', 'email_fr_multiline',
  'email_french_2', 'email_en_multiline_2', 'email_original_message', 'email_original_message_2', 'email_danish_dash_separator',
  'email_french_dash_separator', 'email_tricky_5_mixed_languages', 'email_tricky_10_special_chars_in_name', 'email_tricky_12_no_space_after_header',
  'email_tricky_14_long_quote_header', 'email_tricky_15_original_message_variations',
];
const CRISP: Record<string, Spec> = {
  ...Object.fromEntries(CRISP_COMMON.map((n) => [n, { reply: COMMON }])),
  email_15: { reply: COMMON, optional: ['Sent from my Wiko RIDGE FAB 4G'] },
  email_german_3: { reply: COMMON, optional: ['Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>'] },
  email_ios_outlook: { reply: COMMON, optional: ['Get Outlook for iOS<https://aka.ms/o0ukef>'] },
  email_ios_outlook_fr: { reply: COMMON, optional: ['Envoyé à partir de Outlook pour iOS<https://aka.ms/o0ukef>'] },
  email_1: { reply: { upTo: '-Abhishek Kona' }, optional: ['-Abhishek Kona', '__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com'] },
  email_2: { reply: { upTo: '\n> \n> -Abhishek Kona' }, optional: ['__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com'] },
  email_3: { reply: { upTo: '-Abhishek Kona' }, optional: ['-Abhishek Kona', '__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com'] },
  email_4: { reply: { upTo: 'On Aug 22' } },
  email_5: { reply: 'all' },
  email_6: { reply: { upTo: 'On Dec 16' } },
  correct_sig: { reply: { upTo: '--\nrick' }, optional: ['--\nrick'] },
  sig_no_empty_line: { reply: { upTo: '--\nrick' }, optional: ['--\nrick'] },
  email_one_is_not_on: { reply: { upTo: 'On Oct 1, 2012' } },
  email_sent_from: { reply: { upTo: 'Sent from TypeApp' }, optional: ['Sent from TypeApp<http://www.typeapp.com/r?b=2621>'] },
  email_emoji: { reply: 'all' },
  email_not_a_signature: { reply: 'all' },
  email_not_a_signature_2: { reply: 'all' },
  email_reply_header: { reply: { upTo: 'On Wed, Dec 9' }, optional: ['--\nMy name is Stranger'] },
  email_zoho: { reply: { upTo: '---- On Wed' } },
  email_with_regards: { reply: { upTo: 'Regards,' }, optional: ['Regards,\n\nJohn Doe\nCEO @ Acme !'] },
  email_tricky_1_on_false_positive: { reply: 'all' },
  email_tricky_2_url_with_wrote: { reply: { upTo: 'Best regards' }, optional: ['Best regards,\nJohn'] },
  email_tricky_3_code_block: { reply: 'all' },
  email_tricky_6_regards_in_sentence: { reply: 'all' },
  email_tricky_7_multiple_dashes: { reply: 'all' },
  email_tricky_8_sent_from_in_content: { reply: 'all' },
  email_tricky_9_nested_quotes: { reply: { upTo: 'On Dec 15, 2024' } },
  email_tricky_11_double_signature: { reply: 'Thanks for your help!', optional: ['Best regards,\nJohn\n\n--\nJohn Doe\nSenior Developer\nExample Corp\n\nSent from my iPhone'] },
  email_tricky_13_timestamp_variations: { reply: 'all' },
  email_tricky_16_unicode_signatures: { reply: 'Thanks for the update!', optional: ['Cheers 🎉\nSarah\n\n—————\nSarah Johnson\nProduct Manager\n📧 sarah@example.com\n📱 +1 555-0123'] },
  // Asserts only the note; the forward below it may stay (talon's suite keeps forwards whole).
  email_tricky_17_forward_header: { reply: { upTo: '---------- Forwarded' }, optional: ['---------- Forwarded message ---------\nFrom: John Smith <john@example.com>\nDate: Mon, Dec 15, 2024 at 3:00 PM\nSubject: Important update\nTo: Team <team@example.com>\n\nThis is the forwarded content that should be treated as quoted text.'] },
  // Asserts the replies are there; the quotes between them may stay.
  email_tricky_18_inline_reply: { reply: 'I think option A is great.\nOption B has some drawbacks.\nOption C is not suitable for our use case.', optional: ["On Dec 15, 2024, at 2:00 PM, Jane Doe <jane@example.com> wrote:\n> What's your opinion on option A?\n> What about option B?\n> Should we go with option C?"] },
  email_tricky_19_quote_without_header: { reply: 'I wanted to respond to your points:\nMy response to the quoted text above.\nAnd my final thoughts.', optional: ['> This is a quoted section\n> without a proper quote header\n> just angle brackets\n> Another quoted section\n> in the middle of the email'] },
  email_tricky_20_html_entities: { reply: { upTo: 'On Dec 15, 2024' } },
  // The same fixtures GitHub's suite asserts on (crisp ships them without a test of its own).
  email_2_1: { reply: 'Outlook with a reply' },
  email_iphone: { reply: 'Here is another email', optional: ['Sent from my iPhone'] },
  email_blackberry: { reply: 'Here is another email', optional: ['Sent from my BlackBerry'] },
  email_multi_word_sent_from_my_mobile_device: { reply: 'Here is another email', optional: ['Sent from my Verizon Wireless BlackBerry'] },
  email_sent_from_my_not_signature: { reply: 'Here is another email\n\nSent from my desk, is much easier then my mobile phone.' },
  email_bullets: GITHUB.email_bullets!,
};

function crisp(dir: string): Case[] {
  const test = git(dir, 'test/test.js');
  const m = /COMMON_FIRST_FRAGMENT = '((?:[^'\\]|\\[\s\S])*)'/.exec(test);
  if (!m) throw new Error('crisp: COMMON_FIRST_FRAGMENT not found in test/test.js');
  const common = m[1]!.replace(/\\n\\\n/g, '\n').replace(/\\n/g, '\n').replace(/\\'/g, "'");
  const specs = Object.fromEntries(Object.entries(CRISP).map(([n, s]) => [n, s.reply === COMMON ? { ...s, reply: common } : s]));
  const cases = fixtures(dir, "email-reply-parser (crisp)", 'test/fixtures', specs);
  // Two inline emails in test.js (parseReply / parseReplied with a quote header).
  const inline = [...test.matchAll(/var emailContent = `([^`]*)`/g)].map((x) => x[1]!);
  inline.forEach((input, i) => cases.push(make('email-reply-parser (crisp)', `inline_${i + 1}`, input, { reply: { upTo: 'On Dec 16, 2024' }, optional: i === 0 ? ['Best regards,\nJohn'] : [] })));
  return cases;
}

// --- talon (mailgun, Python): every eq_(expected, quotations.extract_from_plain(body)) in its plain-text tests, and its standard replies.
async function talon(dir: string): Promise<Case[]> {
  const suite = 'talon (mailgun)';
  const src = git(dir, 'tests/text_quotations_test.py');
  const cases: Case[] = [];
  // test_too_many_lines patches talon's line limit down to 1: it tests that limit, not what a reply is.
  for (const { fn, expected, input } of pythonEqCases(src)) if (!fn.startsWith('test_too_many_lines#')) cases.push(make(suite, fn, input, { reply: expected }));
  // _check_pattern_original_message('X'): "Test reply\n\n-----X-----\n\nTest" → "Test reply".
  for (const m of src.matchAll(/_check_pattern_original_message\(u?'([^']*)'\)/g))
    cases.push(make(suite, `original_message ${m[1]}`, `Test reply\n\n-----${m[1]}-----\n\nTest`, { reply: 'Test reply' }));
  const folder = 'tests/fixtures/standard_replies';
  const files = list(dir, folder);
  for (const f of files.filter((x) => x.endsWith('.eml'))) {
    // As talon's test reads them (Python's email package): format=flowed lines are not joined.
    const mail = await PostalMime.parse(git(dir, `${folder}/${f}`).replace(/;\s*format="?flowed"?/gi, ''));
    const base = f.slice(0, -4);
    const expected = files.includes(`${base}_reply_text`) ? git(dir, `${folder}/${base}_reply_text`).trim() : 'Hello';
    const optional = base === 'iphone' ? ['Sent from my iPhone'] : base === 'sparrow' ? ['-- \nxxx\nSent with Sparrow (http://www.sparrowmailapp.com/?sig)'] : [];
    cases.push(make(suite, `standard_replies/${base}`, mail.text ?? '', { reply: expected, optional }));
  }
  return cases;
}

/** The eq_(expected, quotations.extract_from_plain(body)) calls of a Python test file, with names assigned earlier in the same function resolved. */
function pythonEqCases(src: string): { fn: string; expected: string; input: string }[] {
  const toks = pyTokens(src);
  const out: { fn: string; expected: string; input: string }[] = [];
  let fn = '';
  let env = new Map<string, string>();
  let n = 0;
  // An expression: adjacent string literals (in parentheses or not), or a name bound earlier; anything else is undefined.
  const expr = (i: number): [string | undefined, number] => {
    let paren = 0;
    while (toks[i]?.v === '(') (paren++, i++);
    let s: string | undefined;
    if (toks[i]?.t === 'str') {
      s = '';
      while (toks[i]?.t === 'str') s += toks[i++]!.v;
    } else if (toks[i]?.t === 'name') s = env.get(toks[i++]!.v);
    else return [undefined, i];
    if (toks[i]?.v === '.') return [undefined, i];
    while (paren > 0 && toks[i]?.v === ')') (paren--, i++);
    return [paren ? undefined : s, i];
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.t === 'name' && t.v === 'def' && toks[i + 1]?.t === 'name') {
      fn = toks[i + 1]!.v;
      env = new Map();
      n = 0;
    } else if (t.t === 'name' && toks[i + 1]?.v === '=' && toks[i + 2]?.v !== '=') {
      const [v] = expr(i + 2);
      if (v !== undefined) env.set(t.v, v);
      else env.delete(t.v);
    } else if (t.t === 'name' && t.v === 'eq_' && toks[i + 1]?.v === '(' && fn.startsWith('test_')) {
      const [expected, j] = expr(i + 2);
      const call = toks.slice(j, j + 5).map((x) => x.v).join('');
      if (expected === undefined || call !== ',quotations.extract_from_plain(') continue;
      const [input] = expr(j + 5);
      if (input !== undefined) out.push({ fn: `${fn}#${++n}`, expected, input });
    }
  }
  return out;
}

type Tok = { t: 'str' | 'name' | 'op'; v: string };

/** Python tokens enough for test files: string literals (decoded), names, single-character operators; comments skipped. */
function pyTokens(src: string): Tok[] {
  const toks: Tok[] = [];
  const re = /#[^\n]*|([rRuUbB]{0,2})("""|'''|"|')|([A-Za-z_]\w*)|(\S)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    if (m[0].startsWith('#')) continue;
    if (m[2]) {
      const q = m[2];
      let i = re.lastIndex;
      let body = '';
      while (i < src.length && !src.startsWith(q, i)) {
        if (src[i] === '\\') (body += src.slice(i, i + 2), i += 2);
        else body += src[i++];
      }
      re.lastIndex = i + q.length;
      toks.push({ t: 'str', v: /r/i.test(m[1]!) ? body : unescapePy(body) });
    } else if (m[3]) toks.push({ t: 'name', v: m[3] });
    else toks.push({ t: 'op', v: m[4]! });
  }
  return toks;
}

function unescapePy(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|\n|.)/g, (_, e: string) => {
    if (e[0] === 'x' || e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '\n': '' } as Record<string, string>)[e] ?? `\\${e}`;
  });
}
