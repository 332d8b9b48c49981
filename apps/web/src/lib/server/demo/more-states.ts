import { createDraftIn, saveDraftIn, submitApplicationIn } from '../grants/applications';
import type { Transaction } from '../db/client';
import type { Actor } from '../access/policy';
import { demoNoticeEndedIn } from './calendar';
import { castVoteIn, precheckIn } from '../grants/review';
import { demoActorIn } from './review';

/**
 * The rest of the states an application can be in, for a newcomer to see each once, written
 * through the use cases so that every rule holds (step 008_demo_more_states, after the review's):
 *
 * - 南街小区's wall repair, 6,000.00, pre-checked and in review with one vote (李组长, approve);
 * - 南街小区's open-air film nights, refused at the pre-check as outside what the fund supports;
 * - 桂花井3号院's entrance-door repair, 2,500.00, approved by the three leaders (which holds its
 *   1,500.00 match on the pool, as an active grant keeps) and active.
 *
 * The last one is a demo shortcut: its notice starts today and lasts five working days, so the
 * seed asks for its end at once (demoNoticeEndedIn) instead of waiting.
 * The notice of #1, approved by the review's step, stays open.
 */

function demoOk(what: string, result: { ok: boolean; code?: string }): void {
  if (!result.ok) throw new Error(`demo seed: ${what} was refused (${result.code ?? 'unknown'})`);
}

export async function seedDemoMoreStates(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const compounds = await transaction<{ id: string; code: string }[]>`
    select id::text as id, code from compounds where fund_id = ${fundId}`;
  const compoundOf = (code: string) => {
    const found = compounds.find((compound) => compound.code === code);
    if (found === undefined) throw new Error(`demo seed: no compound ${code}`);
    return found.id;
  };
  const common = { fundId, now, ip: null };
  const admin = await demoActorIn(transaction, 'demo-admin');
  const committee = await demoActorIn(transaction, 'demo-committee');
  const committeeB = await demoActorIn(transaction, 'demo-committee-b');
  const leaders = await Promise.all(
    ['demo-leader', 'demo-leader2', 'demo-leader3'].map((loginName) => demoActorIn(transaction, loginName))
  );

  /** A complete application, submitted by its committee: its number. */
  const submitted = async (
    actor: Actor,
    code: string,
    key: string,
    content: {
      title: string;
      category: string;
      description: string;
      location: string;
      lines: { item: string; quantity: string; unitPrice: string }[];
      households: string;
      meeting: { date: string; total: string; present: string; agreeing: string };
    }
  ): Promise<number> => {
    const created = await createDraftIn(transaction, {
      ...common,
      actor,
      compoundId: compoundOf(code),
      idempotencyKey: key
    });
    if (!created.ok) throw new Error(`demo seed: creating a draft was refused (${created.code})`);
    const number = created.number;
    const save = async (draft: Parameters<typeof saveDraftIn>[1]['draft']) =>
      demoOk(
        `saving step ${draft.step} of #${number}`,
        await saveDraftIn(transaction, { ...common, actor, number, draft })
      );
    await save({
      step: 'basics',
      title: content.title,
      category: content.category,
      description: content.description,
      location: content.location
    });
    await save({ step: 'budget', lines: content.lines });
    await save({ step: 'selfraise', selfRaiseTarget: '', householdsExpected: content.households });
    await save({
      step: 'meeting',
      meetingDate: content.meeting.date,
      householdsTotal: content.meeting.total,
      householdsPresent: content.meeting.present,
      householdsAgreeing: content.meeting.agreeing,
      minutes: null
    });
    demoOk(`submitting #${number}`, await submitApplicationIn(transaction, { ...common, actor, number }));
    return number;
  };
  const precheck = async (number: number, outcome: 'pass' | 'reject', comments: string) =>
    demoOk(
      `pre-checking #${number}`,
      await precheckIn(transaction, { ...common, actor: admin, number, outcome, comments })
    );
  const vote = async (leader: Actor, number: number) =>
    demoOk(
      `a vote on #${number}`,
      await castVoteIn(transaction, {
        ...common,
        actor: leader,
        seatId: leader.kind === 'user' ? leader.userId : '',
        number,
        choice: 'approve',
        reason: ''
      })
    );

  const wall = await submitted(committeeB, 'c-nanjie', '00000000-0000-4000-8000-000000000801', {
    title: '围墙修补',
    category: 'repairs',
    description: '小区东侧围墙有两处坍塌缺口，修补并加装防攀爬刺。',
    location: '南街小区东侧围墙',
    lines: [{ item: '围墙修补及防攀爬刺', quantity: '1', unitPrice: '6000.00' }],
    households: '100',
    meeting: { date: '2026-10-18', total: '120', present: '82', agreeing: '70' }
  });
  await precheck(wall, 'pass', '材料齐全，提交领导小组表决。');
  const [firstLeader] = leaders;
  if (firstLeader === undefined) throw new Error('demo seed: no leaders');
  await vote(firstLeader, wall);

  const films = await submitted(committeeB, 'c-nanjie', '00000000-0000-4000-8000-000000000802', {
    title: '露天电影放映',
    category: 'culture',
    description: '夏季每周六晚在中心广场放映露天电影，租用放映设备。',
    location: '南街小区中心广场',
    lines: [{ item: '放映设备租赁', quantity: '8', unitPrice: '400.00' }],
    households: '100',
    meeting: { date: '2026-10-18', total: '120', present: '82', agreeing: '61' }
  });
  await precheck(films, 'reject', '设备租赁属于日常活动开支，不在基金支持的共建项目范围内。');

  const door = await submitted(committee, 'c-guihua-3', '00000000-0000-4000-8000-000000000803', {
    title: '单元门禁维修',
    category: 'repairs',
    description: '2号楼单元门禁主机损坏，更换主机并重新调试。',
    location: '桂花井3号院2号楼',
    lines: [
      { item: '门禁主机', quantity: '1', unitPrice: '2000.00' },
      { item: '安装调试', quantity: '1', unitPrice: '500.00' }
    ],
    households: '25',
    meeting: { date: '2026-10-25', total: '25', present: '20', agreeing: '19' }
  });
  await precheck(door, 'pass', '材料齐全，提交领导小组表决。');
  for (const leader of leaders) await vote(leader, door);
  await demoNoticeEndedIn(transaction, { fundId, number: door, now, what: 'the door repair' });
}
