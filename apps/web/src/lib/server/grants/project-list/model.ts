import type { ListDelivery, ListItemStatus } from '@gongjian/ledger';
import type { Actor, DenyReason } from '../../access/policy';

/** The project list's limits and the shapes its commands share. */

export const TITLE_LENGTH_MAX = 100;
export const NOTE_LENGTH_MAX = 1000;
export const FEEDBACK_LENGTH_MAX = 1000;
export const NEEDS_MAX = 20;
export const RESOURCES_MAX = 20;
export const PHOTOS_MAX = 6;

export interface ListCommand {
  actor: Actor;
  fundId: string;
  now: Date;
  ip: string | null;
}

export type NotAllowed = { ok: false; code: 'not_allowed'; reason: DenyReason };

/** An item as a command reads it under its lock. */
export interface LockedItem {
  id: string;
  number: number;
  compoundId: string;
  delivery: ListDelivery;
  status: ListItemStatus;
  applicationId: string | null;
  feedback: string;
}

export function userIdOf(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

/** A number typed in a URL: a positive integer that fits the column, else null. */
export function itemNumberOf(text: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(text)) return null;
  const number = Number(text);
  return number <= 2_147_483_647 ? number : null;
}
