import type { Message } from '@support/protocol';

/**
 * A message as a visitor may see it: every message that reaches the `/widget` namespace (live
 * `message:new`, `history`, the `message:send` ack) goes through here. `email` is always null:
 * its delivery state carries SMTP error text and its to/cc lists other people's addresses,
 * and the widget shows a message by its body and attachments alone.
 */
export function visitorMessage(m: Message): Message {
  return m.email === null ? m : { ...m, email: null };
}
