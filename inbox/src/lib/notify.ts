const KEY = 'ib-notify';

/** Whether the agent opted in to desktop notifications and sound. */
export function notificationsOn(): boolean {
  return localStorage.getItem(KEY) === '1';
}

/** Opts in (asking the browser's permission) or out. */
export async function setNotifications(on: boolean): Promise<void> {
  localStorage.setItem(KEY, on ? '1' : '0');
  if (on && 'Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
}

let audio: AudioContext | null = null;

function beep(): void {
  audio ??= new AudioContext();
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.08, audio.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.25);
  osc.connect(gain).connect(audio.destination);
  osc.start();
  osc.stop(audio.currentTime + 0.25);
}

/**
 * A desktop notification while the tab is not in front, and a sound unless `sound` is false
 * (the account's preference), when this browser is opted in (the header's bell). Which events
 * notify at all is the caller's choice, from the same preferences.
 */
export function notify(title: string, body: string, tag: string, o: { sound: boolean } = { sound: true }): void {
  if (!notificationsOn()) return;
  if (o.sound)
    try {
      beep();
    } catch {
      /* no audio device */
    }
  if ('Notification' in window && Notification.permission === 'granted' && (document.hidden || !document.hasFocus())) {
    const n = new Notification(title, { body: body.slice(0, 200), tag });
    n.onclick = () => {
      window.focus();
      location.assign(`/inbox/t/${tag}`);
    };
  }
}
