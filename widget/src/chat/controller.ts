import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatClient } from './client.js';

/** Re-renders its host whenever the chat client's state changes; unsubscribes on disconnect. */
export class ChatController implements ReactiveController {
  private off: (() => void) | undefined;
  constructor(
    private readonly host: ReactiveControllerHost & { client?: ChatClient },
  ) {
    host.addController(this);
  }
  hostConnected(): void {
    this.off = this.host.client?.subscribe(() => this.host.requestUpdate());
  }
  hostDisconnected(): void {
    this.off?.();
    this.off = undefined;
  }
}
