/** Size limits enforced by the server's schemas; clients may use them to validate early. */
export const LIMITS = {
  messageBody: 10_000,
  clientMessageId: 64,
  tagName: 50,
  historyPage: 500,
  ticketPage: 100,
  restBodyBytes: 100 * 1024,
  socketPayloadBytes: 2 * 1024 * 1024,
  /** The largest `seq` (an int column): 2^31 − 1. */
  maxSeq: 2_147_483_647,
  /**
   * Values (object members, array items, the payload itself) one socket event may carry, and
   * how deeply they may nest; past either the event is refused before validation.
   */
  socketPayloadValues: 500,
  socketPayloadDepth: 8,
} as const;
