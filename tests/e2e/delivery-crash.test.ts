import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createClient, type Sql } from '../../apps/web/src/lib/server/db/client';
import { createTestFund, createTestUser } from '../support/people';
import { createMigratedDatabase, dropDatabase } from '../support/postgres';
import { startSmtpReceiver } from '../support/receivers';
import { startApp, type AppProcess } from './app-process';

/*
 * The outbox across real app processes (the built app, `node apps/web/server.js`) and a real,
 * slow SMTP server on loopback. The first process is killed with SIGKILL while it delivers; two
 * more start together and finish the work. Every message key arrives; a key arrives twice only
 * if it was the one mail in flight when the process died (sent, not yet marked sent: exactly-once
 * toward a receiver is impossible, the Message-ID lets it drop the repeat), so at most one key
 * repeats; and of the two processes only the advisory lock's holder delivers.
 */

const MESSAGES = 150;
let adminUrl: string;
let database: { url: string; name: string };
let owner: Sql;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
const apps: AppProcess[] = [];

function appEnv(): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    GONGJIAN_DEMO_SEED: 'off',
    ORIGIN: 'https://fund.example.cn',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SMTP_FROM: 'gongjian@fund.example.cn',
    GONGJIAN_DELIVERY_POLL_MS: '500',
    GONGJIAN_DELIVERY_BACKOFF_MS: '300'
  };
}

beforeAll(async () => {
  adminUrl = inject('adminUrl');
  database = await createMigratedDatabase(adminUrl, 'delivery-crash');
  owner = createClient(database.url, { max: 2, applicationName: 'gongjian-tests' });
  smtp = await startSmtpReceiver({ delayMs: 15 });
  const fundId = await createTestFund(owner, 'delivery-crash');
  const userId = await createTestUser(owner, {
    loginName: 'crash-admin',
    memberships: [{ fundSlug: 'delivery-crash', role: 'fund_admin' }]
  });
  await owner`
    insert into contact_channels (user_id, channel, address, lang, created_at, confirmed_at)
    values (${userId}, 'email', 'crash-admin@example.cn', 'en', now(), now())`;
  // The trigger queues one message per notification, in the notification's own transaction.
  await owner`
    insert into notifications (fund_id, user_id, at, kind)
    select ${fundId}, ${userId}, now(), 'correction.waiting' from generate_series(1, ${MESSAGES})`;
});

afterAll(async () => {
  for (const app of apps) await app.stop();
  await smtp?.close();
  await owner?.end();
  if (database) await dropDatabase(adminUrl, database.name);
});

describe('delivery across real processes', () => {
  it('loses no message when a process is killed mid-delivery, and two processes send none twice', async () => {
    // Not in `apps`: once killed, there is nothing left to stop.
    const first = await startApp(appEnv());
    await expect.poll(() => smtp.mails.length, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(20);
    first.child.kill('SIGKILL');
    await new Promise<void>((resolve) =>
      first.child.exitCode !== null ? resolve() : first.child.once('exit', () => resolve())
    );
    const atKill = smtp.mails.length;
    expect(atKill).toBeLessThan(MESSAGES);

    const [second, third] = await Promise.all([startApp(appEnv()), startApp(appEnv())]);
    apps.push(second as AppProcess, third as AppProcess);
    await expect
      .poll(
        async () => {
          const [row] = await owner<{ sent: number }[]>`select count(*)::int as sent from outbox where status = 'sent'`;
          return row?.sent;
        },
        { timeout: 60_000 }
      )
      .toBe(MESSAGES);

    const ids = smtp.mails.map((mail) => mail.messageId);
    const distinct = new Set(ids);
    expect(distinct.size).toBe(MESSAGES);
    // At most the one mail in flight at the kill arrived twice.
    expect(ids.length - distinct.size).toBeLessThanOrEqual(1);
    // Only one of the two later processes took the lock and delivered.
    const holders = [second, third].filter((app) => app?.output().includes('this process delivers the outbox'));
    expect(holders).toHaveLength(1);
    console.log(`delivery-crash: ${atKill} mails before the kill, ${ids.length - distinct.size} repeated after it`);
  });
});
