import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type ChildNode = {
  url: string;
  proc: ChildProcess;
  /** `kill -9`: the process ends at once, running nothing of its own (no shutdown, no flush). */
  crash(): Promise<void>;
};

/**
 * The real server (`server/src/main.ts`) in a child process, on the run's Postgres, so a test
 * can kill it with SIGKILL. `env` adds to (or overrides) the test settings: REDIS_URL,
 * REDIS_PREFIX… Resolves once it listens. Killed by `crash()` or when the test process exits.
 */
export async function spawnNode(env: Record<string, string>): Promise<ChildNode> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: inject('databaseUrl'),
      MAINTENANCE_INTERVAL_MS: String(24 * 3_600_000),
      EMAIL_WORKER_INTERVAL_MS: String(24 * 3_600_000),
      SEED_ADMIN_PASSWORD: 'not-used-the-database-is-seeded',
      ...env,
    },
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const kill = () => proc.kill('SIGKILL');
  process.once('exit', kill);
  const errors: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => errors.push(d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      let log: { port?: number; msg?: string };
      try {
        log = JSON.parse(line);
      } catch {
        return;
      }
      if (log.msg?.startsWith('listening on') && log.port) resolve(log.port);
    });
    proc.once('exit', (code) => reject(new Error(`node exited (${code}) before listening: ${errors.join('')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    async crash() {
      kill();
      await exited;
      process.off('exit', kill);
    },
  };
}
