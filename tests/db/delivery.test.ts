import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { precheck } from '../../apps/web/src/lib/server/grants/review';
import {
  addChannel,
  chooseDigest,
  confirmCode,
  confirmToken
} from '../../apps/web/src/lib/server/people/delivery/channels';
import { readDeliveryConfig, type DeliveryConfig } from '../../apps/web/src/lib/server/people/delivery/config';
import { makeDigests } from '../../apps/web/src/lib/server/people/delivery/digest';
import { startDeliveryWorker, type DeliveryWorker } from '../../apps/web/src/lib/server/people/delivery/worker';
import { clientsFor } from '../support/books';
import { openPeopleDatabase } from '../support/people-db';
import { makeWorld, person as personIn, submittedApplication, idOf, type World } from '../support/review-world';
import { mailText, startSmtpReceiver, startWebhookReceiver } from '../support/receivers';

/*
 * The outbox against real PostgreSQL, a real SMTP server on loopback and a local webhook receiver
 * that checks the signature: a notification writes one message per confirmed address in its own
 * transaction and none for an unconfirmed one; the worker sends each once (by Message-ID and key),
 * in the reader's language, as a request with its link; a failing receiver is retried with backoff
 * and then given up with the error kept; of two app processes only the lock's holder delivers.
 */

const NOW = new Date('2026-03-10T04:00:00.000Z');
const SECRET = 'test-webhook-secret';
let owner: Sql;
let app: Sql;
let second: Sql;
let close = async (): Promise<void> => {};
let world: World;
let admin: Actor;
let leader: Actor;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
let config: DeliveryConfig;
const workers: DeliveryWorker[] = [];

function start(pool: Sql): DeliveryWorker {
  const worker = startDeliveryWorker(pool, config, { log: () => {}, host: 'test.gongjian' });
  workers.push(worker);
  return worker;
}

async function outboxOf(userId: string) {
  return owner<{ key: string; purpose: string; status: string; attempts: number; lastError: string | null }[]>`
    select message_key as key, purpose, status, attempts, last_error as "lastError"
      from outbox where user_id = ${userId} order by id`;
}

beforeAll(async () => {
  const database = await openPeopleDatabase('delivery');
  ({ owner, app, close } = database);
  second = clientsFor(database.url, 3).app;
  smtp = await startSmtpReceiver();
  hook = await startWebhookReceiver(SECRET);
  config = readDeliveryConfig(
    {
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SMTP_FROM: 'gongjian@test.gongjian',
      WEBHOOK_URL: hook.url,
      WEBHOOK_SECRET: SECRET,
      ORIGIN: 'https://fund.example.cn',
      GONGJIAN_DELIVERY_POLL_MS: '200',
      GONGJIAN_DELIVERY_BACKOFF_MS: '50',
      GONGJIAN_DELIVERY_ATTEMPTS: '3'
    },
    () => 'http://localhost:3000'
  );
  world = await makeWorld({ owner, app, now: NOW }, { slug: 'delivery', pool: '100000.00' });
  admin = await personIn({ owner, app, now: NOW }, world, 'dl-admin', [{ role: 'fund_admin' }]);
  leader = await personIn({ owner, app, now: NOW }, world, 'dl-leader', [{ role: 'leader', unitCode: 'unit-2' }]);
});

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  await smtp?.close();
  await hook?.close();
  await second?.end();
  await close();
});

describe('the outbox', () => {
  it('sends nothing to an unconfirmed address, and the database refuses such a row (GJ022)', async () => {
    const added = await addChannel(app, {
      userId: idOf(admin),
      channel: 'email',
      address: 'Admin@Example.cn',
      lang: 'zh-CN',
      now: NOW
    });
    expect(added).toMatchObject({ ok: true });
    await app`insert into notifications (fund_id, user_id, at, kind) values (${world.fundId}, ${idOf(admin)}, ${NOW}, 'correction.waiting')`;
    expect((await outboxOf(idOf(admin))).map((row) => row.purpose)).toEqual(['confirmation']);
    const channelId = added.ok ? added.channelId : '0';
    await expect(
      app`insert into outbox (message_key, user_id, channel_id, purpose, channel, address, lang, notification_id)
          select 'forged', ${idOf(admin)}, ${channelId}, 'notification', 'email', 'admin@example.cn', 'zh-CN', max(id) from notifications`
    ).rejects.toMatchObject({ code: 'GJ022' });
  });

  it('delivers the confirmation, then each request once, in the reader language, with its link', async () => {
    start(app);
    await expect.poll(() => smtp.mails.length, { timeout: 20_000 }).toBe(1);
    const confirmation = mailText(smtp.mails[0] ?? { raw: '', to: [], messageId: '', subject: '' });
    const token = /\/account\/notifications\/confirm\/([A-Za-z0-9_-]{43})/.exec(confirmation)?.[1] ?? '';
    expect(await confirmToken(app, { token, now: NOW })).toBe(true);
    expect(await confirmToken(app, { token, now: NOW })).toBe(false);
    // A correction waiting for a second person: one e-mail, a request in Chinese.
    await app`insert into notifications (fund_id, user_id, at, kind) values (${world.fundId}, ${idOf(admin)}, ${NOW}, 'correction.waiting')`;
    await expect.poll(() => smtp.mails.length, { timeout: 20_000 }).toBe(2);
    const mail = smtp.mails[1];
    expect(mail?.to).toEqual(['admin@example.cn']);
    expect(mail?.subject).toMatch(/^请您复核更正：.+ 的一笔更正$/);
    expect(mail === undefined ? '' : mailText(mail)).toContain('https://fund.example.cn/funds/delivery/corrections');
    expect(mail?.messageId).toMatch(/^<n\d+\.c\d+@test\.gongjian>$/);
  });

  it('sends a webhook confirmation code and then the leader vote request, signed, in English', async () => {
    const added = await addChannel(app, {
      userId: idOf(leader),
      channel: 'webhook',
      address: '+8613800000001',
      lang: 'en',
      now: NOW
    });
    await expect.poll(() => hook.received.length, { timeout: 20_000 }).toBe(1);
    const code = /(\d{6})/.exec(hook.received[0]?.text ?? '')?.[1] ?? '';
    const channelId = added.ok ? added.channelId : '0';
    expect(
      await confirmCode(app, {
        userId: idOf(leader),
        channelId,
        code: code === '000000' ? '111111' : '000000',
        now: NOW
      })
    ).toEqual({
      ok: false,
      code: 'code_must_match'
    });
    expect(await confirmCode(app, { userId: idOf(leader), channelId, code, now: NOW })).toMatchObject({ ok: true });
    await submittedApplication({ owner, app, now: NOW }, world, {
      number: 1,
      createdBy: admin,
      cost: '1000.00',
      match: '600.00'
    });
    expect(
      await precheck(app, {
        fundId: world.fundId,
        number: 1,
        now: NOW,
        ip: null,
        actor: admin,
        outcome: 'pass',
        comments: ''
      })
    ).toMatchObject({ ok: true });
    await expect.poll(() => hook.received.length, { timeout: 20_000 }).toBe(2);
    const vote = hook.received[1];
    expect(vote).toMatchObject({
      to: '+8613800000001',
      lang: 'en',
      link: 'https://fund.example.cn/funds/delivery/review/1'
    });
    expect(vote?.text).toMatch(/^Please vote: .*application no\. 1/);
    expect(hook.rejected).toBe(0);
  });

  it('retries a failing receiver with backoff, then keeps the message as failed with its error', async () => {
    hook.failNext(3);
    await app`insert into notifications (fund_id, user_id, at, kind) values (${world.fundId}, ${idOf(leader)}, ${NOW}, 'correction.waiting')`;
    await expect.poll(async () => (await outboxOf(idOf(leader))).at(-1)?.status, { timeout: 20_000 }).toBe('failed');
    const last = (await outboxOf(idOf(leader))).at(-1);
    expect(last).toMatchObject({ attempts: 3, lastError: 'the webhook answered HTTP 500' });
  });

  it('lets only the lock holder deliver: a second process waits, and takes over when the first stops', async () => {
    const other = start(second);
    const before = smtp.mails.length;
    for (let i = 0; i < 10; i += 1) {
      await app`insert into notifications (fund_id, user_id, at, kind) values (${world.fundId}, ${idOf(admin)}, ${NOW}, 'correction.waiting')`;
    }
    await expect.poll(() => smtp.mails.length, { timeout: 20_000 }).toBe(before + 10);
    expect(other.holding()).toBe(false);
    const first = workers[0];
    await first?.stop();
    await app`insert into notifications (fund_id, user_id, at, kind) values (${world.fundId}, ${idOf(admin)}, ${NOW}, 'correction.waiting')`;
    await expect.poll(() => smtp.mails.length, { timeout: 20_000 }).toBe(before + 11);
    expect(other.holding()).toBe(true);
    const ids = smtp.mails.map((mail) => mail.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gathers a digest reader messages into one per China-time day', async () => {
    const [channel] = await owner<
      { id: string }[]
    >`select id::text as id from contact_channels where user_id = ${idOf(admin)}`;
    expect(await chooseDigest(app, { userId: idOf(admin), channelId: channel?.id ?? '0', digest: true })).toMatchObject(
      { ok: true }
    );
    for (let i = 0; i < 3; i += 1) {
      await app`insert into notifications (fund_id, user_id, at, kind) values (${world.fundId}, ${idOf(admin)}, ${NOW}, 'correction.waiting')`;
    }
    const morning = new Date('2026-03-11T01:00:00.000Z');
    const before = smtp.mails.length;
    // Its rows were taken by the running worker's own digest run, or by this one: one digest a day either way.
    await makeDigests(app, morning);
    expect(await makeDigests(app, morning)).toBe(0);
    await expect.poll(() => smtp.mails.length, { timeout: 20_000 }).toBeGreaterThan(before);
    const digests = smtp.mails.filter((mail) => mail.messageId.startsWith('<digest:'));
    expect(digests.length).toBe(1);
  });
});
