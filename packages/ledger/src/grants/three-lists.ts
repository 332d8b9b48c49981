import { ok, reject, type Result } from '../result.js';

/*
 * The three lists the practice runs on (群众点单、社区下单、共建单位接单): residents' needs, what the
 * co-building units offer, and the project list that matches the two. This file holds their words
 * and the rules of how a need and a list item move; sql/023_three_lists.sql checks the same words,
 * and the server asks these functions before it writes.
 */

/** How a need came in: a resident online, or the committee on the residents' behalf. */
export const NEED_SOURCES = ['online', 'paper', 'meeting', 'visit'] as const;
export type NeedSource = (typeof NEED_SOURCES)[number];

export const NEED_STATUSES = ['raised', 'accepted', 'merged', 'declined', 'spam', 'in_list', 'done'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** What may happen to a need; each is one step on its timeline. */
export const NEED_ACTIONS = ['accept', 'merge', 'decline', 'spam', 'list', 'finish', 'reopen'] as const;
export type NeedAction = (typeof NEED_ACTIONS)[number];

/** The step each action leaves on the need's timeline, and the status it leads to. */
const NEED_MOVES: Readonly<Record<NeedAction, { from: readonly NeedStatus[]; to: NeedStatus }>> = {
  // Triage (the office, or the compound's committee): accepted, merged into another, declined.
  accept: { from: ['raised'], to: 'accepted' },
  merge: { from: ['raised', 'accepted'], to: 'merged' },
  decline: { from: ['raised', 'accepted'], to: 'declined' },
  // Only what was never taken up can be spam; a need the office accepted is a need.
  spam: { from: ['raised'], to: 'spam' },
  // The office places an order that serves it (纳入项目).
  list: { from: ['accepted'], to: 'in_list' },
  // Its order was delivered, or the office closes it with feedback (办结).
  finish: { from: ['in_list'], to: 'done' },
  // Its order was cancelled: the need waits for another.
  reopen: { from: ['in_list'], to: 'accepted' }
};

export type NeedMoveCode = 'need_state_does_not_allow_it';

/** The status a need moves to by an action, or a refusal when its status does not allow it. */
export function moveNeed(from: NeedStatus, action: NeedAction): Result<NeedStatus, NeedMoveCode> {
  const move = NEED_MOVES[action];
  return move.from.includes(from) ? ok(move.to) : reject('need_state_does_not_allow_it', { from, action });
}

/** The actions a need in this status allows, in the order a page offers them. */
export function needActionsFrom(from: NeedStatus): NeedAction[] {
  return NEED_ACTIONS.filter((action) => NEED_MOVES[action].from.includes(from));
}

/** The statuses in which households may still support a need. */
export const NEED_SUPPORTABLE: readonly NeedStatus[] = ['raised', 'accepted', 'in_list'];

/**
 * Whether a need is before the fund office. One the committee recorded (from paper, a residents'
 * meeting, a home visit) is, as the committee vouches for it; one raised online gets there when
 * enough households of its compound support it (the policy's `needSupportsToOffice`), so that one
 * person's wish does not fill the office's queue and a shared one does.
 */
export function needAtOffice(
  need: { readonly source: NeedSource; readonly supports: number },
  supportsToOffice: number
): boolean {
  return need.source !== 'online' || need.supports >= supportsToOffice;
}

/** What the co-building units (and others the office records) offer. */
export const RESOURCE_KINDS = ['money', 'volunteer_hours', 'materials', 'expertise', 'room', 'other'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** How a list item is delivered: by the responsible unit itself, or as a matched-grant application. */
export const LIST_DELIVERIES = ['direct', 'grant'] as const;
export type ListDelivery = (typeof LIST_DELIVERIES)[number];

export const LIST_ITEM_STATUSES = ['placed', 'in_progress', 'delivered', 'cancelled'] as const;
export type ListItemStatus = (typeof LIST_ITEM_STATUSES)[number];
