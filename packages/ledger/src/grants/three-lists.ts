import { ok, reject, type Result } from '../result.js';
import type { ApplicationState } from './application.js';

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

/** What the office does to a list item delivered directly by its unit. */
export const LIST_ITEM_ACTIONS = ['progress', 'deliver', 'cancel'] as const;
export type ListItemAction = (typeof LIST_ITEM_ACTIONS)[number];

const LIST_ITEM_MOVES: Readonly<Record<ListItemAction, { from: readonly ListItemStatus[]; to: ListItemStatus }>> = {
  // The unit started the work (施工中), recorded by the office.
  progress: { from: ['placed'], to: 'in_progress' },
  // Only a direct item is delivered by hand; a grant item follows its application.
  deliver: { from: ['placed', 'in_progress'], to: 'delivered' },
  // An order not delivered may be cancelled; its needs wait for another.
  cancel: { from: ['placed', 'in_progress'], to: 'cancelled' }
};

export type ListItemMoveCode = 'list_item_state_does_not_allow_it' | 'grant_item_follows_its_application';

/**
 * The status a list item moves to when the office acts on it, or a refusal. A grant item is moved
 * by its application alone (listItemStatusOf), except that the office may cancel it while it has
 * no application yet (or its draft was never sent).
 */
export function moveListItem(
  item: { readonly delivery: ListDelivery; readonly status: ListItemStatus },
  action: ListItemAction
): Result<ListItemStatus, ListItemMoveCode> {
  if (item.delivery === 'grant' && action !== 'cancel') {
    return reject('grant_item_follows_its_application', { action });
  }
  const move = LIST_ITEM_MOVES[action];
  return move.from.includes(item.status)
    ? ok(move.to)
    : reject('list_item_state_does_not_allow_it', { from: item.status, action });
}

/**
 * The status a list item stands at. A direct item is where the office moved it. A grant item
 * follows the application its draft became: from the draft to the active project it is in
 * progress; accepted (or closed after acceptance) it is delivered. A withdrawn, rejected or
 * cancelled application ends the order (cancelled, not back to placed): an item opens one draft
 * only (list_items.application_id), so its needs go back to waiting for a new order, which the
 * office may place as a direct one or as a new grant. Delivered and cancelled are ends, so a
 * later state of the application never moves the item again.
 */
export function listItemStatusOf(item: {
  readonly delivery: ListDelivery;
  readonly status: ListItemStatus;
  readonly applicationState: ApplicationState | null;
}): ListItemStatus {
  if (item.status === 'delivered' || item.status === 'cancelled') return item.status;
  if (item.delivery === 'direct' || item.applicationState === null) return item.status;
  switch (item.applicationState) {
    case 'accepted':
    case 'closed':
      return 'delivered';
    case 'withdrawn':
    case 'rejected':
    case 'cancelled':
      return 'cancelled';
    default:
      return 'in_progress';
  }
}

/** What becomes of an item's needs when it reaches a status: finished when delivered, waiting again when cancelled. */
export function needActionForListItem(status: ListItemStatus): NeedAction | null {
  if (status === 'delivered') return 'finish';
  if (status === 'cancelled') return 'reopen';
  return null;
}
