import type { Transaction } from '../db/client';
import type { Actor, FundRole } from '../access/policy';
import { type DraftInput, createDraftIn, saveDraftIn, submitApplicationIn } from '../grants/applications';

/**
 * The demo's applications, written through the use cases so that every rule holds: #1 (桂花井3号院,
 * a parking barrier) submitted, #2 (the same compound's stairway lights) a draft, #3 (南街小区,
 * fitness equipment) submitted. The review seed that follows moves them on.
 */
export async function seedDemoApplications(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const compounds = await transaction<{ id: string; code: string }[]>`
    select id::text as id, code from compounds where fund_id = ${fundId}`;
  const compoundOf = (code: string) => {
    const found = compounds.find((compound) => compound.code === code);
    if (found === undefined) throw new Error(`demo seed: no compound ${code}`);
    return found.id;
  };
  const committee = await demoActor(transaction, 'demo-committee');
  const committeeB = await demoActor(transaction, 'demo-committee-b');
  const common = { fundId, now, ip: null };

  const create = async (actor: Actor, code: string, key: string) => {
    const created = await createDraftIn(transaction, {
      ...common,
      actor,
      compoundId: compoundOf(code),
      idempotencyKey: key
    });
    if (!created.ok) throw new Error(`demo seed: creating a draft was refused (${created.code})`);
    return created.number;
  };
  const save = async (actor: Actor, number: number, draft: DraftInput) =>
    expectOk(
      `saving step ${draft.step} of #${number}`,
      await saveDraftIn(transaction, { ...common, actor, number, draft })
    );

  const first = await create(committee, 'c-guihua-3', '00000000-0000-4000-8000-000000000601');
  await save(committee, first, {
    step: 'basics',
    title: '更换停车道闸',
    category: 'repairs',
    description: '院内停车道闸老化，经常抬不起杆，外来车辆随意进出。更换为车牌识别一体机。',
    location: '桂花井3号院北门'
  });
  await save(committee, first, {
    step: 'budget',
    lines: [{ item: '道闸一体机', quantity: '1', unitPrice: '5000.00' }]
  });
  await save(committee, first, { step: 'selfraise', selfRaiseTarget: '2000.00', householdsExpected: '25' });
  await save(committee, first, {
    step: 'meeting',
    meetingDate: '2026-09-12',
    householdsTotal: '25',
    householdsPresent: '21',
    householdsAgreeing: '20',
    minutes: null
  });
  expectOk('submitting #1', await submitApplicationIn(transaction, { ...common, actor: committee, number: first }));

  const second = await create(committee, 'c-guihua-3', '00000000-0000-4000-8000-000000000602');
  await save(committee, second, {
    step: 'basics',
    title: '楼道照明改造',
    category: 'safety',
    description: '1号楼、2号楼楼道灯更换为声控LED灯。',
    location: '桂花井3号院1号楼、2号楼'
  });

  const third = await create(committeeB, 'c-nanjie', '00000000-0000-4000-8000-000000000603');
  await save(committeeB, third, {
    step: 'basics',
    title: '健身器材维修',
    category: 'repairs',
    description: '小区广场健身器材维修，更换损坏部件并重新刷漆。',
    location: '南街小区中心广场'
  });
  await save(committeeB, third, {
    step: 'budget',
    lines: [
      { item: '器材配件更换', quantity: '6', unitPrice: '800.00' },
      { item: '防锈漆及人工', quantity: '1', unitPrice: '2600.00' },
      { item: '地面防滑垫', quantity: '4', unitPrice: '300.00' }
    ]
  });
  await save(committeeB, third, { step: 'selfraise', selfRaiseTarget: '', householdsExpected: '100' });
  await save(committeeB, third, {
    step: 'meeting',
    meetingDate: '2026-10-08',
    householdsTotal: '120',
    householdsPresent: '80',
    householdsAgreeing: '66',
    minutes: null
  });
  expectOk('submitting #3', await submitApplicationIn(transaction, { ...common, actor: committeeB, number: third }));
}

export async function demoActor(transaction: Transaction, loginName: string): Promise<Actor> {
  const [user] = await transaction<{ id: string }[]>`select id::text as id from users where login_name = ${loginName}`;
  if (user === undefined) throw new Error(`demo seed: no user ${loginName}`);
  const rows = await transaction<
    { fundId: string; role: FundRole; unitId: string | null; compoundId: string | null }[]
  >`
    select fund_id::text as "fundId", role, unit_id::text as "unitId", compound_id::text as "compoundId"
      from memberships where user_id = ${user.id}`;
  return {
    kind: 'user',
    userId: user.id,
    platformAdmin: false,
    memberships: rows,
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

export function expectOk(what: string, result: { ok: boolean; code?: string }): void {
  if (!result.ok) throw new Error(`demo seed: ${what} was refused (${result.code ?? 'unknown'})`);
}
