import { describe, expect, it } from 'vitest';
import { Outbox, type KeyValue } from './outbox.js';

const memory = (): KeyValue & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
};
const p = (id: string) => ({ clientMessageId: id, body: `body ${id}`, createdAt: '2026-01-01T00:00:00.000Z' });

describe('Outbox', () => {
  it('keeps messages in writing order and removes acknowledged ones', () => {
    const store = memory();
    const box = new Outbox(store, 'k');
    box.add(p('a'));
    box.add(p('b'));
    box.add(p('c'));
    expect(box.first()?.clientMessageId).toBe('a');
    box.remove('a');
    expect(box.list().map((x) => x.clientMessageId)).toEqual(['b', 'c']);
    box.remove('b');
    box.remove('c');
    expect(store.data.has('k')).toBe(false);
  });

  it('is shared through storage: a second instance (another tab, a reload) sees the same list', () => {
    const store = memory();
    new Outbox(store, 'k').add(p('a'));
    const other = new Outbox(store, 'k');
    expect(other.list()).toEqual([p('a')]);
    other.remove('a');
    expect(new Outbox(store, 'k').list()).toEqual([]);
  });

  it('adding the same clientMessageId twice keeps one entry', () => {
    const box = new Outbox(memory(), 'k');
    box.add(p('a'));
    box.add(p('a'));
    expect(box.list()).toHaveLength(1);
  });

  it('survives garbage in storage', () => {
    const store = memory();
    store.setItem('k', '{not json');
    expect(new Outbox(store, 'k').list()).toEqual([]);
    store.setItem('k', JSON.stringify([{ nope: 1 }, p('a'), null, { ...p('b'), files: 'x' }]));
    expect(new Outbox(store, 'k').list()).toEqual([p('a')]);
  });
});
