import { m } from '../../../paraglide/messages';
import { refusalTable, type RefusalEntry } from '../../platform/refusal-messages';

export type ChannelField = 'address' | 'code' | 'form';

/** What the notification settings say for each refusal of the channel use cases. */
export const CHANNEL_REFUSALS = refusalTable<ChannelField>({
  address_must_be_well_formed: ['address', () => m.notify_refused_address_must_be_well_formed()],
  addresses_are_limited: ['address', () => m.notify_refused_addresses_are_limited()],
  confirmation_sends_are_limited: ['form', () => m.notify_refused_confirmation_sends_are_limited()],
  code_must_match: ['code', () => m.notify_refused_code_must_match()],
  address_must_be_yours: ['form', () => m.notify_refused_address_must_be_yours()]
});

export const CHANNEL_REFUSED: RefusalEntry<ChannelField> = ['form', () => m.notify_refused_fallback()];
