import { categoryPolicyOf, type Vote, type VoteSeat } from '@gongjian/ledger';
import type { Sql, Transaction } from '../../db/client';
import { parseFundPolicy, type FundPolicy } from '../../fund/fund-policy';
import type { ApplicationRow } from './transitions';

/** The leadership's seats and votes, and the policy version an application is judged by. */

export interface SeatRow {
  userId: string;
  unitId: string;
  unitIds: string[];
  compoundIds: string[];
}

/** The fund's leadership seats, each with every unit and compound its holder has a role for here. */
export async function seatsOf(db: Sql | Transaction, fundId: string): Promise<SeatRow[]> {
  return db<SeatRow[]>`
    select l.user_id::text as "userId", min(l.unit_id)::text as "unitId",
           coalesce(array_agg(distinct m.unit_id::text) filter (where m.unit_id is not null), '{}') as "unitIds",
           coalesce(array_agg(distinct m.compound_id::text) filter (where m.compound_id is not null), '{}') as "compoundIds"
      from memberships l
      join users u on u.id = l.user_id and u.status = 'active'
      join memberships m on m.fund_id = l.fund_id and m.user_id = l.user_id
     where l.fund_id = ${fundId} and l.role = 'leader'
     group by l.user_id
     order by l.user_id`;
}

export function voteSeatOf(seat: SeatRow): VoteSeat {
  return { seatId: seat.userId, unitIds: seat.unitIds, compoundIds: seat.compoundIds };
}

export interface VoteRow {
  seatUserId: string;
  choice: 'approve' | 'reject' | 'return';
  overrideRatio: string | null;
  reason: string;
}

export async function votesOf(db: Sql | Transaction, applicationId: string, revision: number): Promise<VoteRow[]> {
  return db<VoteRow[]>`
    select seat_user_id::text as "seatUserId", choice, override_ratio as "overrideRatio", reason
      from votes where application_id = ${applicationId} and revision = ${revision}
     order by cast_at, seat_user_id`;
}

export function voteOf(row: VoteRow): Vote {
  switch (row.choice) {
    case 'approve':
      return row.overrideRatio === null
        ? { seatId: row.seatUserId, choice: 'approve' }
        : { seatId: row.seatUserId, choice: 'approve', override: { ratio: row.overrideRatio, reason: row.reason } };
    case 'reject':
      return { seatId: row.seatUserId, choice: 'reject', reason: row.reason };
    case 'return':
      return { seatId: row.seatUserId, choice: 'return', comments: row.reason };
  }
}

/** One policy version, read inside the caller's transaction (policyVersion takes a pool, not a transaction). */
export async function policyIn(
  transaction: Transaction,
  fundId: string,
  version: number
): Promise<{ version: number; policy: FundPolicy } | null> {
  const [row] = await transaction<{ policy: unknown }[]>`
    select policy from fund_policies where fund_id = ${fundId} and version = ${version}`;
  if (row === undefined) return null;
  const parsed = parseFundPolicy(row.policy);
  if (!parsed.ok) throw new Error(`stored policy version ${version} does not parse (${parsed.code})`);
  return { version, policy: parsed.value };
}

export function votePolicyOf(policy: FundPolicy) {
  return { quorum: policy.vote.quorum, majority: policy.vote.majority, overrideBand: policy.match.overrideBand };
}

/** The hold that reserves an approved application's match, one per decision (revision). */
export function holdIdOf(fundId: string, number: number, revision: number): string {
  return `application-${fundId}-${number}-r${revision}`;
}

/** The ratio a policy gives the application's category when nobody overrides it. */
export function ratioOf(policy: FundPolicy, application: Pick<ApplicationRow, 'category' | 'requestedRatio'>): string {
  return (
    application.requestedRatio ??
    categoryPolicyOf(policy.match, application.category)?.ratio ??
    policy.match.ratioDefault
  );
}
