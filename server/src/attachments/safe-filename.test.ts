import { describe, expect, it } from 'vitest';
import { safeFilename } from './attachments.service.js';

describe('safeFilename', () => {
  it('removes bidi controls, zero-width characters and other invisible formatting', () => {
    expect(safeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    const hidden = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\u200C', '\u200D', '\uFEFF', '\u2060', '\u00AD', '\u2028', '\u2029'];
    for (const c of hidden) expect(safeFilename(`re${c}port.pdf`), c.codePointAt(0)!.toString(16)).toBe('report.pdf');
    expect(safeFilename('\u2066\u2067evil\u2069.txt')).toBe('evil.txt');
  });

  it('keeps visible text whole: emoji, accents, other scripts; paths, controls and lone surrogates go', () => {
    expect(safeFilename('Résumé 🙂 отчёт 報告.pdf')).toBe('Résumé 🙂 отчёт 報告.pdf');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('a\u0000b\u0007"c".txt')).toBe('abc.txt');
    expect(safeFilename('a\ud800b.txt')).toBe('ab.txt');
    expect(safeFilename('\u202E\u200B')).toBe('file');
    const long = safeFilename('🙂'.repeat(300));
    expect(Array.from(long)).toHaveLength(200);
    expect(long).toBe('🙂'.repeat(200));
  });
});
