import { describe, expect, it } from 'vitest';
import { laterRead } from './visitor-store.js';

describe('laterRead', () => {
  it('moves forward within a conversation and never back', () => {
    const a = { conversationId: 'cnv_01', seq: 5 };
    expect(laterRead(a, { conversationId: 'cnv_01', seq: 7 })).toEqual({ conversationId: 'cnv_01', seq: 7 });
    expect(laterRead(a, { conversationId: 'cnv_01', seq: 3 })).toBe(a);
  });

  it('a newer conversation wins even with a lower seq (seqs restart), an older one never does', () => {
    const a = { conversationId: 'cnv_01', seq: 12 };
    expect(laterRead(a, { conversationId: 'cnv_02', seq: 1 })).toEqual({ conversationId: 'cnv_02', seq: 1 });
    expect(laterRead({ conversationId: 'cnv_02', seq: 1 }, a)).toEqual({ conversationId: 'cnv_02', seq: 1 });
    expect(laterRead({ conversationId: '', seq: 0 }, a)).toBe(a);
  });
});
