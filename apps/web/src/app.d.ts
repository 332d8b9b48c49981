// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/paraglide/runtime';
import type { SessionUser } from '$lib/server/auth/session';
import type { Actor } from '$lib/server/access/policy';
import type { PublicReadsChoice } from '$lib/server/public/reads';

declare global {
  namespace App {
    interface Locals {
      locale: Locale;
      /** 长辈模式: larger text, chosen by the visitor and kept in a cookie. */
      elderMode: boolean;
      /** Who is asking, for the policy (lib/server/access/policy.ts); anonymous unless signed in. */
      actor: Actor;
      /** The signed-in user, or null. */
      user: SessionUser | null;
      /** The cookie's session token while a session exists (also while the second factor is pending). */
      sessionToken: string | null;
      /** The password was right and the TOTP code is still to come. */
      secondFactorPending: boolean;
      /** Where this request's public reads go, chosen once on first use (lib/server/public/reads.ts). */
      publicReads?: Promise<PublicReadsChoice>;
    }
    /**
     * What an error page is told. Beyond the message, a refusal by the policy (lib/server/access/guard.ts)
     * says why, so that the page can say it in words: who may do this (403), or the stage the
     * thing is in now (409). A route may add a sentence of its own.
     */
    interface Error {
      message: string;
      /** The policy's reason (DenyReason in lib/server/access/policy.ts). */
      reason?: string;
      /** On a 403: the roles that may do this (RoleThatMay in lib/server/access/policy.ts). */
      roles?: string[];
      /** On a 409: the stage the thing is in now (an application's status, or notice_closed). */
      state?: string;
      /** A sentence of the route's own: who may do this, or what changed. */
      detail?: string;
    }
    /** adapter-node's platform: the Node request, whose socket says which address was reached. */
    interface Platform {
      req?: import('node:http').IncomingMessage;
    }
  }
}

export {};
