import { can } from '../../../apps/web/src/lib/server/access/policy';
import type { Access, RouteEntry } from '../route-access';

/**
 * A person's notification addresses (their own, like the rest of /account) and an address's
 * confirmation link, which the token alone opens: the person may read the mail on a device where
 * they are not signed in. Every post names an address id no one has or a token that does not
 * exist, so even an allowed request changes nothing.
 */

const PUBLIC: Access = { kind: 'public' };
const accountUse: Access = { kind: 'policy', decide: (actor) => can(actor, 'account.use', null) };
const NO_SUCH_CHANNEL = '987654321';

export const NOTIFICATIONS_REGISTRY: Record<string, RouteEntry> = {
  '/account/notifications': {
    targets: () => [{ path: '/account/notifications', fundId: null, compoundId: null }],
    load: accountUse,
    actions: {
      // Not an address at all: refused as badly formed before anything is written or sent.
      add: { access: accountUse, body: () => ({ channel: 'email', address: 'not an address' }) },
      confirm: { access: accountUse, body: () => ({ channelId: NO_SUCH_CHANNEL, code: '000000' }) },
      resend: { access: accountUse, body: () => ({ channelId: NO_SUCH_CHANNEL }) },
      remove: { access: accountUse, body: () => ({ channelId: NO_SUCH_CHANNEL }) },
      digest: { access: accountUse, body: () => ({ channelId: NO_SUCH_CHANNEL, digest: 'on' }) }
    },
    endpoints: {}
  },
  '/account/notifications/confirm/[token]': {
    targets: () => [
      {
        path: '/account/notifications/confirm/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        fundId: null,
        compoundId: null
      }
    ],
    load: PUBLIC,
    actions: { default: { access: PUBLIC, body: () => ({}) } },
    endpoints: {}
  }
};
