import { describe, expect, it } from 'vitest';
import { renderSystemMail } from './system-mail.templates.js';

describe('notification mail', () => {
  const link = 'https://help.example.com/inbox/t/tkt_01m9938e00e529eq4hy0zzr580';
  it('says what, from which rule or macro, on which ticket, with the ticket as the one link; text stays text', () => {
    const m = renderSystemMail('notification', { kind: 'notification', workspaceName: 'Acme', source: 'VIP <watch>', message: 'A VIP is waiting <b>now</b>', ticketNumber: 42 }, link);
    expect(m.subject).toBe('VIP <watch> on ticket #42');
    expect(m.text).toBe(`A VIP is waiting <b>now</b>\n\nFrom VIP <watch> on ticket #42, in Acme.\n\nOpen the ticket:\n\n${link}`);
    expect(m.html).toContain('<p>A VIP is waiting &#60;b&#62;now&#60;/b&#62;</p>');
    expect(m.html).toContain(`<a href="${link}">Open ticket #42</a>`);
    expect(m.html).not.toContain('<b>');
  });
  it('without a ticket: no link', () => {
    const m = renderSystemMail('notification', { kind: 'notification', workspaceName: 'Acme', source: 'Macro', message: 'Hello', ticketNumber: null }, link);
    expect(m.subject).toBe('Macro');
    expect(m.text).not.toContain(link);
  });
});
