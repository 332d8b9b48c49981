// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale } from '$lib/paraglide/runtime';

declare global {
  namespace App {
    interface Locals {
      locale: Locale;
      /** 长辈模式: larger text, chosen by the visitor and kept in a cookie. */
      elderMode: boolean;
    }
    interface Error {
      message: string;
    }
  }
}

export {};
