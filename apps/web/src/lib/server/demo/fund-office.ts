import type { Transaction } from '../db/client';
import { DEMO_POLICY_JSON, fundPolicyToJson, parseFundPolicy } from '../fund/fund-policy';

/**
 * The demo fund's office: its profile, policy version 1, the compounds' sizes and committee
 * types, and the 25 households of 桂花井3号院 (real-looking names, which public pages mask).
 */
export async function seedDemoFundOffice(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  await transaction`
    update funds set community = '桂花井社区', street = '城关街道', fiscal_year = 2026,
           description = '驻区单位共同出资设立，按比例配套支持小区居民自筹的改善项目。每笔收支都记在公开账本上。'
     where id = ${fundId}`;
  const parsed = parseFundPolicy(DEMO_POLICY_JSON);
  if (!parsed.ok) throw new Error(`demo seed: the demo policy does not parse (${parsed.code} at ${parsed.field})`);
  const [adopted] = await transaction`select 1 from fund_policies where fund_id = ${fundId}`;
  if (adopted === undefined) {
    await transaction`
      insert into fund_policies (fund_id, version, policy, adopted_at, note)
      values (${fundId}, 1, ${transaction.json(fundPolicyToJson(parsed.value))}, ${now}, '领导小组第一次会议通过')`;
  }
  const compounds = [
    { code: 'c-guihua-3', householdsCount: 25, committeeType: 'residents' },
    { code: 'c-nanjie', householdsCount: 120, committeeType: 'owners' },
    { code: 'c-xiyuan', householdsCount: 48, committeeType: 'self_managed' }
  ];
  for (const compound of compounds) {
    await transaction`
      update compounds set households_count = ${compound.householdsCount}, committee_type = ${compound.committeeType}
       where fund_id = ${fundId} and code = ${compound.code}`;
  }
  const addresses: [string, string, string][] = [];
  for (const building of ['1', '2']) {
    for (const unitNo of ['1', '2']) {
      for (const room of ['101', '102', '201', '202', '301', '302']) addresses.push([building, unitNo, room]);
    }
  }
  addresses.push(['2', '2', '401']);
  for (const [index, [building, unitNo, room]] of addresses.entries()) {
    // Two in three households gave a name; the rest are known by their door only.
    const name = index % 3 === 2 ? '' : (DEMO_HOUSEHOLD_NAMES[index % DEMO_HOUSEHOLD_NAMES.length] ?? '');
    await transaction`
      insert into households (fund_id, compound_id, building, unit_no, room, name, created_at)
      select ${fundId}, id, ${building}, ${unitNo}, ${room}, ${name}, ${now}
        from compounds where fund_id = ${fundId} and code = 'c-guihua-3'
      on conflict do nothing`;
  }
}

export const DEMO_HOUSEHOLD_NAMES = ['张桂兰', '李建国', '王秀英', '刘志强', '陈淑珍', '杨德华', '赵玉梅', '黄国庆'];
