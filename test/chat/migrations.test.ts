import { afterAll, describe, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { connectPglite, connectPostgres } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';
import { seedIfEmpty } from '../../server/src/workspaces/seed.js';

describe('migrations and seed', () => {
  const admin = postgres(inject('databaseUrl').replace(/\/[^/]+$/, '/postgres'), { max: 1, onnotice: () => {} });
  const name = `sd_migr_${Date.now()}`;
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('nodes booting at once on an empty Postgres apply each migration once and seed one workspace', async () => {
    await admin.unsafe(`create database ${name}`);
    const url = inject('databaseUrl').replace(/\/[^/]+$/, `/${name}`);
    const dbs = await Promise.all([1, 2, 3].map(() => connectPostgres(url, { max: 2 })));
    const applied = await Promise.all(dbs.map((db) => migrate(db)));
    expect(applied.reduce((a, b) => a + b, 0)).toBe(applied.find((n) => n > 0));
    const seeds = await Promise.all(dbs.map((db) => seedIfEmpty(db, { email: 'owner@example.com', password: 'password123' })));
    expect(seeds.filter(Boolean)).toHaveLength(1);
    expect(await Promise.all(dbs.map((db) => migrate(db)))).toEqual([0, 0, 0]);
    const [n] = await dbs[0]!.rows<{ n: number }>((await import('drizzle-orm')).sql`select count(*)::int as n from workspaces`);
    expect(n!.n).toBe(1);
    await Promise.all(dbs.map((db) => db.close()));
  });

  it('the same migrations run on embedded PGlite', async () => {
    const db = await connectPglite(null);
    expect(await migrate(db)).toBeGreaterThan(0);
    const seeded = await seedIfEmpty(db, { email: 'owner@example.com' });
    expect(seeded?.password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await seedIfEmpty(db, { email: 'owner@example.com' })).toBeNull();
    await db.close();
  });
});
