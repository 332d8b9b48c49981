import type { Actor, DenyReason } from '../../access/policy';

/** The application's limits, steps and the shapes every command shares. */

// The fields' lengths live where the page can import them too; the checks use the same numbers.
export {
  DESCRIPTION_LENGTH_MAX,
  ITEM_LENGTH_MAX,
  LOCATION_LENGTH_MAX,
  REASON_LENGTH_MAX,
  TITLE_LENGTH_MAX
} from '../../../application-limits';
// The budget's own limits are the ledger's, beside its arithmetic.
export { BUDGET_LINES_MAX, QUANTITY_MAX } from '@gongjian/ledger';
export const QUOTES_MAX = 10;
export const HOUSEHOLDS_MAX = 100_000;

export const STEPS = ['basics', 'budget', 'match', 'selfraise', 'meeting', 'quotes', 'review'] as const;
export type Step = (typeof STEPS)[number];

/** What a submission still lacks, in the order the steps ask for it. */
export const MISSING_PARTS = [
  'title',
  'category',
  'budget',
  'requested_ratio',
  'self_raise_plan',
  'owners_meeting',
  'owners_consent',
  'match'
] as const;
export type MissingPart = (typeof MISSING_PARTS)[number];

/** What every command carries: who, in which fund, when and from where. */
export interface Command {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

export type NotAllowed = { ok: false; code: 'not_allowed'; reason: DenyReason };
export type NotFound = { ok: false; code: 'application_not_found' };
export type NotEditable = { ok: false; code: 'application_is_not_editable' };

export function actorIdOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}
