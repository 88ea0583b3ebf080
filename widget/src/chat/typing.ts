import type { WidgetTypingEvent } from '@support/protocol';

const VISITOR_IDLE_MS = 3000;
const AGENT_EXPIRY_MS = 6000;

/**
 * Typing both ways. The visitor's: `on` is sent once per burst of keystrokes and `off` after a
 * pause or on send. The agent's: shown by name until `off`, a message, or 6 s of silence (the
 * server never times typing out).
 */
export class Typing {
  /** Name of the agent typing now, or null. */
  agent: string | null = null;
  private sent = false;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private expiry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly emit: (on: boolean) => void,
    private readonly canSend: () => boolean,
    private readonly changed: () => void,
  ) {}

  /** The visitor typed (`on`) or stopped. Nothing is sent without a session (it would be refused). */
  visitor(on: boolean): void {
    clearTimeout(this.idle);
    if (on) this.idle = setTimeout(() => this.visitor(false), VISITOR_IDLE_MS);
    if (on === this.sent || !this.canSend()) return;
    this.sent = on;
    this.emit(on);
  }

  /** The socket is gone: the server forgot nothing, but the next burst must send `on` again. */
  disconnected(): void {
    this.sent = false;
  }

  fromAgent(e: WidgetTypingEvent): void {
    clearTimeout(this.expiry);
    this.agent = e.on ? (e.authorName ?? 'Support') : null;
    if (e.on) this.expiry = setTimeout(() => this.agentDone(), AGENT_EXPIRY_MS);
    this.changed();
  }

  agentDone(): void {
    clearTimeout(this.expiry);
    this.agent = null;
    this.changed();
  }

  stop(): void {
    clearTimeout(this.idle);
    clearTimeout(this.expiry);
  }
}
