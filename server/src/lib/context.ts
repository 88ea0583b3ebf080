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

/**
 * What caused a change made by an automation rule: the rule's uuid and how deep in a cascade it
 * ran (0 for a rule triggered by people or channels). Carried into the durable log so the events
 * the change produces do not run that rule again, and cascades stop at AUTOMATION_MAX_DEPTH.
 */
export type ChangeCause = { ruleId: string; depth: number };

/** Who did it: an agent (usr uuid), a contact (ct uuid) or the system (a rule: its uuid, with `cause`). */
export type Actor = { type: 'agent' | 'contact' | 'system'; id: string | null; cause?: ChangeCause };
