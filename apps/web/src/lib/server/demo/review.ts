import { hashPassword } from '../auth/password';
import type { Transaction } from '../db/client';
import { DEMO_PASSWORD } from './people';
import { decideObjectionIn, fileObjectionIn } from '../grants/notices';
import type { Actor } from '../access/policy';
import { castVoteIn, precheckIn } from '../grants/review';

/** The demo fund's review: written through the review's use cases, inside the seed's transaction. */

/** A demo person as the policy sees them, from their memberships. */
export async function demoActorIn(transaction: Transaction, loginName: string): Promise<Actor> {
  const [user] = await transaction<{ id: string }[]>`select id::text as id from users where login_name = ${loginName}`;
  if (user === undefined) throw new Error(`demo seed: no user ${loginName}`);
  const memberships = await transaction<
    {
      fundId: string;
      role: 'fund_admin' | 'leader' | 'committee' | 'supervisor';
      unitId: string | null;
      compoundId: string | null;
    }[]
  >`
    select fund_id::text as "fundId", role, unit_id::text as "unitId", compound_id::text as "compoundId"
      from memberships where user_id = ${user.id}`;
  return {
    kind: 'user',
    userId: user.id,
    platformAdmin: false,
    memberships,
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

function demoOk(what: string, result: { ok: boolean; code?: string }): void {
  if (!result.ok) throw new Error(`demo seed: ${what} was refused (${result.code ?? 'unknown'})`);
}

/**
 * The demo's review, through the use cases so that every rule holds: a third leader (孙委员,
 * grid-03) so that the quorum of three is reachable; #1 (桂花井3号院's parking barrier, 5,000)
 * pre-checked and approved by all three leaders, which holds its 3,000.00 match on the pool and
 * opens its notice; one objection to it, dismissed; and #3 (南街小区) returned with comments.
 */
export async function seedDemoReview(transaction: Transaction, fundId: string, now: Date): Promise<void> {
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

  const admin = await demoActorIn(transaction, 'demo-admin');
  const common = { fundId, now, ip: null };
  const [first] = await transaction<{ status: string }[]>`
    select status from applications where fund_id = ${fundId} and number = 1`;
  if (first?.status === 'submitted') {
    demoOk(
      'pre-checking #1',
      await precheckIn(transaction, {
        ...common,
        actor: admin,
        number: 1,
        outcome: 'pass',
        comments: '材料齐全，提交领导小组表决。'
      })
    );
    for (const loginName of ['demo-leader', 'demo-leader2', 'demo-leader3']) {
      const actor = await demoActorIn(transaction, loginName);
      const seatId = actor.kind === 'user' ? actor.userId : '';
      demoOk(
        `${loginName}'s vote on #1`,
        await castVoteIn(transaction, { ...common, actor, seatId, number: 1, choice: 'approve', reason: '' })
      );
    }
    const filed = await fileObjectionIn(transaction, {
      ...common,
      number: 1,
      name: '周先生',
      contact: '1390000xxxx',
      body: '道闸一体机的报价是否偏高？希望公开比价情况。'
    });
    if (!filed.ok) throw new Error(`demo seed: the objection was refused (${filed.code})`);
    demoOk(
      'dismissing the objection',
      await decideObjectionIn(transaction, {
        ...common,
        objectionId: filed.objectionId,
        outcome: 'dismissed',
        note: '已比较三家报价，所选报价最低；已电话答复周先生。',
        actorUserId: admin.kind === 'user' ? admin.userId : null
      })
    );
    // An advertisement posted through the objection form: the office marks it as spam, so the
    // office's notice page shows all three outcomes' buttons used and the public counts leave it out.
    const spam = await fileObjectionIn(transaction, {
      ...common,
      number: 1,
      name: '广告',
      contact: 'ad@example.com',
      body: '专业安装道闸，价格优惠，欢迎来电咨询。'
    });
    if (!spam.ok) throw new Error(`demo seed: the spam objection was refused (${spam.code})`);
    demoOk(
      'marking the advertisement as spam',
      await decideObjectionIn(transaction, {
        ...common,
        objectionId: spam.objectionId,
        outcome: 'spam',
        note: '广告，与本项目无关。',
        actorUserId: admin.kind === 'user' ? admin.userId : null
      })
    );
  }
  const [third] = await transaction<{ status: string }[]>`
    select status from applications where fund_id = ${fundId} and number = 3`;
  if (third?.status === 'submitted') {
    demoOk(
      'returning #3',
      await precheckIn(transaction, {
        ...common,
        actor: admin,
        number: 3,
        outcome: 'return',
        comments: '请补充两家以上供应商报价单。'
      })
    );
  }
}
