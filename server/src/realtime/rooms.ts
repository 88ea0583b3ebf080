/** Room names. Ids are wire ids, so a room name says what it holds. */
export const rooms = {
  /** Every agent socket of a workspace. */
  workspace: (wsWire: string) => `ws:${wsWire}`,
  /** Every socket of one agent (presence counting). */
  agent: (userWire: string) => `usr:${userWire}`,
  /** Every socket of one agent login session (closed on logout). */
  agentSession: (sessionId: string) => `as:${sessionId}`,
  /**
   * Every widget socket of one contact on one inbox: all tabs and devices of that visitor on
   * that site. Every visitor event of a ticket goes to the ticket's inbox only.
   */
  visitor: (contactWire: string, inboxWire: string) => `ct:${contactWire}:${inboxWire}`,
};
