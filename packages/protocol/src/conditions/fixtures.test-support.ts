import { encodeId } from '../ids.js';
import type { ConditionFacts } from './facts.js';

/** Wire ids and facts shared by the condition tests. */
export const INBOX = encodeId('inbox', '01890a5d-ac96-774b-bcce-b302099a8057');
export const INBOX_2 = encodeId('inbox', '01890a5d-ac96-774b-bcce-b302099a8058');
export const TEAM = encodeId('team', '01890a5d-ac96-774b-bcce-b302099a8059');
export const USER = encodeId('user', '01890a5d-ac96-774b-bcce-b302099a805a');
export const USER_2 = encodeId('user', '01890a5d-ac96-774b-bcce-b302099a805b');

export const NOW = new Date('2026-12-07T12:00:00Z');

/** A ticket opened at 10:00, customer wrote at 11:00, status changed at 11:50, no agent reply yet. */
export function facts(): ConditionFacts {
  return {
    ticket: {
      status: 'open',
      priority: 'high',
      channel: 'email',
      inboxId: INBOX,
      teamId: TEAM,
      assigneeId: USER,
      tags: ['billing', 'vip'],
      subject: 'Refund for Straße order',
      number: 42,
      createdAt: '2026-12-07T10:00:00Z',
      updatedAt: new Date('2026-12-07T11:30:00Z'),
      lastCustomerMessageAt: '2026-12-07T11:00:00.000Z',
      lastAgentReplyAt: null,
      statusChangedAt: new Date('2026-12-07T11:50:00Z'),
    },
    contact: {
      name: 'Zoë Ångström',
      email: 'zoe@Example.COM',
      attributes: { plan: 'Pro', seats: 12, beta: true, 'Plan Name': 'Gold', score: '7.5', nested: { a: 1 } },
    },
    message: { body: 'Hello, my INVOICE #123 is wrong', authorType: 'contact', visibility: 'public', attachments: [{ name: 'a.pdf' }] },
  };
}
