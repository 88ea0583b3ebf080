import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

// patches/postgres+3.4.9.patch (applied by `npm install`'s postinstall) makes a Query keep its raw
// resolving functions and expose resolve/reject as methods, instead of own arrow functions that
// close over them: those kept every query alive through young-generation collections
// (docs/benchmarks.md, "Where the one-node tail comes from now"). This checks the patch is in
// place and that queries still resolve and reject as before.
describe('postgres.js with our Query patch', () => {
  const sql = postgres(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { max: 2, onnotice: () => {} });
  afterAll(() => sql.end({ timeout: 5 }));

  it('a query has no own resolve/reject closures', () => {
    const q = sql.unsafe('select 1 as x');
    expect(Object.hasOwn(q, 'resolve')).toBe(false);
    expect(Object.hasOwn(q, 'reject')).toBe(false);
    expect(typeof (q as unknown as { resolve: unknown }).resolve).toBe('function');
    return q;
  });

  it('queries still resolve, reject, pipeline and run in transactions', async () => {
    expect(await sql.unsafe('select $1::int + 1 as n', [41], { prepare: true })).toEqual([{ n: 42 }]);
    await expect(sql.unsafe('select 1 / $1::int', [0], { prepare: true })).rejects.toThrow(/division by zero/);
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => sql.unsafe('select $1::int as i', [i], { prepare: true })));
    expect(many.map((r) => r[0]!.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const inTx = await sql.begin((tx) => tx.unsafe('select 7 as seven'));
    expect(inTx).toEqual([{ seven: 7 }]);
    // Cursors replace resolve/reject on the query itself; they must keep working.
    const seen: number[] = [];
    for await (const rows of sql.unsafe('select generate_series(1, 5) as g').cursor(2)) seen.push(...rows.map((r) => r.g as number));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});
