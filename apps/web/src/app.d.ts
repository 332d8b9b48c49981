// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/paraglide/runtime';
import type { SessionUser } from '$lib/server/auth/session';
import type { Actor } from '$lib/server/policy';

declare global {
  namespace App {
    interface Locals {
      locale: Locale;
      /** 长辈模式: larger text, chosen by the visitor and kept in a cookie. */
      elderMode: boolean;
      /** Who is asking, for the policy (lib/server/policy.ts); anonymous unless signed in. */
      actor: Actor;
      /** The signed-in user, or null. */
      user: SessionUser | null;
      /** The cookie's session token while a session exists (also while the second factor is pending). */
      sessionToken: string | null;
      /** The password was right and the TOTP code is still to come. */
      secondFactorPending: boolean;
    }
    interface Error {
      message: string;
    }
    /** adapter-node's platform: the Node request, whose socket says which address was reached. */
    interface Platform {
      req?: import('node:http').IncomingMessage;
    }
  }
}

export {};
