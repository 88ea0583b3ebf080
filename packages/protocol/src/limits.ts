/** Size limits enforced by the server's schemas; clients may use them to validate early. */
export const LIMITS = {
  messageBody: 10_000,
  clientMessageId: 64,
  tagName: 50,
  historyPage: 500,
  ticketPage: 100,
  restBodyBytes: 100 * 1024,
  socketPayloadBytes: 2 * 1024 * 1024,
} as const;
