import type { Transaction } from '../db/client';
import { saveDraftIn, submitApplicationIn, type DraftInput } from '../grants/applications';
import { moveNeedIn } from '../grants/needs/moves';
import { deliverItemIn, placeOrderIn, startWorkIn } from '../grants/project-list';
import { demoPhoto } from './acceptance';
import { demoNoticeEndedIn } from './calendar';
import { approveDemoIn, demoActorIn, demoLeadersIn, demoOk, demoUserIdOf, precheckDemoIn } from './workflow';

/*
 * The project list in the demo (018_demo_project_list): three orders, each serving needs this step
 * raises and accepts itself (the needs and resources steps may not have run before it), and the
 * resources it offers. A direct one is delivered by its unit with feedback, two photos (one checked
 * for personal data, so public) and residents' ratings; a grant one opened the committee's draft,
 * which was completed, submitted, pre-checked, approved and past its notice, so it is an active
 * project; a third is in progress. Every write goes through the project list's own use cases,
 * except the needs' and resources' rows, which are written directly as their steps would leave them.
 */

interface Moment {
  fundId: string;
  now: Date;
}

const NEEDS = [
  {
    key: 'plist-need-1',
    compound: 'c-guihua-3',
    category: 'safety',
    body: '1 号楼楼道灯坏了一个月，晚上上下楼看不见。',
    place: '桂花井3号院 1 号楼'
  },
  {
    key: 'plist-need-2',
    compound: 'c-guihua-3',
    category: 'safety',
    body: '2 号楼单元门口没有灯，老人晚上出门不方便。',
    place: '桂花井3号院 2 号楼'
  },
  {
    key: 'plist-need-3',
    compound: 'c-guihua-3',
    category: 'greening',
    body: '院子中间的空地杂草丛生，希望改成小花园。',
    place: '桂花井3号院中庭'
  },
  {
    key: 'plist-need-4',
    compound: 'c-xiyuan',
    category: 'culture',
    body: '希望每周有人给孩子们辅导作业。',
    place: '西苑院落活动室'
  }
] as const;

const RESOURCES = [
  {
    key: 'plist-resource-1',
    kind: 'volunteer_hours',
    description: '供电所党员电工志愿服务',
    quantity: '40',
    measure: '小时'
  },
  { key: 'plist-resource-2', kind: 'materials', description: 'LED 声控灯具', quantity: '30', measure: '套' },
  { key: 'plist-resource-3', kind: 'expertise', description: '中学教师课业辅导', quantity: '20', measure: '次' }
] as const;

async function idsOf(
  transaction: Transaction,
  fundId: string,
  table: 'compounds' | 'units'
): Promise<Map<string, string>> {
  const rows = await transaction<{ code: string; id: string }[]>`
    select code, id::text as id from ${transaction(table)} where fund_id = ${fundId} order by id`;
  return new Map(rows.map((row) => [row.code, row.id]));
}

/** The demo's needs, accepted through moveNeedIn as triage would leave them; answers their ids by key. */
async function seedNeeds(transaction: Transaction, moment: Moment, adminId: string): Promise<Map<string, string>> {
  const compounds = await idsOf(transaction, moment.fundId, 'compounds');
  const ids = new Map<string, string>();
  for (const need of NEEDS) {
    const [row] = await transaction<{ id: string }[]>`
      insert into needs (fund_id, number, compound_id, category, body, place, source, recorded_by, create_key,
                         raised_at, updated_at)
      values (${moment.fundId}, (select coalesce(max(number), 0) + 1 from needs where fund_id = ${moment.fundId}),
              ${compounds.get(need.compound) ?? '0'}, ${need.category}, ${need.body}, ${need.place}, 'meeting',
              ${adminId}, ${need.key}, ${moment.now}, ${moment.now})
      returning id::text as id`;
    if (row === undefined) throw new Error('demo seed: a need was not written');
    await transaction`
      insert into need_steps (need_id, kind, note, by_user, at) values (${row.id}, 'raised', '', ${adminId}, ${moment.now})`;
    await moveNeedIn(transaction, {
      fundId: moment.fundId,
      needId: row.id,
      action: 'accept',
      note: '居民议事会讨论后受理。',
      listItemId: null,
      byUserId: adminId,
      now: moment.now
    });
    ids.set(need.key, row.id);
  }
  return ids;
}

async function seedResources(transaction: Transaction, moment: Moment, adminId: string): Promise<string[]> {
  const units = [...(await idsOf(transaction, moment.fundId, 'units')).values()];
  const ids: string[] = [];
  for (const [index, resource] of RESOURCES.entries()) {
    const [row] = await transaction<{ id: string }[]>`
      insert into resources (fund_id, number, unit_id, kind, description, quantity, measure, available_from,
                             create_key, recorded_by, recorded_at)
      values (${moment.fundId}, (select coalesce(max(number), 0) + 1 from resources where fund_id = ${moment.fundId}),
              ${units[index % Math.max(units.length, 1)] ?? null}, ${resource.kind}, ${resource.description},
              ${resource.quantity}, ${resource.measure}, '2026-01-01', ${resource.key}, ${adminId}, ${moment.now})
      returning id::text as id`;
    if (row === undefined) throw new Error('demo seed: a resource was not written');
    ids.push(row.id);
  }
  return ids;
}

export async function seedDemoProjectList(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const moment = { fundId, now };
  const admin = await demoActorIn(transaction, 'demo-admin');
  const adminId = demoUserIdOf(admin);
  const leader = await demoActorIn(transaction, 'demo-leader');
  const needs = await seedNeeds(transaction, moment, adminId);
  const resources = await seedResources(transaction, moment, adminId);
  const compounds = await idsOf(transaction, fundId, 'compounds');
  const units = [...(await idsOf(transaction, fundId, 'units')).values()];
  const order: Order = (input) =>
    placeOrderIn(
      transaction,
      {
        actor: admin,
        fundId,
        now,
        ip: null,
        compoundId: compounds.get(input.compound) ?? '0',
        title: input.title,
        needIds: input.needs.map((key) => needs.get(key) ?? '0'),
        resourceIds: input.resources,
        unitId: units[input.unit] ?? '0',
        followUpUserId: demoUserIdOf(leader),
        delivery: input.delivery,
        note: '',
        createKey: input.key
      },
      adminId
    );
  const direct = await order({
    key: 'demo-plist-direct',
    compound: 'c-guihua-3',
    title: '桂花井3号院楼道灯维修',
    needs: ['plist-need-1', 'plist-need-2'],
    resources: resources.slice(0, 2),
    delivery: 'direct',
    unit: 0
  });
  await deliverDirect(transaction, { ...moment, number: direct.number, adminId });
  await seedGrant(transaction, { ...moment, order, adminId });
  const running = await order({
    key: 'demo-plist-running',
    compound: 'c-xiyuan',
    title: '西苑院落课业辅导',
    needs: ['plist-need-4'],
    resources: resources.slice(2, 3),
    delivery: 'direct',
    unit: 2
  });
  const command = { actor: admin, fundId, now, ip: null, number: running.number };
  demoOk('starting the tutoring', await startWorkIn(transaction, command, adminId));
}

async function deliverDirect(
  transaction: Transaction,
  input: Moment & { number: number; adminId: string }
): Promise<void> {
  const admin = await demoActorIn(transaction, 'demo-admin');
  const common = { actor: admin, fundId: input.fundId, now: input.now, ip: null, number: input.number };
  demoOk('starting the lights', await startWorkIn(transaction, common, input.adminId));
  const photos = [demoPhoto([250, 240, 200], [120, 120, 120]), demoPhoto([255, 250, 220], [90, 90, 90])];
  demoOk(
    'delivering the lights',
    await deliverItemIn(
      transaction,
      {
        ...common,
        deliveredOn: '2026-10-20',
        feedback: '供电所电工更换了 1 号楼、2 号楼楼道和单元门口的 14 盏 LED 声控灯。',
        photos
      },
      input.adminId
    )
  );
  // The first photo was checked for personal data (a stairwell, no faces), so it is public.
  await transaction`
    update attachments set checked_for_personal_data_at = ${input.now}, checked_by = ${input.adminId}
     where fund_id = ${input.fundId} and sha256 = ${photos[0]?.sha256 ?? ''}`;
  // Three households rated it with their codes: their uses and their ratings, kept apart.
  const [item] = await transaction<{ id: string; compoundId: string }[]>`
    select id::text as id, compound_id::text as "compoundId" from list_items
     where fund_id = ${input.fundId} and number = ${input.number}`;
  const households = await transaction<{ id: string }[]>`
    select id::text as id from households where compound_id = ${item?.compoundId ?? '0'} order by id limit 3`;
  const ratings = [
    ['satisfied', '灯很亮，晚上回家放心多了。'],
    ['satisfied', ''],
    ['mostly_satisfied', '希望院门口也能换。']
  ] as const;
  for (const [index, household] of households.entries()) {
    const [rating, comment] = ratings[index] ?? ratings[0];
    await transaction`
      insert into list_item_evaluation_uses (list_item_id, household_id) values (${item?.id ?? '0'}, ${household.id})`;
    await transaction`
      insert into list_item_evaluations (fund_id, list_item_id, rating, comment, on_day)
      values (${input.fundId}, ${item?.id ?? '0'}, ${rating}, ${comment}, '2026-10-25')`;
  }
}

type Order = (input: {
  key: string;
  compound: string;
  title: string;
  needs: string[];
  resources: string[];
  delivery: 'direct' | 'grant';
  unit: number;
}) => Promise<{ number: number; applicationNumber: number | null }>;

/**
 * The grant order: its pre-filled draft is completed by the compound's committee (budget,
 * self-raising plan, owners' meeting), submitted, pre-checked by the office and approved by the
 * leaders, so the item stands in progress with a project behind it.
 */
async function seedGrant(transaction: Transaction, input: Moment & { order: Order; adminId: string }): Promise<void> {
  const placed = await input.order({
    key: 'demo-plist-grant',
    compound: 'c-guihua-3',
    title: '桂花井3号院中庭小花园',
    needs: ['plist-need-3'],
    resources: [],
    delivery: 'grant',
    unit: 1
  });
  const number = placed.applicationNumber;
  if (number === null) throw new Error('demo seed: the grant order opened no draft');
  const committee = await demoActorIn(transaction, 'demo-committee');
  const common = { fundId: input.fundId, now: input.now, ip: null, actor: committee, number };
  const steps: DraftInput[] = [
    { step: 'budget', lines: [{ item: '苗木及土方', quantity: '1', unitPrice: '4000.00' }] },
    { step: 'selfraise', selfRaiseTarget: '1500.00', householdsExpected: '25' },
    {
      step: 'meeting',
      meetingDate: '2026-09-20',
      householdsTotal: '25',
      householdsPresent: '20',
      householdsAgreeing: '19',
      minutes: null
    }
  ];
  for (const draft of steps) {
    demoOk(`saving the garden's ${draft.step}`, await saveDraftIn(transaction, { ...common, draft }));
  }
  demoOk('submitting the garden', await submitApplicationIn(transaction, common));
  const admin = await demoActorIn(transaction, 'demo-admin');
  await precheckDemoIn(transaction, { ...input, admin, number, outcome: 'pass', comments: '' });
  await approveDemoIn(transaction, { ...input, leaders: await demoLeadersIn(transaction), number });
  // Past its notice, so the demo shows the order's project at work, and the fund's notices stay the
  // ones the review and calendar steps put up.
  await demoNoticeEndedIn(transaction, { fundId: input.fundId, number, now: input.now, what: `project #${number}` });
}
