import type { Transaction } from '../db/client';

/*
 * The demo's notifications that leave the app: the demo administrator (demo-admin) has a
 * confirmed e-mail address, and their latest few notifications wait in the outbox for it. A demo
 * runs without SMTP settings, so they stay queued, and the account page says the channel is not
 * configured; with SMTP_URL set, the worker sends them. The leader has a webhook address still
 * waiting for its code.
 */
export async function seedDemoNotifications(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [admin] = await transaction<{ id: string }[]>`select id::text as id from users where login_name = 'demo-admin'`;
  const [leader] = await transaction<
    { id: string }[]
  >`select id::text as id from users where login_name = 'demo-leader'`;
  if (admin === undefined || leader === undefined) throw new Error('The demo people are missing.');
  const [channel] = await transaction<{ id: string }[]>`
    insert into contact_channels (user_id, channel, address, lang, created_at, confirmed_at)
    values (${admin.id}, 'email', 'demo-admin@guihuajing.example', 'zh-CN', ${now}, ${now})
    returning id::text as id`;
  if (channel === undefined) throw new Error('The demo address was not added.');
  await transaction`
    insert into outbox (message_key, user_id, notification_id, channel_id, purpose, channel, address, lang, created_at, next_attempt_at)
    select 'n' || n.id || '.c' || ${channel.id}, n.user_id, n.id, ${channel.id}, 'notification', 'email',
           'demo-admin@guihuajing.example', 'zh-CN', ${now}, ${now}
      from notifications n
     where n.user_id = ${admin.id} and n.fund_id = ${fundId}
     order by n.id desc
     limit 3`;
  // A leader's phone, added but not confirmed: nothing is queued for it.
  await transaction`
    insert into contact_channels (user_id, channel, address, lang, created_at)
    values (${leader.id}, 'webhook', '+8613800000000', 'zh-CN', ${now})`;
}
