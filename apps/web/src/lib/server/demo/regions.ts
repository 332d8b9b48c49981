import { hashPassword } from '../auth/password';
import type { Transaction } from '../db/client';
import { DEMO_PASSWORD, DEMO_REGION_OFFICER } from './people';

/**
 * The demo's regions: the county 青山区 with two streets, 花园街道 holding the demo fund and
 * 河西街道 with none yet, so a newcomer sees a street page (/r/huayuan) and a county page
 * (/r/qingshan) that adds up its streets. The county's region officer, demo-region, signs in
 * with the demo password and reads every fund of the county, the private pages included.
 */
export const DEMO_COUNTY = { slug: 'qingshan', nameZh: '青山区', nameEn: 'Qingshan County' } as const;
export const DEMO_STREETS = [
  { slug: 'huayuan', nameZh: '花园街道', nameEn: 'Huayuan Street' },
  { slug: 'hexi', nameZh: '河西街道', nameEn: 'Hexi Street' }
] as const;

export async function seedDemoRegions(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [county] = await transaction<{ id: string }[]>`
    insert into regions (kind, slug, name_zh, name_en, created_at)
    values ('county', ${DEMO_COUNTY.slug}, ${DEMO_COUNTY.nameZh}, ${DEMO_COUNTY.nameEn}, ${now})
    on conflict (slug) do update set name_zh = excluded.name_zh
    returning id::text as id`;
  if (county === undefined) throw new Error('demo seed: the demo county was not written');
  for (const street of DEMO_STREETS) {
    await transaction`
      insert into regions (kind, parent_id, slug, name_zh, name_en, created_at)
      values ('street', ${county.id}, ${street.slug}, ${street.nameZh}, ${street.nameEn}, ${now})
      on conflict (slug) do nothing`;
  }
  await transaction`
    update funds set region_id = (select id from regions where slug = ${DEMO_STREETS[0].slug}) where id = ${fundId}`;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const [officer] = await transaction<{ id: string }[]>`
    insert into users (login_name, display_name, password_hash)
    values (${DEMO_REGION_OFFICER.loginName}, ${DEMO_REGION_OFFICER.displayName}, ${passwordHash})
    on conflict (login_name) do update set display_name = excluded.display_name
    returning id::text as id`;
  if (officer === undefined) throw new Error('demo seed: the region officer was not written');
  await transaction`
    insert into region_officers (region_id, user_id, appointed_at)
    values (${county.id}, ${officer.id}, ${now})
    on conflict do nothing`;
}
