import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Wakeable } from './wakeable.js';

const silent = pino({ level: 'silent' });

describe('Wakeable', () => {
  it('never overlaps rounds, and a run asked for during a round gets one more round after it', async () => {
    let running = 0;
    let max = 0;
    let rounds = 0;
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const w = new Wakeable('test', silent, async () => {
      running++;
      max = Math.max(max, running);
      rounds++;
      await gate;
      running--;
    }, () => 86_400_000);
    const first = w.run();
    const second = w.run();
    const third = w.run();
    release();
    gate = Promise.resolve();
    await Promise.all([first, second, third]);
    expect(max).toBe(1);
    expect(rounds).toBe(2);
    await w.stop();
  });

  it('does nothing on wake before start, and a failing round does not stop the loop', async () => {
    let rounds = 0;
    const w = new Wakeable('test', silent, async () => {
      rounds++;
      throw new Error('boom');
    }, () => 86_400_000);
    w.wake();
    expect(rounds).toBe(0);
    await w.run();
    await w.run();
    expect(rounds).toBe(2);
    await w.stop();
  });
});
