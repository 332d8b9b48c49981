import { m } from '$lib/paraglide/messages';
import { refusalTable, type RefusalEntry } from '../platform/refusal-messages';
import type { DenyReason } from '../access/policy';

/**
 * What the members page says for each refusal of the members' use cases. `form` is a refusal of
 * the whole action; `place` is the invitation's unit or compound.
 */

export type MemberField = 'form' | 'place';

export const MEMBER_REFUSALS = refusalTable<MemberField>({
  not_allowed: ['form', () => m.members_error_not_allowed()],
  // Said apart from not_allowed (see memberRefusalCode): the administrator's own account.
  own_account_is_managed_elsewhere: ['form', () => m.members_error_own_account()],
  item_is_not_in_this_fund: ['form', () => m.members_error_not_in_fund()],
  place_must_belong_to_fund: ['place', () => m.members_error_place_not_in_fund()]
});

/** Any other refusal: the action is not this person's to do. */
export const MEMBERS_REFUSED: RefusalEntry<MemberField> = ['form', () => m.members_error_not_allowed()];

/**
 * The code a refusal is looked up by: a not_allowed because the account is the actor's own has
 * its own sentence (manage it from "my account"), every other not_allowed reads alike.
 */
export function memberRefusalCode(result: { code: string; reason?: DenyReason }): string {
  return result.code === 'not_allowed' && result.reason === 'own_account_is_managed_elsewhere'
    ? result.reason
    : result.code;
}
