export * from '../workspaces/workspaces.sql.js';
export * from '../agents/agents.sql.js';
export * from '../inboxes/inboxes.sql.js';
export * from '../contacts/contacts.sql.js';
export * from '../tickets/tickets.sql.js';
export * from '../messages/messages.sql.js';
export * from '../email/email.sql.js';
export * from '../attachments/attachments.sql.js';
