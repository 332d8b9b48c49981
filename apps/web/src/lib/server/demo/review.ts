import { hashPassword } from '../auth/password';
import type { Transaction } from '../db/client';
import { DEMO_PASSWORD } from './people';
import { decideObjectionIn, fileObjectionIn } from '../grants/notices';
import type { Actor } from '../access/policy';
import { approveDemoIn, demoActorIn, demoLeadersIn, demoOk, precheckDemoIn } from './workflow';

/** The demo fund's review: written through the review's use cases, inside the seed's transaction. */

/**
 * The demo's review, through the use cases so that every rule holds: a third leader (孙委员,
 * grid-03) so that the quorum of three is reachable; #1 (桂花井3号院's parking barrier, 5,000)
 * pre-checked and approved by all three leaders, which holds its 3,000.00 match on the pool and
 * opens its notice; one objection to it, dismissed; and #3 (南街小区) returned with comments.
 */
export async function seedDemoReview(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  await addThirdLeaderIn(transaction, fundId);
  const admin = await demoActorIn(transaction, 'demo-admin');
  const moment = { fundId, now };
  if ((await statusOf(transaction, fundId, 1)) === 'submitted') {
    await precheckDemoIn(transaction, {
      ...moment,
      admin,
      number: 1,
      outcome: 'pass',
      comments: '材料齐全，提交领导小组表决。'
    });
    await approveDemoIn(transaction, { ...moment, leaders: await demoLeadersIn(transaction), number: 1 });
    await objectionsToFirstIn(transaction, { ...moment, admin });
  }
  if ((await statusOf(transaction, fundId, 3)) === 'submitted') {
    await precheckDemoIn(transaction, {
      ...moment,
      admin,
      number: 3,
      outcome: 'return',
      comments: '请补充两家以上供应商报价单。'
    });
  }
}

async function statusOf(transaction: Transaction, fundId: string, number: number): Promise<string | undefined> {
  const [row] = await transaction<{ status: string }[]>`
    select status from applications where fund_id = ${fundId} and number = ${number}`;
  return row?.status;
}

/** 孙委员 (grid-03), so that the quorum of three leaders is reachable. */
async function addThirdLeaderIn(transaction: Transaction, fundId: string): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const [leader3] = await transaction<{ id: string }[]>`
    insert into users (login_name, display_name, password_hash)
    values ('demo-leader3', '孙委员', ${passwordHash})
    on conflict (login_name) do update set display_name = excluded.display_name
    returning id::text as id`;
  if (leader3 === undefined) throw new Error('demo seed: demo-leader3 was not written');
  await transaction`
    insert into memberships (fund_id, user_id, role, unit_id)
    values (${fundId}, ${leader3.id}, 'leader', (select id from units where fund_id = ${fundId} and code = 'grid-03'))
    on conflict do nothing`;
}

/**
 * Two objections to #1 during its notice: a resident's question, dismissed with an answer, and an
 * advertisement posted through the form, which the office marks as spam, so the office's notice
 * page shows the outcomes used and the public counts leave the advertisement out. The dismissal's
 * public reason is what the public project page shows; the office's note, which names the
 * objector, stays with the office.
 */
async function objectionsToFirstIn(
  transaction: Transaction,
  moment: { fundId: string; now: Date; admin: Actor }
): Promise<void> {
  const common = { fundId: moment.fundId, now: moment.now, ip: null };
  const actorUserId = moment.admin.kind === 'user' ? moment.admin.userId : null;
  const objections = [
    {
      filed: { name: '周先生', contact: '1390000xxxx', body: '道闸一体机的报价是否偏高？希望公开比价情况。' },
      outcome: 'dismissed' as const,
      note: '已比较三家报价，所选报价最低；已电话答复周先生。',
      // What the public pages show: the answer, without the objector's name.
      publicReason: '已比较三家报价，所选报价最低；比价情况见项目资料。'
    },
    {
      filed: { name: '广告', contact: 'ad@example.com', body: '专业安装道闸，价格优惠，欢迎来电咨询。' },
      outcome: 'spam' as const,
      note: '广告，与本项目无关。',
      publicReason: ''
    }
  ];
  for (const { filed, outcome, note, publicReason } of objections) {
    const objection = await fileObjectionIn(transaction, { ...common, number: 1, ...filed });
    if (!objection.ok) throw new Error(`demo seed: an objection was refused (${objection.code})`);
    demoOk(
      `deciding the objection of ${filed.name}`,
      await decideObjectionIn(transaction, {
        ...common,
        objectionId: objection.objectionId,
        outcome,
        note,
        publicReason,
        actorUserId
      })
    );
  }
}
