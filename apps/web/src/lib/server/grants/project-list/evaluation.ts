import { chinaDateOf } from '@gongjian/ledger';
import { recordEvent } from '../../platform/audit';
import { runCommand } from '../../platform/command';
import type { Sql, Transaction } from '../../db/client';
import { householdOfCode } from '../../fund/household-codes';
import { COMMENT_LENGTH_MAX, RATINGS, type Rating } from '../../projects/evaluation';

/**
 * Residents rate a delivered direct item with their household code (户码), without an account: once
 * per household and item. Which households used their code (list_item_evaluation_uses) and what
 * was said (list_item_evaluations: the rating, the comment, the day) are two tables with nothing
 * joining them, as project evaluations keep them, so a rating cannot be traced to a door.
 */

export type EvaluateItemResult =
  | { ok: true }
  | { ok: false; code: 'code_is_unknown' | 'code_is_of_another_compound' | 'household_has_evaluated' }
  | { ok: false; code: 'code_is_throttled'; retryAt: Date }
  | { ok: false; code: 'rating_is_unknown' | 'comment_is_too_long' | 'list_item_is_not_evaluable' };

type EvaluateFailure = Exclude<EvaluateItemResult, { ok: true }>;

export function isRating(text: string): text is Rating {
  return (RATINGS as readonly string[]).includes(text);
}

export async function evaluateItem(
  sql: Sql,
  input: { fundId: string; number: number; code: string; rating: string; comment: string; ip: string | null; now: Date }
): Promise<EvaluateItemResult> {
  const rating = input.rating;
  if (!isRating(rating)) return { ok: false, code: 'rating_is_unknown' };
  const comment = input.comment.trim();
  if (comment.length > COMMENT_LENGTH_MAX) return { ok: false, code: 'comment_is_too_long' };
  const [item] = await sql<{ id: string; compoundId: string; evaluable: boolean }[]>`
    select id::text as id, compound_id::text as "compoundId", (status = 'delivered' and delivery = 'direct') as evaluable
      from list_items where fund_id = ${input.fundId} and number = ${input.number}`;
  if (item?.evaluable !== true) return { ok: false, code: 'list_item_is_not_evaluable' };
  // The code is looked up outside the transaction, since a wrong one is counted against the address.
  const lookup = await householdOfCode(sql, { fundId: input.fundId, code: input.code, ip: input.ip, now: input.now });
  if (!lookup.ok) return lookup;
  if (lookup.household.compoundId !== item.compoundId) return { ok: false, code: 'code_is_of_another_compound' };
  return runCommand<EvaluateItemResult, EvaluateFailure>(sql, (transaction) =>
    recordIn(transaction, { ...input, itemId: item.id, householdId: lookup.household.householdId, rating, comment })
  );
}

async function recordIn(
  transaction: Transaction,
  input: { fundId: string; itemId: string; householdId: string; rating: Rating; comment: string; now: Date }
): Promise<EvaluateItemResult> {
  // The primary key makes two racing submits of one household count once: the second waits on the
  // first's row and then inserts nothing.
  const used = await transaction`
    insert into list_item_evaluation_uses (list_item_id, household_id) values (${input.itemId}, ${input.householdId})
    on conflict do nothing returning 1`;
  if (used.length === 0) return { ok: false, code: 'household_has_evaluated' };
  await transaction`
    insert into list_item_evaluations (fund_id, list_item_id, rating, comment, on_day)
    values (${input.fundId}, ${input.itemId}, ${input.rating}, ${input.comment}, ${chinaDateOf(input.now)})`;
  // No address and no household: the trail says an item was rated, not by whom (and it tells the
  // public pages' cache that the item's results changed).
  await recordEvent(transaction, {
    action: 'list_item.evaluated',
    outcome: 'ok',
    at: input.now,
    fundId: input.fundId,
    resourceType: 'list_item',
    resourceId: input.itemId
  });
  return { ok: true };
}
