import { describe, expect, it } from 'vitest';
import type { Message, WidgetConversation } from '@support/protocol';
import { ConversationState } from './conversation.js';
import { message } from '../../../test/support/message-fixture.js';

const conv = (id: string, o: Partial<WidgetConversation> = {}): WidgetConversation => ({
  id,
  ticketId: `tkt_${id}`,
  lastSeq: 0,
  contactLastReadSeq: 0,
  agentLastReadSeq: 0,
  ...o,
});
const msg = (conversationId: string, seq: number, authorType: Message['authorType'] = 'agent') => message(conversationId, seq, { authorType });
const fresh = () => new ConversationState({ conversationId: '', seq: 0 });

describe('ConversationState', () => {
  it('takes live messages only for conversations of this inbox, history and acks always', () => {
    const s = fresh();
    s.setCurrent(conv('cnv_1'));
    expect(s.add([msg('cnv_1', 1), msg('cnv_other_inbox', 1)], true).added.map((m) => m.id)).toEqual(['msg_cnv_1_1']);
    expect(s.add([msg('cnv_0', 3)], false).added).toHaveLength(1);
    expect(s.add([msg('cnv_0', 4)], true).added).toHaveLength(1); // known from history now
  });

  it('an acked own message in a newer conversation makes it current; a retry from an older one does not', () => {
    const s = fresh();
    s.setCurrent(conv('cnv_2'));
    s.ticketStatus('tkt_cnv_2', 'closed');
    expect(s.closed).toBe(true);
    s.ownMessage(msg('cnv_1', 7, 'contact'));
    expect(s.current?.id).toBe('cnv_2');
    s.ownMessage(msg('cnv_3', 1, 'contact'));
    expect(s.current).toMatchObject({ id: 'cnv_3', ticketId: 'tkt_cnv_3' });
    expect(s.closed).toBe(false);
  });

  it('counts unread agent messages per conversation, restarting in a new one, and marks them seen', () => {
    const s = fresh();
    s.setCurrent(conv('cnv_1'));
    s.add([msg('cnv_1', 1, 'contact'), msg('cnv_1', 2), msg('cnv_1', 3)], true);
    expect(s.unread).toBe(2);
    expect(s.markSeen()).toBe(3);
    expect(s.markSeen()).toBeNull();
    expect(s.unread).toBe(0);
    s.setCurrent(conv('cnv_2'));
    s.add([msg('cnv_2', 1, 'contact'), msg('cnv_2', 2)], true);
    expect(s.unread).toBe(1); // seq 2 < the old conversation's 3, still unread
  });

  it('starts from the server read marker and only moves the agent marker forward', () => {
    const s = fresh();
    s.setCurrent(conv('cnv_1', { contactLastReadSeq: 2, agentLastReadSeq: 1 }));
    s.add([msg('cnv_1', 2), msg('cnv_1', 3)], true);
    expect(s.unread).toBe(1);
    expect(s.agentRead('cnv_1', 3)).toBe(true);
    expect(s.agentRead('cnv_1', 2)).toBe(false);
    expect(s.agentRead('cnv_9', 5)).toBe(false);
    s.setCurrent(conv('cnv_1', { agentLastReadSeq: 1 }));
    expect(s.current?.agentLastReadSeq).toBe(3);
  });

  it('forgets everything of the previous contact', () => {
    const s = fresh();
    s.setCurrent(conv('cnv_1'));
    s.add([msg('cnv_1', 1)], true);
    s.forget();
    expect([s.current, s.timeline.items.length, s.add([msg('cnv_1', 2)], true).added.length, s.after('cnv_1')]).toEqual([null, 0, 0, 0]);
  });

  it('sees a hole when a live message skips seqs, and catches up from below it, not from the highest seq held', () => {
    const s = fresh();
    s.setCurrent(conv('cnv_1'));
    expect(s.add([msg('cnv_1', 1), msg('cnv_1', 2)], false)).toMatchObject({ hole: false });
    expect(s.add([msg('cnv_1', 3)], true)).toMatchObject({ hole: false });
    expect(s.after('cnv_1')).toBe(3);
    // 4 and 5 never arrived (lost between nodes, or internal notes): 6 is a hole until history answers.
    expect(s.add([msg('cnv_1', 6)], true)).toMatchObject({ hole: true });
    expect(s.add([msg('cnv_1', 7)], true)).toMatchObject({ hole: true });
    expect(s.after('cnv_1')).toBe(3);
    expect(s.add([msg('cnv_1', 3)], true)).toMatchObject({ hole: false, added: [] }); // a repeat
    // History after 3: 5 is public, 4 was an internal note.
    s.add([msg('cnv_1', 5), msg('cnv_1', 6), msg('cnv_1', 7)], false);
    expect(s.after('cnv_1')).toBe(7);
    expect(s.timeline.items.map((m) => m.seq)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(s.add([msg('cnv_1', 8)], true)).toMatchObject({ hole: false });
    // Live messages of another inbox's conversation neither count nor open a hole.
    expect(s.add([msg('cnv_other_inbox', 9)], true)).toEqual({ added: [], hole: false });
  });
});
