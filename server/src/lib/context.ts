import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import type { EventBus } from '../events/bus.js';
import type { Clock } from './clock.js';
import type { Config } from '../config.js';
import type { AppendBatcher } from '../messages/append-batcher.js';

/** What every domain service is handed: storage, the event bus, the clock, a logger. */
export interface ServiceContext {
  db: Db;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  config: Config;
  /** The message write path with group commit; use it instead of appendMessage(db) outside transactions. */
  writes: AppendBatcher;
}

/** Who did it: an agent (usr uuid), a contact (ct uuid) or the system. */
export type Actor = { type: 'agent' | 'contact' | 'system'; id: string | null };
