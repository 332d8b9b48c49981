import type { Transaction } from '../db/client';
import { demoProjectIn } from './self-raising';
import { EVALUATED_STATES, type Rating, codeHash, dayOf, newCode } from '../projects/evaluation';

/**
 * The demo's evaluation of 桂花井3号院's entrance-door repair, once it has been accepted (the
 * acceptance step must run first): codes for 20 of the 25 households, all used — 14 satisfied,
 * 4 mostly satisfied, 2 not satisfied, a few with comments. The other five households have no
 * code yet, so a newcomer signed in as the committee can issue theirs and try /evaluate.
 */
export async function seedDemoEvaluation(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const project = await demoProjectIn(transaction, fundId);
  if (!(EVALUATED_STATES as readonly string[]).includes(project.status)) {
    throw new Error(
      `demo seed: the entrance-door repair is ${project.status}, not accepted; seed its acceptance first`
    );
  }
  // Run once: a second run would hand the five households left for newcomers codes of their own.
  const [done] = await transaction`select 1 from evaluations where application_id = ${project.id} limit 1`;
  if (done !== undefined) return;
  const households = await transaction<{ id: string }[]>`
    select h.id::text as id from households h
     where h.compound_id = ${project.compoundId}
       and not exists (select 1 from evaluation_codes c where c.application_id = ${project.id} and c.household_id = h.id)
     order by h.building, h.unit_no, h.room, h.id limit 20`;
  const comments: Record<number, string> = {
    0: '门禁修好了，晚上回家安心多了。',
    3: '师傅很负责，调试了好几次。',
    15: '刷卡偶尔要刷两次，希望再调一下。',
    19: '施工那几天进出不方便，应提前通知。'
  };
  const day = dayOf(now);
  for (const [index, household] of households.entries()) {
    const rating: Rating = index < 14 ? 'satisfied' : index < 18 ? 'mostly_satisfied' : 'not_satisfied';
    await transaction`
      insert into evaluation_codes (fund_id, application_id, household_id, code_hash, issued_at, used_at)
      values (${fundId}, ${project.id}, ${household.id}, ${codeHash(newCode())}, ${day}, ${day})`;
    await transaction`
      insert into evaluations (fund_id, application_id, rating, comment, at)
      values (${fundId}, ${project.id}, ${rating}, ${comments[index] ?? ''}, ${day})`;
  }
}
