import type { Sql } from '../db/client';

/**
 * The demo is a plug-in. Nothing in the app imports `lib/server/demo/`; the composition root
 * (`hooks.server.ts`) installs it when `GONGJIAN_DEMO_SEED` is on, and the few places that behave
 * differently in a demo installation (the seed at start-up, the sign-in page's list of demo
 * accounts) ask this slot. A real installation never installs it, so no demo code runs there.
 */
export interface DemoAccount {
  loginName: string;
  displayName: string;
  /**
   * A fund role (`fund_admin`, `leader`, …), `platform_admin` for the platform's own, or
   * `region_officer` for one who reads every fund of a street or county.
   */
  role: string;
}

export interface DemoPlugin {
  /** Runs every seed step not yet run on this database; answers the names of the steps it ran. */
  seed(sql: Sql): Promise<string[]>;
  /** The shared password of every demo account, printed on the sign-in page and in the README. */
  password: string;
  accounts: readonly DemoAccount[];
}

let installed: DemoPlugin | undefined;

export function installDemo(plugin: DemoPlugin): void {
  installed = plugin;
}

/** The installed demo, or undefined in a real installation. */
export function installedDemo(): DemoPlugin | undefined {
  return installed;
}
