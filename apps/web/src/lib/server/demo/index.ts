import type { DemoPlugin } from '../platform/demo-plugin';
import { DEMO_PASSWORD, DEMO_REGION_OFFICER, DEMO_USERS } from './people';
import { DEMO_PLATFORM_ADMIN } from './platform';
import { seedDemo } from './seed';

/** The demo fund 桂花井 as a plug-in; `hooks.server.ts` installs it when the demo seed is on. */
export const demoPlugin: DemoPlugin = {
  seed: seedDemo,
  password: DEMO_PASSWORD,
  accounts: [
    ...DEMO_USERS.map((user) => ({ loginName: user.loginName, displayName: user.displayName, role: user.role })),
    // Not a role in the demo fund: the one who sets up new funds (seed step 009).
    { ...DEMO_PLATFORM_ADMIN, role: 'platform_admin' },
    // Not a role in a fund either: reads every fund of the demo county (seed step 020).
    { ...DEMO_REGION_OFFICER, role: 'region_officer' }
  ]
};
