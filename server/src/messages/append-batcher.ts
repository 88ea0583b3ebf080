import type { Db } from '../db/client.js';
import {
  appendArgs, appendBatchStatement, appendMessage, appendOutcome, appendStatement, committedAppend,
  type AppendMessageInput, type AppendResult, type AppendRow,
} from './messages.service.js';

type Pending = { input: AppendMessageInput; resolve: (r: AppendResult) => void; reject: (e: unknown) => void };

const targetKey = (i: AppendMessageInput) => ('conversationId' in i.target ? i.target.conversationId : i.target.ticketId);

/**
 * Group commit for the message write path. Appends that arrive while the previous batches
 * are running (or in the same event-loop turn) are written together, in ONE statement
 * (`appendBatchStatement`): one round trip, one plan start and one answer for the batch. Under
 * load batches grow and the per-statement and per-commit costs are shared; when idle every
 * append is its own batch of one (the single-append statement), with no added wait.
 *
 * Each caller still gets its own result. A batch never shares a conversation (or ticket id
 * target) with a batch in flight: messages to a busy target wait for the next batch, so two
 * batches never lock the same rows in opposite orders. The same (author, client message id)
 * twice in one batch (a retry racing its original) is written once; the copy then runs alone
 * and finds it. If a batch fails as a whole (a lost connection, one unstorable message),
 * each append is retried on its own, so one bad write never fails its neighbours; an append
 * the failed batch did commit (the connection dropped after COMMIT) is read back instead.
 */
export class AppendBatcher {
  private pending: Pending[] = [];
  private running = 0;
  private scheduled = false;
  /** Targets of the batches in flight. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly db: Db,
    /** Batches in flight at once; keep at or below the connection pool size. */
    private readonly maxConcurrent: number,
    private readonly maxBatch = 64,
    /** Whether appends write their durable events (EVENT_LOG_WRITES), unless the input says. */
    private readonly logEvents = true,
  ) {}

  append(input: AppendMessageInput): Promise<AppendResult> {
    if (input.logEvent === undefined) input = { ...input, logEvent: this.logEvents };
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.pending.length && this.running < this.maxConcurrent) {
      // Take the oldest appends whose targets are not in flight; the skipped ones keep their order.
      const batch: Pending[] = [];
      const keys = new Set<string>();
      const skipped: Pending[] = [];
      let i = 0;
      for (; i < this.pending.length && batch.length < this.maxBatch; i++) {
        const p = this.pending[i]!;
        const key = targetKey(p.input);
        if (this.busy.has(key)) skipped.push(p);
        else {
          batch.push(p);
          keys.add(key);
        }
      }
      if (!batch.length) return;
      this.pending = skipped.length ? skipped.concat(this.pending.slice(i)) : this.pending.slice(i);
      for (const k of keys) this.busy.add(k);
      this.running++;
      this.run(batch).finally(() => {
        for (const k of keys) this.busy.delete(k);
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    if (batch.length === 1) return this.runOne(batch[0]!);
    // A retry racing its original in the same batch: the copy waits and runs alone.
    const seen = new Set<string>();
    const copies: Pending[] = [];
    const unique: Pending[] = [];
    for (const p of batch) {
      const { author, clientMessageId } = p.input;
      const key = clientMessageId && author.id ? `${author.id} ${clientMessageId}` : null;
      if (key && seen.has(key)) copies.push(p);
      else {
        if (key) seen.add(key);
        unique.push(p);
      }
    }
    const args = unique.map((p) => appendArgs(p.input));
    const statement = appendBatchStatement(args);
    let rows: AppendRow[] | null = null;
    try {
      rows = await this.db.query<AppendRow>(statement.text, statement.params);
    } catch {
      // Usually nothing was committed. But when the connection dropped after COMMIT reached
      // Postgres it may all be stored: read each message back by its id first, so a stored one
      // comes back as created (and is published) rather than as somebody else's duplicate.
      const retry = async (p: Pending, i: number) =>
        (await committedAppend(this.db, p.input, args[i]!).catch(() => null)) ?? appendMessage(this.db, p.input);
      await Promise.all(unique.map((p, i) => retry(p, i).then(p.resolve, p.reject)));
    }
    if (rows) await Promise.all(unique.map((p, i) => appendOutcome(this.db, p.input, rows[i]!).then(p.resolve, p.reject)));
    for (const p of copies) await appendMessage(this.db, p.input).then(p.resolve, p.reject);
  }

  private async runOne(only: Pending): Promise<void> {
    const args = appendArgs(only.input);
    const statement = appendStatement(args);
    let rows: AppendRow[];
    try {
      rows = await this.db.query<AppendRow>(statement.text, statement.params);
    } catch (err) {
      // The statement commits on its own: if the answer was lost after it did, say so.
      const stored = await committedAppend(this.db, only.input, args).catch(() => null);
      return stored ? only.resolve(stored) : only.reject(err);
    }
    await appendOutcome(this.db, only.input, rows[0]!).then(only.resolve, only.reject);
  }
}
