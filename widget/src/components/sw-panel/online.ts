import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders its host when the browser goes offline or back online (`navigator.onLine`). */
export class OnlineController implements ReactiveController {
  private readonly update = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    addEventListener('online', this.update);
    addEventListener('offline', this.update);
  }
  hostDisconnected(): void {
    removeEventListener('online', this.update);
    removeEventListener('offline', this.update);
  }
}
