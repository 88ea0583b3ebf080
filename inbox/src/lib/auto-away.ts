/** Milliseconds since some epoch; the browser passes `Date.now`, tests a fake. */
export type Now = () => number;

/**
 * Automatic away after inactivity. The app reports user activity with `activity()` and polls
 * `tick()` (any interval); both return the availability to set, or null for no change. Only
 * an away that this controller set is undone by activity: an agent who chose "away" stays away.
 */
export class AutoAway {
  private last: number;
  private autoAway = false;
  constructor(
    private readonly now: Now,
    /** Inactivity before going away, in ms (default 10 minutes). */
    readonly idleMs = 10 * 60_000,
  ) {
    this.last = now();
  }

  /** The current availability as the user sees it; set it when the user toggles. */
  status: 'online' | 'away' = 'online';

  /** The user chose a status by hand. */
  choose(status: 'online' | 'away'): void {
    this.status = status;
    this.autoAway = false;
    this.last = this.now();
  }

  activity(): 'online' | null {
    this.last = this.now();
    if (this.autoAway && this.status === 'away') {
      this.autoAway = false;
      this.status = 'online';
      return 'online';
    }
    return null;
  }

  tick(): 'away' | null {
    if (this.status === 'online' && this.now() - this.last >= this.idleMs) {
      this.status = 'away';
      this.autoAway = true;
      return 'away';
    }
    return null;
  }
}
