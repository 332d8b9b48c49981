import { money, type ResourceKind } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { recordResourceIn } from '../fund/resources/commands';
import { recordContributionIn } from '../fund/resources/contributions';

/**
 * The demo fund's resources list (资源清单), recorded by its administrator through the same use
 * cases as the pages: volunteer hours, goods (one lot with an invoice's fair value, recognised in
 * the books; one without, disclosed), an electrician's expertise, a meeting room, money beyond a
 * pledge, and one retired teacher's tutoring, whom the public page calls "an individual". Fixed
 * create keys keep a re-run from recording anything twice.
 */

interface DemoOffer {
  key: string;
  unitCode: string | null;
  providerName?: string;
  kind: ResourceKind;
  description: string;
  quantity: string;
  measure: string;
  value?: string;
  from: string;
  until?: string;
  conditions?: string;
  status?: 'withdrawn' | 'used_up';
  /** What it gave: day, quantity, and a fair value when one was measured. */
  given: readonly (readonly [string, string, string?])[];
}

const OFFERS: readonly DemoOffer[] = [
  {
    key: 'demo-resource-volunteers',
    unitCode: 'grid-01',
    kind: 'volunteer_hours',
    description: '党员志愿服务队：老旧小区楼道清扫、助老陪护',
    quantity: '120',
    measure: '小时',
    from: '2026-03-01',
    until: '2026-12-31',
    conditions: '周末上午，提前一周预约',
    given: [
      ['2026-04-12', '24'],
      ['2026-05-17', '18'],
      ['2026-06-14', '20']
    ]
  },
  {
    key: 'demo-resource-extinguishers',
    unitCode: 'grid-02',
    kind: 'materials',
    description: '干粉灭火器（4公斤），用于楼道消防',
    quantity: '20',
    measure: '件',
    value: '1600.00',
    from: '2026-04-01',
    status: 'used_up',
    given: [['2026-06-18', '20', '1600.00']]
  },
  {
    key: 'demo-resource-furniture',
    unitCode: 'grid-03',
    kind: 'materials',
    description: '旧办公桌椅，可用于居民议事点',
    quantity: '6',
    measure: '件',
    from: '2026-05-01',
    given: [['2026-05-22', '6']]
  },
  {
    key: 'demo-resource-electrician',
    unitCode: 'grid-04',
    kind: 'expertise',
    description: '电工义务检修楼道照明和公共线路',
    quantity: '10',
    measure: '次',
    from: '2026-03-15',
    until: '2026-11-30',
    given: [
      ['2026-04-20', '2'],
      ['2026-06-08', '1']
    ]
  },
  {
    key: 'demo-resource-room',
    unitCode: 'grid-05',
    kind: 'room',
    description: '单位一楼会议室，可供居民议事会使用',
    quantity: '12',
    measure: '次',
    from: '2026-01-01',
    until: '2026-12-31',
    conditions: '每周二晚 19:00–21:00',
    given: [
      ['2026-03-10', '1'],
      ['2026-05-12', '1'],
      ['2026-06-09', '1']
    ]
  },
  {
    key: 'demo-resource-money',
    unitCode: 'grid-06',
    kind: 'money',
    description: '认捐之外追加资金，用于小区微更新',
    quantity: '5000',
    measure: '元',
    from: '2026-07-01',
    given: []
  },
  {
    key: 'demo-resource-tutor',
    unitCode: null,
    providerName: '刘老师（退休教师）',
    kind: 'volunteer_hours',
    description: '暑期为小区儿童辅导功课',
    quantity: '40',
    measure: '小时',
    from: '2026-07-01',
    until: '2026-08-31',
    given: []
  }
];

export async function seedDemoResources(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [admin] = await transaction<{ id: string }[]>`
    select u.id::text as id from users u join memberships m on m.user_id = u.id
     where m.fund_id = ${fundId} and m.role = 'fund_admin' order by u.id limit 1`;
  const actorUserId = admin?.id ?? null;
  const units = new Map(
    (
      await transaction<{ id: string; code: string }[]>`
        select id::text as id, code from units where fund_id = ${fundId}`
    ).map((unit) => [unit.code, unit.id])
  );
  for (const offer of OFFERS) {
    const { number } = await recordResourceIn(transaction, {
      fundId,
      now,
      ip: null,
      actorUserId,
      unitId: offer.unitCode === null ? null : (units.get(offer.unitCode) ?? null),
      providerName: offer.providerName ?? '',
      providerIsOrganisation: offer.unitCode !== null,
      kind: offer.kind,
      description: offer.description,
      quantity: money(offer.quantity),
      measure: offer.measure,
      value: offer.value === undefined ? null : money(offer.value),
      availableFrom: offer.from,
      availableUntil: offer.until ?? '',
      conditions: offer.conditions ?? '',
      createKey: offer.key
    });
    for (const [index, [givenOn, quantity, value]] of offer.given.entries()) {
      await recordContributionIn(transaction, {
        fundId,
        now,
        ip: null,
        actorUserId,
        number,
        givenOn,
        quantity: money(quantity),
        value: value === undefined ? null : money(value),
        note: '',
        listItemId: null,
        createKey: `${offer.key}-${index + 1}`,
        checkToday: false
      });
    }
    if (offer.status !== undefined) {
      await transaction`update resources set status = ${offer.status} where fund_id = ${fundId} and number = ${number}`;
    }
  }
}
