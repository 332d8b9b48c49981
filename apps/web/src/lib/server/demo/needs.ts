import type { Transaction } from '../db/client';
import { issueIn } from '../fund/household-codes';
import { codeHash, normalizeCode } from '../projects/evaluation';
import { insertNeedIn, newFollowToken, followHash } from '../grants/needs/raise';
import { moveNeedIn } from '../grants/needs/moves';
import { supportNeedIn } from '../grants/needs/supports';
import { NEED_SUPPORTS_TO_OFFICE_DEFAULT } from '../fund/fund-policy';
import type { NeedAction, NeedSource } from '@gongjian/ledger';
import type { CodeHousehold } from '../fund/household-codes';

/*
 * The demo's needs list (需求清单): needs of 桂花井三区 (c-guihua-3) and 南街 (c-nanjie) in every
 * state before the project list: raised online with a few supports, one that enough households
 * supported to bring it before the office, one the committee recorded at a residents' meeting and
 * accepted, one merged into it, one declined and one marked spam. The households of 桂花井三区 get
 * their standing codes (户码), and the supports are given with those codes.
 */

interface DemoNeed {
  compound: string;
  category: string;
  body: string;
  place: string;
  source: NeedSource;
  daysAgo: number;
  supports: number;
  triage?: { action: NeedAction; reason: string; mergeInto?: number; daysAgo: number };
}

const NEEDS: readonly DemoNeed[] = [
  {
    compound: 'c-guihua-3',
    category: 'safety',
    body: '5号楼和6号楼之间的小路没有路灯，晚上老人出门看不清台阶。',
    place: '5号楼与6号楼之间',
    source: 'meeting',
    daysAgo: 40,
    supports: 6,
    triage: { action: 'accept', reason: '居民议事会一致提出，属于小区公共照明，列入下一批项目。', daysAgo: 35 }
  },
  {
    compound: 'c-guihua-3',
    category: 'safety',
    body: '小路太黑了，希望装灯。',
    place: '6号楼后面',
    source: 'online',
    daysAgo: 33,
    supports: 1,
    triage: { action: 'merge', reason: '与需求 #1（小路照明）是同一件事，合并办理。', mergeInto: 1, daysAgo: 32 }
  },
  {
    compound: 'c-guihua-3',
    category: 'repairs',
    body: '3号楼单元门的闭门器坏了，门关不上，冬天楼道很冷。',
    place: '3号楼1单元',
    source: 'online',
    daysAgo: 20,
    supports: 11
  },
  {
    compound: 'c-guihua-3',
    category: 'greening',
    body: '希望在中心花园多放几张长椅，方便老人休息。',
    place: '中心花园',
    source: 'online',
    daysAgo: 9,
    supports: 3
  },
  {
    compound: 'c-guihua-3',
    category: 'other',
    body: '希望小区门口开一家咖啡店。',
    place: '小区正门',
    source: 'online',
    daysAgo: 15,
    supports: 0,
    triage: { action: 'decline', reason: '开设商铺不属于共建基金的资助范围，已转告街道商业科。', daysAgo: 12 }
  },
  {
    compound: 'c-guihua-3',
    category: 'other',
    body: '低价出售二手家电，联系微信 xxxx。',
    place: '',
    source: 'online',
    daysAgo: 5,
    supports: 0,
    triage: { action: 'spam', reason: '', daysAgo: 4 }
  },
  {
    compound: 'c-nanjie',
    category: 'culture',
    body: '希望周末在活动室办一次老年人智能手机课。',
    place: '南街社区活动室',
    source: 'online',
    daysAgo: 3,
    supports: 0
  }
];

const DAY = 24 * 3600 * 1000;

export async function seedDemoNeeds(transaction: Transaction, fundId: string, now: Date): Promise<void> {
  const [done] = await transaction`select 1 from needs where fund_id = ${fundId} limit 1`;
  if (done !== undefined) return;
  const compounds = new Map(
    (
      await transaction<{ id: string; code: string }[]>`
        select id::text as id, code from compounds where fund_id = ${fundId}`
    ).map((row) => [row.code, row.id])
  );
  const [admin] = await transaction<{ userId: string }[]>`
    select user_id::text as "userId" from memberships where fund_id = ${fundId} and role = 'fund_admin' order by id limit 1`;
  const guihua = compounds.get('c-guihua-3');
  if (guihua === undefined || admin === undefined) return;
  const households = await codedHouseholds(transaction, fundId, guihua, now);
  // The policy's number as the server reads it (the demo's policy may leave it to the default).
  const [policy] = await transaction<{ supportsToOffice: number | null }[]>`
    select (policy ->> 'needSupportsToOffice')::int as "supportsToOffice" from fund_policies
     where fund_id = ${fundId} order by version desc limit 1`;
  const threshold = policy?.supportsToOffice ?? NEED_SUPPORTS_TO_OFFICE_DEFAULT;
  for (const [index, need] of NEEDS.entries()) {
    const compoundId = compounds.get(need.compound);
    if (compoundId === undefined) continue;
    const at = new Date(now.getTime() - need.daysAgo * DAY);
    const number = await insertNeedIn(transaction, {
      fundId,
      compoundId,
      category: need.category,
      body: need.body,
      place: need.place,
      contact: need.source === 'online' ? '1390000' + String(1000 + index) : '',
      photos: [],
      createKey: `demo-need-${String(index + 1)}`,
      source: need.source,
      recordedBy: need.source === 'online' ? null : admin.userId,
      followHash: need.source === 'online' ? followHash(newFollowToken()) : null,
      ip: null,
      now: at
    });
    for (const household of need.compound === 'c-guihua-3' ? households.slice(0, need.supports) : []) {
      await supportNeedIn(transaction, {
        fundId,
        number,
        household,
        threshold,
        ip: null,
        now: new Date(at.getTime() + DAY)
      });
    }
    if (need.triage !== undefined)
      await triageIn(transaction, { fundId, number, byUserId: admin.userId, now }, need.triage);
  }
}

/** Issues the compound's household codes (户码) and finds each household again by its code, as a support does. */
async function codedHouseholds(
  transaction: Transaction,
  fundId: string,
  compoundId: string,
  now: Date
): Promise<CodeHousehold[]> {
  const slips = await issueIn(transaction, { fundId, compoundId, mode: 'new', now });
  const households: CodeHousehold[] = [];
  for (const slip of slips) {
    const code = normalizeCode(slip.code);
    if (code === null) continue;
    const [row] = await transaction<CodeHousehold[]>`
      select c.household_id::text as "householdId", h.compound_id::text as "compoundId", h.representative
        from household_codes c join households h on h.id = c.household_id
       where c.fund_id = ${fundId} and c.code_hash = ${codeHash(code)}`;
    if (row !== undefined) households.push(row);
  }
  return households;
}

async function triageIn(
  transaction: Transaction,
  need: { fundId: string; number: number; byUserId: string; now: Date },
  triage: NonNullable<DemoNeed['triage']>
): Promise<void> {
  const ids = await transaction<{ id: string; number: number }[]>`
    select id::text as id, number from needs
     where fund_id = ${need.fundId} and number = any(${[need.number, triage.mergeInto ?? need.number]}::int[])`;
  const idOf = (number: number) => ids.find((row) => row.number === number)?.id ?? '';
  await moveNeedIn(transaction, {
    fundId: need.fundId,
    needId: idOf(need.number),
    action: triage.action,
    note: triage.reason,
    ...(triage.mergeInto === undefined ? {} : { mergedInto: idOf(triage.mergeInto) }),
    listItemId: null,
    byUserId: need.byUserId,
    now: new Date(need.now.getTime() - triage.daysAgo * DAY)
  });
}
