import { describe, expect, it } from 'vitest';
import { parseMime } from './mime.js';

/** A one-part mail whose body is `body` (bytes) sent with the given Content-Type and transfer encoding. */
function mail(contentType: string, body: Buffer, o: { encoding?: '8bit' | 'base64' | '7bit'; subject?: string } = {}): Buffer {
  const encoding = o.encoding ?? 'base64';
  const head = [
    'From: Ana <ana@example.test>',
    'To: support@acme.test',
    `Subject: ${o.subject ?? 'charset test'}`,
    'Message-ID: <charset@example.test>',
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    `Content-Transfer-Encoding: ${encoding}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), encoding === 'base64' ? Buffer.from(body.toString('base64') + '\r\n') : body]);
}

describe('charsets', () => {
  it('UTF-8 bytes labelled us-ascii decode as UTF-8 (body and encoded-word subject)', async () => {
    const m = await parseMime(mail('text/plain; charset=us-ascii', Buffer.from('Envoyé de mon iPhone\r\n'), { encoding: '8bit', subject: '=?us-ascii?Q?R=C3=A9ponse?=' }));
    expect(m.text.trim()).toBe('Envoyé de mon iPhone');
    expect(m.subject).toBe('Réponse');
  });

  it('UTF-8 bytes with no charset label decode as UTF-8', async () => {
    const m = await parseMime(mail('text/plain', Buffer.from('Grüße aus Köln\r\n'), { encoding: '8bit' }));
    expect(m.text.trim()).toBe('Grüße aus Köln');
  });

  it('UTF-8 bytes labelled ISO-2022-JP (a carrier bounce) decode as UTF-8, not as replacement characters', async () => {
    const m = await parseMime(mail('text/plain; charset="ISO-2022-JP"', Buffer.from('メールボックスが一杯です\r\n'), { encoding: '7bit' }));
    expect(m.text.trim()).toBe('メールボックスが一杯です');
  });

  it('windows-1252 (and latin-1 and us-ascii, which mean it) decodes 0x80-0x9F as the euro sign, curly quotes and dashes', async () => {
    const bytes = Buffer.from([0x93, 0x4f, 0x4b, 0x94, 0x20, 0x96, 0x20, 0x64, 0x6f, 0x6e, 0x92, 0x74, 0x20, 0x80]);
    for (const charset of ['windows-1252', 'iso-8859-1', 'us-ascii'])
      expect((await parseMime(mail(`text/plain; charset=${charset}`, bytes))).text.trim()).toBe('“OK” – don’t €');
    expect((await parseMime(mail('text/plain', Buffer.from('x'), { subject: '=?windows-1252?Q?don=92t?=' }))).subject).toBe('don’t');
  });

  it('plain ASCII labelled us-ascii is unchanged, and real windows-1252 stays windows-1252', async () => {
    expect((await parseMime(mail('text/plain; charset=us-ascii', Buffer.from('plain text\r\n'), { encoding: '7bit' }))).text.trim()).toBe('plain text');
    // 0xE9 alone is not UTF-8: the label's decoder (windows-1252 for us-ascii, as before) decides.
    expect((await parseMime(mail('text/plain; charset=us-ascii', Buffer.from([0x45, 0x6e, 0x76, 0x6f, 0x79, 0xe9, 0x0d, 0x0a]), { encoding: '8bit' }))).text.trim()).toBe('Envoyé');
    expect((await parseMime(mail('text/plain; charset=windows-1252', Buffer.from('RW52b3npIIA=', 'base64')))).text.trim()).toBe('Envoyé €');
  });

  // Bytes of each text in its charset (encoded once with iconv-lite; ISO-2022-JP by hand).
  it.each([
    ['iso-2022-jp', '1b2442467c4b5c386c1b2842', 'hex', '日本語'],
    ['ISO-2022-JP', '1b244224222473242b1b2842', 'hex', 'あんか'],
    ['shift_jis', 'k/qWe4zqgsyDZYNMg1iDZw==', 'base64', '日本語のテキスト'],
    ['Shift-JIS', 'k/qWe4zqgsyDZYNMg1iDZw==', 'base64', '日本語のテキスト'],
    ['gb2312', '1tDOxNPKvP4=', 'base64', '中文邮件'],
    ['GBK', '1tDOxNPKvP4=', 'base64', '中文邮件'],
    ['big5', 'pKSk5bZspfM=', 'base64', '中文郵件'],
    ['koi8-r', '8NLJ18XUIM3J0g==', 'base64', 'Привет мир'],
    ['windows-1251', 'z/Do4uXyIOzo8A==', 'base64', 'Привет мир'],
    ['windows-1250', 'WmG/87PmIGfqnGy5', 'base64', 'Zażółć gęślą'],
    ['iso-8859-2', 'WmG/87PmIGfqtmyx', 'base64', 'Zażółć gęślą'],
    ['iso-8859-15', 'pHVybw==', 'base64', '€uro'],
    ['euc-kr', 'x9Gxub7u', 'base64', '한국어'],
  ] as const)('%s', async (charset, bytes, enc, want) => {
    const m = await parseMime(mail(`text/plain; charset="${charset}"`, Buffer.from(bytes, enc)));
    expect(m.text.trim()).toBe(want);
  });
});
