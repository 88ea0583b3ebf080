import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { Redis } from 'ioredis';
import { connectPostgres } from '../../server/src/db/client.js';
import { migrate } from '../../server/src/db/migrate.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

/**
 * Creates a fresh Postgres database for this test run (migrated once) and checks Redis.
 * Both are required: the integration tests talk to the real services, never to mocks.
 */
export default async function setup(project: TestProject) {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  const name = `sd_test_${Date.now()}_${process.pid}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    await admin.end();
    throw new Error(`Tests need Postgres at ${ADMIN_URL} (set TEST_DATABASE_URL): ${(err as Error).message}`);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await connectPostgres(url.toString(), { max: 1 });
  await migrate(db);
  await db.close();

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Tests need Redis at ${REDIS_URL} (set TEST_REDIS_URL): ${(err as Error).message}`);
  } finally {
    redis.disconnect();
  }

  project.provide('databaseUrl', url.toString());
  project.provide('redisUrl', REDIS_URL);
  return async () => {
    // And the databases test files made for themselves (harness isolatedDatabase).
    const own = await admin.unsafe<{ datname: string }[]>(`select datname from pg_database where datname like '${name}\_i%'`);
    for (const d of own) await admin.unsafe(`drop database if exists ${d.datname} with (force)`);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
}
