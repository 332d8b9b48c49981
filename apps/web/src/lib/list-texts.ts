import type { ListDelivery, ListItemStatus } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';

/** The project list's words in the visitor's language: statuses, deliveries, steps, need statuses, resource kinds. */

type Label = () => string;

const STATUS: Record<ListItemStatus, Label> = {
  placed: m.plist_status_placed,
  in_progress: m.plist_status_in_progress,
  delivered: m.plist_status_delivered,
  cancelled: m.plist_status_cancelled
};

const DELIVERY: Record<ListDelivery, Label> = {
  direct: m.plist_delivery_direct,
  grant: m.plist_delivery_grant
};

const STEPS: ReadonlyMap<string, Label> = new Map([
  ['placed', m.plist_step_placed],
  ['draft_opened', m.plist_step_draft_opened],
  ['in_progress', m.plist_step_in_progress],
  ['delivered', m.plist_step_delivered],
  ['cancelled', m.plist_step_cancelled]
]);

const NEED_STATUSES: ReadonlyMap<string, Label> = new Map([
  ['raised', m.plist_need_status_raised],
  ['accepted', m.plist_need_status_accepted],
  ['merged', m.plist_need_status_merged],
  ['declined', m.plist_need_status_declined],
  ['spam', m.plist_need_status_spam],
  ['in_list', m.plist_need_status_in_list],
  ['done', m.plist_need_status_done]
]);

const KINDS: ReadonlyMap<string, Label> = new Map([
  ['money', m.plist_kind_money],
  ['volunteer_hours', m.plist_kind_volunteer_hours],
  ['materials', m.plist_kind_materials],
  ['expertise', m.plist_kind_expertise],
  ['room', m.plist_kind_room],
  ['other', m.plist_kind_other]
]);

export const listStatusName = (status: ListItemStatus): string => STATUS[status]();
export const listDeliveryName = (delivery: ListDelivery): string => DELIVERY[delivery]();
export const listStepName = (kind: string): string => STEPS.get(kind)?.() ?? kind;
export const needStatusName = (status: string): string => NEED_STATUSES.get(status)?.() ?? status;
export const resourceKindName = (kind: string): string => KINDS.get(kind)?.() ?? kind;
