import { chinaDateOf, Money } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { fundPolicyToJson, parseFundPolicy } from '../fund/fund-policy';
import { codeHash, dayOf, newCode } from '../projects/evaluation';
import { loadProject } from '../projects/project-core';
import { recordIn } from '../projects/self-raising';
import { seedDemoAcceptance } from './acceptance';
import { demoNoticeEndedIn } from './calendar';
import {
  approveDemoIn,
  demoActorIn,
  demoLeadersIn,
  precheckDemoIn,
  submitDemoApplicationIn,
  type DemoApplication
} from './workflow';

/**
 * Residents sign off the work (step 019_demo_signoffs): the leadership adopts a new policy version
 * asking for two resident representatives' sign-offs before the final tranche; 桂花井3号院's
 * committee chooses three representatives and every household of the compound gets its standing
 * code (the slips themselves are not kept: a newcomer reissues one on the codes page to try the
 * public sign-off page). Two small projects of the compound are approved under that version and
 * accepted: the bench repair has both sign-offs, the railing repair waits for one more. Four
 * households paid each project's residents' share in full, so that what the railing's final
 * tranche waits for is the sign-off alone.
 */

const MEETING = { date: '2026-09-20', total: '25', present: '21', agreeing: '20' };

const BENCHES: DemoApplication = {
  compoundCode: 'c-guihua-3',
  draftKey: '00000000-0000-4000-8000-000000001901',
  basics: {
    title: '院内休闲座椅更换',
    category: 'repairs',
    description: '更换院内六张朽坏的木座椅，改为防腐木加铸铁脚。',
    location: '桂花井3号院中心花园'
  },
  lines: [{ item: '防腐木座椅', quantity: '6', unitPrice: '300.00' }],
  selfRaiseTarget: '',
  householdsExpected: '25',
  meeting: MEETING
};

const RAILING: DemoApplication = {
  compoundCode: 'c-guihua-3',
  draftKey: '00000000-0000-4000-8000-000000001902',
  basics: {
    title: '楼梯扶手加固',
    category: 'repairs',
    description: '2号楼楼梯扶手松动，加固并加装靠墙扶手，方便老人上下楼。',
    location: '桂花井3号院2号楼'
  },
  lines: [{ item: '扶手加固及靠墙扶手', quantity: '1', unitPrice: '2000.00' }],
  selfRaiseTarget: '',
  householdsExpected: '25',
  meeting: MEETING
};

export async function seedDemoSignoffs(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  await adoptSignoffPolicyIn(transaction, fundId, now);
  const households = await transaction<{ id: string }[]>`
    select h.id::text as id from households h join compounds c on c.id = h.compound_id
     where h.fund_id = ${fundId} and c.code = 'c-guihua-3'
     order by h.building, h.unit_no, h.room, h.id`;
  const representatives = households.slice(0, 3).map((household) => household.id);
  await transaction`
    update households set representative = true where fund_id = ${fundId} and id::text = any(${representatives}::text[])`;
  for (const household of households) {
    await transaction`
      insert into household_codes (household_id, fund_id, code_hash, issued_at)
      values (${household.id}, ${fundId}, ${codeHash(newCode())}, ${dayOf(now)}) on conflict do nothing`;
  }
  const benches = await acceptedProjectIn(transaction, fundId, now, BENCHES);
  const railing = await acceptedProjectIn(transaction, fundId, now, RAILING);
  const day = chinaDateOf(now);
  for (const [applicationId, signed] of [
    [benches, representatives.slice(0, 2)],
    [railing, representatives.slice(0, 1)]
  ] as const) {
    for (const householdId of signed) {
      await transaction`
        insert into acceptance_signoffs (application_id, household_id, on_day)
        values (${applicationId}, ${householdId}, ${day}) on conflict do nothing`;
    }
  }
}

/** A new policy version: the one in force, asking for two sign-offs. */
async function adoptSignoffPolicyIn(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [latest] = await transaction<{ version: number; policy: unknown }[]>`
    select version, policy from fund_policies where fund_id = ${fundId} order by version desc limit 1`;
  if (latest === undefined) throw new Error('demo seed: the demo fund has no policy');
  const parsed = parseFundPolicy(latest.policy);
  if (!parsed.ok) throw new Error(`demo seed: the demo policy does not parse (${parsed.code})`);
  const policy = fundPolicyToJson({ ...parsed.value, residentSignoffs: 2 });
  await transaction`
    insert into fund_policies (fund_id, version, policy, adopted_at, note)
    values (${fundId}, ${latest.version + 1}, ${transaction.json(policy)}, ${now},
            '领导小组会议通过：终期拨付前须两位居民代表签认')`;
}

/** An application of the compound approved under the policy in force, through its notice, accepted. */
async function acceptedProjectIn(
  transaction: Transaction,
  fundId: string,
  now: Date,
  application: DemoApplication
): Promise<string> {
  const moment = { fundId, now };
  const actor = await demoActorIn(transaction, 'demo-committee');
  const admin = await demoActorIn(transaction, 'demo-admin');
  const number = await submitDemoApplicationIn(transaction, { ...moment, actor, application });
  await precheckDemoIn(transaction, { ...moment, admin, number, outcome: 'pass', comments: '材料齐全。' });
  await approveDemoIn(transaction, { ...moment, leaders: await demoLeadersIn(transaction), number });
  await demoNoticeEndedIn(transaction, { fundId, number, now, what: `project #${number}` });
  await raiseInFullIn(transaction, {
    fundId,
    number,
    now,
    keyPrefix: `${application.draftKey.slice(0, -6)}19${application.draftKey.slice(-2)}5`
  });
  await seedDemoAcceptance(transaction, fundId, now, { number });
  const [row] = await transaction<{ id: string }[]>`
    select id::text as id from applications where fund_id = ${fundId} and number = ${number}`;
  if (row === undefined) throw new Error(`demo seed: project #${number} is missing`);
  return row.id;
}

/** Four households of the compound pay the project's residents' share in equal parts, as the committee records. */
async function raiseInFullIn(
  transaction: Transaction,
  input: { fundId: string; number: number; now: Date; keyPrefix: string }
): Promise<void> {
  const project = await loadProject(transaction, { fundId: input.fundId, number: input.number, lock: true });
  if (project === null) throw new Error(`demo seed: project #${input.number} is missing`);
  const [row] = await transaction<{ target: string }[]>`
    select coalesce(self_raise_target, 0)::text as target from applications where id = ${project.id}`;
  const committee = await demoActorIn(transaction, 'demo-committee');
  const households = await transaction<{ id: string }[]>`
    select id::text as id from households where compound_id = ${project.compoundId}
     order by building, unit_no, room, id limit 4`;
  const target = Money.parse(row?.target ?? '0');
  if (!target.ok) throw new Error(`demo seed: project #${input.number} has no residents' share`);
  // The share divides by four in whole fen for both demo budgets (720.00 and 800.00).
  const part = Money.fromMinor(target.value.toMinor() / 4n).toString();
  for (const [index, household] of households.entries()) {
    await recordIn(transaction, {
      fundId: input.fundId,
      now: input.now,
      ip: null,
      project,
      actorUserId: committee.kind === 'user' ? committee.userId : null,
      checkDates: false,
      householdId: household.id,
      amount: part,
      date: chinaDateOf(input.now),
      method: 'wechat',
      receipt: null,
      idempotencyKey: `${input.keyPrefix}${String(index)}`
    });
  }
}
