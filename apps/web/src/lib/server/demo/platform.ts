import { hashPassword } from '../auth/password';
import type { Transaction } from '../db/client';
import { DEMO_PASSWORD } from './people';

/**
 * The demo installation's platform administrator, who sets up new funds at /admin/funds. Like the
 * demo fund's people, the account signs in with the demo password printed in the README.
 */
export const DEMO_PLATFORM_ADMIN = { loginName: 'demo-platform', displayName: '平台管理员' } as const;

export async function seedDemoPlatformAdmin(transaction: Transaction): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await transaction`
    insert into users (login_name, display_name, password_hash, platform_admin)
    values (${DEMO_PLATFORM_ADMIN.loginName}, ${DEMO_PLATFORM_ADMIN.displayName}, ${passwordHash}, true)
    on conflict (login_name) do update set display_name = excluded.display_name, platform_admin = true`;
}
