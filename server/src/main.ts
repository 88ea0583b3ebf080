import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { connectDeps } from './deps.js';
import { createApp } from './app.js';
import { seedIfEmpty, type SeedResult } from './workspaces/seed.js';
import { toWire } from './db/ids.js';

const config = loadConfig();
const deps = await connectDeps(config);
const { logger } = deps;

const seeded = await seedIfEmpty(deps.db, { email: config.SEED_ADMIN_EMAIL, password: config.SEED_ADMIN_PASSWORD });
const credsFile = join(config.DATA_DIR, 'demo-credentials.json');
if (seeded && !config.DATABASE_URL) {
  writeFileSync(credsFile, JSON.stringify(wireIds(seeded), null, 2));
  chmodSync(credsFile, 0o600);
}
const demo = seeded
  ? wireIds(seeded)
  : !config.DATABASE_URL && existsSync(credsFile)
    ? (JSON.parse(readFileSync(credsFile, 'utf8')) as Partial<ReturnType<typeof wireIds>> & { email: string; password: string; inboxId: string })
    : null;
// The demo page at / embeds the demo workspace's chat widget.
deps.demoInbox = demo?.inboxId;
const app = await createApp(deps);
const port = await app.listen(config.PORT);
const base = config.PUBLIC_URL ?? `http://localhost:${port}`;
logger.info({ port, database: deps.db.kind, redis: Boolean(deps.redis) }, `listening on ${base}`);

if (demo) {
  // Printed on purpose, for a person starting the demo: the one place the server writes to stdout.
  process.stdout.write(
    [
      '',
      `  Support desk is running.`,
      `  Demo page:    ${base}/   (start here: a shop page with the chat widget)`,
      `  Agent inbox:  ${base}/inbox   (log in as ${demo.email} / ${demo.password})`,
      `  Chat inbox:   ${demo.inboxId}; embed it on any page with`,
      `                <script src="${base}/widget.js" data-inbox="${demo.inboxId}" async></script>`,
      ...(demo.emailInboxId
        ? [
            `  Email inbox:  ${demo.emailInboxId}; send it a mail (no SMTP needed; replies are recorded, not sent):`,
            `                curl -u webhook:${demo.webhookPassword} -H 'content-type: message/rfc822' --data-binary @mail.eml \\`,
            `                  ${base}/webhooks/email/${demo.emailInboxId}`,
          ]
        : []),
      `  Debug page:   ${base}/debug?inbox=${demo.inboxId}   (the socket protocol, raw)`,
      '',
    ].join('\n') + '\n',
  );
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

function wireIds(s: SeedResult) {
  const { workspaceId: _ws, ...rest } = s;
  return { ...rest, inboxId: toWire('inbox', s.inboxId), emailInboxId: toWire('inbox', s.emailInboxId) };
}
