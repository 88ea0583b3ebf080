import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailParser, type MailParser } from '../../server/src/email/mail-parser.js';
import { closeSockets } from '../support/harness.js';
import { postRaw, startEmailNode } from '../support/email.js';

const silent = pino({ level: 'silent' });
const threads = createMailParser(1, silent);
const inline = createMailParser(0, silent);
let use: MailParser = threads;
/** Whether the node is inside prepare() (parse, strip, sanitize) of a mail right now. */
let busy = false;
const observed: MailParser = {
  async prepare(task) {
    busy = true;
    try {
      return await use.prepare(task);
    } finally {
      busy = false;
    }
  },
  close: () => threads.close(),
};

let { node, ib, agent } = {} as Awaited<ReturnType<typeof startEmailNode>>;

beforeAll(async () => {
  // Round trips as fast as acks come back: lift the per-socket event limit.
  ({ node, ib, agent } = await startEmailNode({ mailParser: observed, limits: { agent: { ratePerSecond: 1e6, burst: 1e6 } } }));
});
afterAll(async () => {
  closeSockets();
  await node.app.close();
});

/** A mail of about 3 MB: messages nested in messages, each with a large HTML part (links, images, markup to sanitize). */
function nestedMail(depth: number, id: string): string {
  const html = `<div>${'<p style="color:red" onclick="x()">Order <b>#123</b> <a href="https://shop.example.test/o/123">track</a> <img src="https://t.example.test/p.gif"> has shipped</p>'.repeat(1400)}</div>`;
  const inner = depth > 0 ? nestedMail(depth - 1, `${id}-${depth}`) : `From: leaf@example.test\r\nSubject: leaf\r\n\r\nleaf\r\n`;
  const b = `b-${id}-${depth}`;
  return [
    `From: Big Sender <big-${id}@example.test>`,
    `To: ${ib.address}`,
    `Subject: nested ${id} level ${depth}`,
    `Message-ID: <nested-${id}-${depth}@example.test>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    `--${b}`,
    'Content-Type: message/rfc822',
    '',
    inner,
    `--${b}--`,
    '',
  ].join('\r\n');
}

/** Posts `raw` and meanwhile makes socket round trips, one after the other; counts the acks that arrive while the mail is being parsed. */
async function roundTripsDuringParse(raw: string) {
  let done = false;
  let acksWhileParsing = 0;
  let acks = 0;
  const post = postRaw(node, ib, raw).finally(() => (done = true));
  while (!done) {
    // A parse on the main thread holds the ack until it ends: seconds on a loaded machine, so more than call()'s 5 s.
    const a = (await agent.timeout(60_000).emitWithAck('agents:list', {})) as { ok: boolean };
    expect(a.ok).toBe(true);
    acks++;
    if (busy) acksWhileParsing++;
  }
  return { acks, acksWhileParsing, result: await post };
}

describe('inbound mail is parsed off the event loop', () => {
  it('while a 3 MB nested mail is parsed in a worker thread, socket round trips on the same node keep being answered', async () => {
    use = threads;
    const raw = nestedMail(19, `t${Date.now()}`);
    expect(raw.length).toBeGreaterThan(3_000_000);
    const r = await roundTripsDuringParse(raw);
    expect(r.result.body.data.result).toBe('created');
    // Thousands here; the main thread (next test) lets through none or a few, in the parser's I/O gaps.
    expect(r.acksWhileParsing).toBeGreaterThanOrEqual(10);
  });

  it('the same probe on the main thread (EMAIL_PARSE_THREADS=0, as before) sees (almost) no round trip while the mail is parsed', async () => {
    use = inline;
    const r = await roundTripsDuringParse(nestedMail(19, `i${Date.now()}`));
    expect(r.result.body.data.result).toBe('created');
    expect(r.acksWhileParsing).toBeLessThan(10);
  });

  it('a mail the parser fails on (a parser bug) is dead-lettered with its raw bytes, not retried forever', async () => {
    use = { prepare: () => Promise.reject(new TypeError('injected parser failure')), close: async () => {} };
    try {
      const raw = `From: a@example.test\r\nTo: ${ib.address}\r\nSubject: crash\r\nMessage-ID: <crash-${Date.now()}@example.test>\r\n\r\nbody\r\n`;
      const r = await postRaw(node, ib, raw);
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({ result: 'dead_letter', reason: 'could not be parsed: injected parser failure' });
    } finally {
      use = threads;
    }
  });

  it('the worker loads under tsx as the server runs it (npm start), not only under vitest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parse-worker-'));
    const script = join(dir, 'run.mts');
    const parser = fileURLToPath(new URL('../../server/src/email/mail-parser.ts', import.meta.url));
    writeFileSync(
      script,
      `import { createMailParser } from ${JSON.stringify(parser)};
const p = createMailParser(1, { error: (o: unknown) => process.stderr.write(String(o)) });
const r = await p.prepare({ raw: Buffer.from('From: a@example.test\\r\\nSubject: Grüße\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>hi<script>x</script></p>\\r\\n'), postmark: null, attachmentMaxBytes: 1000 });
process.stdout.write(JSON.stringify(r.ok ? { subject: r.mail.subject, html: r.visible?.html } : r));
await p.close();
`,
    );
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const { stdout } = await promisify(execFile)(tsx, [script], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ subject: 'Grüße', html: '<p>hi</p>\n' });
  });
});

afterAll(() => inline.close());
