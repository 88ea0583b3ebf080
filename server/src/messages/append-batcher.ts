import type { Db } from '../db/client.js';
import { appendMessage, appendOutcome, appendStatement, committedAppend, type AppendMessageInput, type AppendResult, type AppendRow } from './messages.service.js';

type Pending = { input: AppendMessageInput; resolve: (r: AppendResult) => void; reject: (e: unknown) => void };

const targetKey = (i: AppendMessageInput) => ('conversationId' in i.target ? i.target.conversationId : i.target.ticketId);

/**
 * Group commit for the message write path. Appends that arrive while the previous batches
 * are running (or in the same event-loop turn) are written together in one transaction, one
 * statement each, sent with BEGIN and COMMIT in one round trip (`Db.pipeline`): under load
 * batches grow and the per-commit cost is shared; when idle every append is its own batch of
 * one, with no added wait.
 *
 * Each caller still gets its own result. Statements in a batch are ordered by target id so
 * concurrent batches lock rows in the same order; if a batch fails as a whole (a deadlock
 * between multi-conversation tickets, a lost connection), each append is retried on its own,
 * so one bad write never fails its neighbours; an append the failed batch did commit (the
 * connection dropped after COMMIT) is read back instead of retried.
 */
export class AppendBatcher {
  private pending: Pending[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    /** Batches in flight at once; keep at or below the connection pool size. */
    private readonly maxConcurrent: number,
    private readonly maxBatch = 64,
  ) {}

  append(input: AppendMessageInput): Promise<AppendResult> {
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
      const batch = this.pending.splice(0, this.maxBatch);
      this.running++;
      this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0]!;
      const statement = appendStatement(only.input);
      let rows: AppendRow[];
      try {
        rows = await this.db.query<AppendRow>(statement.text, statement.params);
      } catch (err) {
        // The statement commits on its own: if the answer was lost after it did, say so.
        const stored = await committedAppend(this.db, only.input, statement).catch(() => null);
        return stored ? only.resolve(stored) : only.reject(err);
      }
      await appendOutcome(this.db, only.input, rows[0]!).then(only.resolve, only.reject);
      return;
    }
    batch.sort((a, b) => (targetKey(a.input) < targetKey(b.input) ? -1 : 1));
    const statements = batch.map((p) => appendStatement(p.input));
    let rows: AppendRow[][];
    try {
      rows = await this.db.pipeline<AppendRow>(statements);
    } catch {
      // Usually nothing was committed. But when the connection dropped after COMMIT reached
      // Postgres it may all be stored: read each message back by its id first, so a stored one
      // comes back as created (and is published) rather than as somebody else's duplicate.
      const retry = async (p: Pending, i: number) =>
        (await committedAppend(this.db, p.input, statements[i]!).catch(() => null)) ?? appendMessage(this.db, p.input);
      await Promise.all(batch.map((p, i) => retry(p, i).then(p.resolve, p.reject)));
      return;
    }
    await Promise.all(batch.map((p, i) => appendOutcome(this.db, p.input, rows[i]![0]!).then(p.resolve, p.reject)));
  }
}
