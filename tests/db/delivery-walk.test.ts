import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { activateEndedNotices, castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { readDeliveryConfig } from '../../apps/web/src/lib/server/people/delivery/config';
import { startDeliveryWorker, type DeliveryWorker } from '../../apps/web/src/lib/server/people/delivery/worker';
import { openPeopleDatabase } from '../support/people-db';
import { makeWorld, person as personIn, submittedApplication, idOf, type World } from '../support/review-world';
import { mailText, startSmtpReceiver, type ReceivedMail } from '../support/receivers';

/*
 * One application from submission to active, through the review's real use cases, with every
 * person's e-mail confirmed (the administrator and two leaders read Chinese, one leader English)
 * and the delivery worker running against a real SMTP server on loopback. Each notification
 * arrives as exactly one e-mail, in its reader's language, and a request carries the link to the
 * page where it is done: the administrator is asked to pre-check, the leaders to vote.
 */

const NOW = new Date('2026-03-10T04:00:00.000Z');
let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let world: World;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let worker: DeliveryWorker | undefined;
const people: Record<string, { actor: Actor; address: string; lang: 'zh-CN' | 'en' }> = {};

async function confirmedPerson(
  login: string,
  lang: 'zh-CN' | 'en',
  roles: Parameters<typeof personIn>[3]
): Promise<Actor> {
  const actor = await personIn({ owner, app, now: NOW }, world, login, roles);
  const address = `${login}@example.cn`;
  await owner`
    insert into contact_channels (user_id, channel, address, lang, created_at, confirmed_at)
    values (${idOf(actor)}, 'email', ${address}, ${lang}, ${NOW}, ${NOW})`;
  people[login] = { actor, address, lang };
  return actor;
}

const mailsTo = (login: string): ReceivedMail[] =>
  smtp.mails.filter((mail) => mail.to.includes(people[login]?.address ?? ''));

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('delivery-walk'));
  smtp = await startSmtpReceiver();
  world = await makeWorld({ owner, app, now: NOW }, { slug: 'walk', pool: '100000.00' });
});

afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await close();
});

describe('one application from submission to active', () => {
  it('sends each person each message once, in their language, with the link where they act', async () => {
    const admin = await confirmedPerson('wk-admin', 'zh-CN', [{ role: 'fund_admin' }]);
    const leaders = [
      await confirmedPerson('wk-leader-1', 'en', [{ role: 'leader', unitCode: 'unit-2' }]),
      await confirmedPerson('wk-leader-2', 'zh-CN', [{ role: 'leader', unitCode: 'unit-3' }]),
      await confirmedPerson('wk-leader-3', 'zh-CN', [{ role: 'leader', unitCode: 'unit-4' }])
    ];
    const committee = await confirmedPerson('wk-committee', 'zh-CN', [
      { role: 'committee', compoundCode: 'compound-1' }
    ]);
    const config = readDeliveryConfig(
      {
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        ORIGIN: 'https://fund.example.cn',
        GONGJIAN_DELIVERY_POLL_MS: '200'
      },
      () => ''
    );
    worker = startDeliveryWorker(app, config, { log: () => {}, host: 'walk.test' });

    await submittedApplication({ owner, app, now: NOW }, world, {
      number: 1,
      createdBy: committee,
      cost: '1000.00',
      match: '600.00'
    });
    // The submission's notice to the administrators, as submitApplication writes it in its transaction.
    await app`
      insert into notifications (fund_id, user_id, at, kind, application_id)
      select ${world.fundId}, ${idOf(admin)}, ${NOW}, 'application.submitted', id from applications
       where fund_id = ${world.fundId} and number = 1`;
    await expect.poll(() => mailsTo('wk-admin').length, { timeout: 20_000 }).toBe(1);
    expect(mailsTo('wk-admin')[0]?.subject).toMatch(/^请您预审：.* 第 1 号申请「项目 1」$/);
    expect(mailText(mailsTo('wk-admin')[0] as ReceivedMail)).toContain('https://fund.example.cn/funds/walk/review/1');

    const command = { fundId: world.fundId, number: 1, now: NOW, ip: null };
    expect(await precheck(app, { ...command, actor: admin, outcome: 'pass', comments: '' })).toMatchObject({
      ok: true
    });
    await expect.poll(() => mailsTo('wk-leader-1').length, { timeout: 20_000 }).toBe(1);
    expect(mailsTo('wk-leader-1')[0]?.subject).toBe('Please vote: Test fund walk application no. 1 “项目 1”');
    await expect.poll(() => mailsTo('wk-leader-2').length, { timeout: 20_000 }).toBe(1);
    expect(mailsTo('wk-leader-2')[0]?.subject).toMatch(/^请您表决：/);
    expect(mailText(mailsTo('wk-leader-2')[0] as ReceivedMail)).toContain(
      'https://fund.example.cn/funds/walk/review/1'
    );

    for (const leader of leaders) {
      expect(await castVote(app, { ...command, actor: leader, choice: 'approve', reason: '' })).toMatchObject({
        ok: true
      });
    }
    expect(await activateEndedNotices(app, { fundId: world.fundId, today: '2026-03-18' })).toBe(1);

    // Every notification written became exactly one e-mail to its reader's one address.
    const expected = await owner<{ address: string; n: number }[]>`
      select c.address, count(*)::int as n from notifications n join contact_channels c on c.user_id = n.user_id
       where n.fund_id = ${world.fundId} group by c.address`;
    for (const row of expected) {
      await expect
        .poll(() => smtp.mails.filter((mail) => mail.to.includes(row.address)).length, { timeout: 20_000 })
        .toBe(row.n);
    }
    const ids = smtp.mails.map((mail) => mail.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // The English reader's mails are all English; the Chinese readers' all Chinese.
    for (const mail of mailsTo('wk-leader-1')) expect(mail.subject).not.toMatch(/请您|现为/);
    for (const mail of mailsTo('wk-committee')) expect(mail.subject).toMatch(/现为|请您/);
    // The committee's last message says the grant is active.
    expect(mailsTo('wk-committee').at(-1)?.subject).toMatch(/现为/);
    console.log(`delivery-walk: ${smtp.mails.length} e-mails for ${expected.length} readers`);
  });
});
