import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry, type RefusalTable } from '../platform/refusal-messages';

/** The fields of the pre-check and vote forms, and `form` for what concerns the whole form. */
export type ReviewField = 'outcome' | 'comments' | 'choice' | 'overrideRatio' | 'reason' | 'form';

/** What the pre-check form says for each refusal of precheck. */
export const PRECHECK_REFUSALS = refusalTable<ReviewField>({
  return_needs_comments: ['comments', () => m.review_error_comments()],
  reject_needs_a_reason: ['comments', () => m.review_error_comments()],
  comments_must_be_short: ['comments', () => m.review_error_too_long()],
  not_allowed: ['form', () => m.review_error_not_allowed()]
});

/**
 * What the vote form says for each refusal of castVote. Two sentences name figures of the request
 * (the policy's override band, and what the pool still has when it cannot cover the match), so the
 * table is made for them; `available` is already formatted in the visitor's locale.
 */
export function voteRefusals(figures: {
  band: { min: string; max: string };
  available: string;
}): RefusalTable<ReviewField> {
  return refusalTable<ReviewField>({
    reject_needs_a_reason: ['reason', () => m.review_error_reason()],
    override_needs_a_reason: ['reason', () => m.review_error_reason()],
    return_needs_comments: ['reason', () => m.review_error_comments()],
    comments_must_be_short: ['reason', () => m.review_error_too_long()],
    ratio_must_be_between_0_and_1: ['overrideRatio', () => m.review_error_ratio(figures.band)],
    override_outside_band: ['overrideRatio', () => m.review_error_ratio(figures.band)],
    voter_is_recused: ['form', () => m.review_error_recused()],
    vote_already_cast: ['form', () => m.review_error_already_voted()],
    pool_cannot_cover_the_match: ['form', () => m.review_error_pool({ available: figures.available })],
    not_allowed: ['form', () => m.review_error_not_allowed()],
    voter_has_no_seat: ['form', () => m.review_error_not_allowed()]
  });
}

/** Any other refusal of the review: the application moved on, so the form no longer applies. */
export const REVIEW_REFUSED: RefusalEntry<ReviewField> = ['form', () => m.review_error_state()];
