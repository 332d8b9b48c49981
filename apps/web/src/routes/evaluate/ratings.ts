import { m } from '$lib/paraglide/messages';

/** The three answers, in the order the form and the results list them (the server's RATINGS). */
export const RATING_ORDER = ['satisfied', 'mostly_satisfied', 'not_satisfied'] as const;
export type RatingName = (typeof RATING_ORDER)[number];

export const ratingNames: Record<RatingName, () => string> = {
  satisfied: () => m.evaluation_rating_satisfied(),
  mostly_satisfied: () => m.evaluation_rating_mostly_satisfied(),
  not_satisfied: () => m.evaluation_rating_not_satisfied()
};
