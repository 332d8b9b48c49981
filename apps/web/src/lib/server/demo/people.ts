import { DEMO_GRID_UNITS } from './books';
import { hashPassword } from '../auth/password';
import { hashToken, newToken } from '../auth/tokens';
import type { Transaction } from '../db/client';
import type { FundRole } from '../access/policy';

/**
 * The demo fund's people: its eleven grid units, three compounds, and one account per role, so a
 * newcomer can sign in as each and see what that role sees. The password is printed in the
 * README; a real installation turns the demo off with GONGJIAN_DEMO_SEED=off.
 */
export const DEMO_PASSWORD = 'guihuajing-demo';

const UNIT_NAMES = [
  '街道办事处',
  '社区卫生服务中心',
  '第一小学',
  '供电所',
  '税务所',
  '派出所',
  '邮政支局',
  '自来水公司',
  '农商银行',
  '燃气公司',
  '中学'
];

export const DEMO_COMPOUNDS = [
  { code: 'c-guihua-3', name: '桂花井3号院' },
  { code: 'c-nanjie', name: '南街小区' },
  { code: 'c-xiyuan', name: '西苑院落' }
] as const;

interface DemoUser {
  loginName: string;
  displayName: string;
  role: FundRole;
  unit?: string;
  compound?: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { loginName: 'demo-admin', displayName: '王秘书', role: 'fund_admin' },
  { loginName: 'demo-leader', displayName: '李组长', role: 'leader', unit: 'grid-01' },
  { loginName: 'demo-leader2', displayName: '赵委员', role: 'leader', unit: 'grid-02' },
  { loginName: 'demo-committee', displayName: '张主任', role: 'committee', compound: 'c-guihua-3' },
  { loginName: 'demo-committee-b', displayName: '刘委员', role: 'committee', compound: 'c-nanjie' },
  { loginName: 'demo-supervisor', displayName: '陈监督', role: 'supervisor' }
];

/**
 * The demo's region officer (片区督导) of the county the demo fund's street belongs to: no role in
 * any fund, and reads every fund of the county (seed step 020_demo_regions appoints them).
 */
export const DEMO_REGION_OFFICER = { loginName: 'demo-region', displayName: '孙督导' } as const;

export async function seedDemoPeople(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  for (const [index, code] of DEMO_GRID_UNITS.entries()) {
    await transaction`
      insert into units (fund_id, code, name) values (${fundId}, ${code}, ${UNIT_NAMES[index] ?? code})
      on conflict (fund_id, code) do nothing`;
  }
  for (const compound of DEMO_COMPOUNDS) {
    await transaction`
      insert into compounds (fund_id, code, name) values (${fundId}, ${compound.code}, ${compound.name})
      on conflict (fund_id, code) do nothing`;
  }
  // One hash serves every demo account; each is a complete Argon2id string with its own salt.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  let adminId: string | undefined;
  for (const user of DEMO_USERS) {
    const [row] = await transaction<{ id: string }[]>`
      insert into users (login_name, display_name, password_hash)
      values (${user.loginName}, ${user.displayName}, ${passwordHash})
      on conflict (login_name) do update set display_name = excluded.display_name
      returning id::text as id`;
    if (row === undefined) throw new Error(`demo seed: user ${user.loginName} was not written`);
    if (user.role === 'fund_admin') adminId = row.id;
    await transaction`
      insert into memberships (fund_id, user_id, role, unit_id, compound_id)
      values (${fundId}, ${row.id}, ${user.role},
              (select id from units where fund_id = ${fundId} and code = ${user.unit ?? null}),
              (select id from compounds where fund_id = ${fundId} and code = ${user.compound ?? null}))
      on conflict do nothing`;
  }
  if (adminId === undefined) throw new Error('demo seed: the demo fund has no administrator');
  // An open invitation, so the people page shows one; nobody knows its token.
  await transaction`
    insert into invitations (fund_id, kind, token_hash, role, compound_id, label, created_by, created_at, expires_at)
    values (${fundId}, 'invite', ${hashToken(newToken())}, 'committee',
            (select id from compounds where fund_id = ${fundId} and code = 'c-xiyuan'),
            '西苑院落 新任委员', ${adminId}, ${now}, ${new Date(now.getTime() + 14 * 24 * 60 * 60 * 1000)})`;
}
