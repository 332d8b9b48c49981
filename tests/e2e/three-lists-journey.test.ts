import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { post } from '../../apps/web/src/lib/server/books';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { saveDraft, submitApplication, type DraftInput } from '../../apps/web/src/lib/server/grants/applications';
import { activateEndedNotices, castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import { contribution } from '../support/books';
import { chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * The three lists end to end (issue 18), on a fund made for this file whose policy brings a need
 * to the office at 12 households' support: a resident raises a need by the compound's QR link on a
 * phone, without an account, and keeps the private follow link; 12 households support it with
 * their household codes (one of them twice: it counts once); the office accepts it with a public
 * reason; a co-building unit's offer is recorded; the office places a grant order that serves the
 * need with the offer; the committee finds the pre-filled draft, which becomes an application and,
 * once approved and past its notice, a project; the follow link shows every step with its 五议
 * stage; and the public lists show it all without the resident's contact.
 */

const HOUSEHOLDS = 14;
const SUPPORTERS = 12;
const CONTACT = '13800138000';

const fund = fundFixture({
  prefix: 'tl',
  displayName: '三单',
  addressBlock: '10.118.9',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, vote: { quorum: 1, majority: '0.5' }, needSupportsToOffice: SUPPORTERS },
    units: [{ code: 'water', name: '自来水公司' }],
    compounds: [{ code: 'maple', name: '枫林小区', householdsCount: HOUSEHOLDS }]
  }
});
const OFFICE = `/funds/${fund.slug}`;
const PUBLIC = `/f/${fund.slug}`;

function dayAfter(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

async function needRow() {
  const [row] = await fund.sql<{ id: string; number: number; status: string; supports: number }[]>`
    select n.id::text as id, n.number, n.status,
           (select count(*)::int from need_supports s where s.need_id = n.id) as supports
      from needs n where n.fund_id = ${fund.fundId} order by n.id desc limit 1`;
  if (row === undefined) throw new Error('no need');
  return row;
}

async function textOf(page: Page): Promise<string> {
  return await page.locator('main').innerText();
}

describe.skipIf(!chromiumPath)('the three lists: a need from the notice board to a project', () => {
  const { pageOf } = fund.browser();
  let admin: Person;
  let committee: Person;
  let leader: Person;
  let compoundId = '';
  let followPath = '';
  let needNumber = 0;

  it('a resident raises a need by the compound’s QR link, and 12 households bring it to the office', async () => {
    admin = await fund.person('admin', [{ role: 'fund_admin' }]);
    committee = await fund.person('committee', [{ role: 'committee', compoundCode: 'maple' }]);
    leader = await fund.person('leader', [{ role: 'leader', unitCode: 'water' }]);
    const [compound] = await fund.sql<{ id: string }[]>`
      select id::text as id from compounds where fund_id = ${fund.fundId} and code = 'maple'`;
    compoundId = compound?.id ?? '';
    for (let room = 101; room < 101 + HOUSEHOLDS; room += 1) {
      await fund.sql`
        insert into households (fund_id, compound_id, building, room)
        values (${fund.fundId}, ${compoundId}, '3', ${String(room)})`;
    }
    await post(fund.sql, { fundId: fund.fundId, command: contribution('50000.00') });

    // The QR sheet for the notice board links to the raise form with the compound chosen.
    const resident = await pageOf(null);
    expect((await resident.goto(`${PUBLIC}/needs/qr/maple`))?.status()).toBe(200);
    expect((await resident.goto(`${PUBLIC}/needs/new?compound=maple`))?.status()).toBe(200);
    expect(await resident.locator('select[name=compoundId]').inputValue()).toBe(compoundId);
    // A category of the policy, so that the draft the order opens is complete once budgeted.
    await resident.locator('select[name=category]').selectOption('repairs');
    await resident.locator('textarea[name=body]').fill('3 号楼门口的路灯坏了，晚上老人出门看不清台阶。');
    await resident.locator('[name=place]').fill('枫林小区 3 号楼门口');
    await resident.locator('[name=contact]').fill(CONTACT);
    await resident.getByRole('button', { name: '提交需求' }).click();
    await resident.waitForURL(/\/needs\/follow\/[^/?]+\?raised=1$/);
    followPath = new URL(resident.url()).pathname;
    expect(await overflowsHorizontally(resident)).toBe(false);
    await expectAccessible(resident);
    needNumber = (await needRow()).number;

    // The committee prints the household codes; 12 households support, one of them twice.
    const slips = await issueHouseholdCodes(fund.sql, {
      actor: await fund.actorOf(committee),
      fundId: fund.fundId,
      compoundId,
      mode: 'new',
      idempotencyKey: `tl-${fund.run}`,
      now: new Date(),
      ip: null
    });
    if (!slips.ok) throw new Error(`codes: ${slips.code}`);
    expect(slips.slips).toHaveLength(HOUSEHOLDS);
    const codes = slips.slips.map((slip) => slip.code);
    const neighbour = await pageOf(null);
    await neighbour.goto(`${PUBLIC}/needs/${needNumber}`);
    await neighbour.locator('[name=code]').fill(codes[0] ?? '');
    await neighbour.getByRole('button', { name: '支持', exact: true }).click();
    await expect.poll(async () => (await needRow()).supports).toBe(1);
    for (const code of [...codes.slice(1, SUPPORTERS), codes[1] ?? '']) {
      const answer = await fund.post(`${PUBLIC}/needs/${needNumber}?/support`, { code });
      expect(answer.status).toBeLessThan(500);
    }
    expect((await needRow()).supports).toBe(SUPPORTERS);
    const [reached] = await fund.sql<{ count: number }[]>`
      select count(*)::int as count from need_steps s join needs n on n.id = s.need_id
       where n.fund_id = ${fund.fundId} and n.number = ${needNumber} and s.kind = 'reached_office'`;
    expect(reached?.count).toBe(1);
  });

  it('the office accepts it, records a unit’s offer and places a grant order for it', async () => {
    const office = await pageOf(admin);
    await office.goto(`${OFFICE}/needs/${needNumber}`);
    await office.locator('select[name=action]').selectOption('accept');
    await office.locator('textarea[name=reason]').fill('12 户支持，安全隐患，纳入本季度项目。');
    await office.getByRole('button', { name: '保存处理结果' }).click();
    await expect.poll(async () => (await needRow()).status).toBe('accepted');

    await office.goto(`${OFFICE}/resources`);
    await office.locator('select[name=kind]').selectOption('expertise');
    await office.locator('select[name=unitId]').selectOption({ label: '自来水公司' });
    await office.locator('textarea[name=description]').fill('电工上门检修路灯线路');
    await office.locator('[name=quantity]').fill('8');
    await office.locator('[name=measure]').fill('小时');
    await office.getByRole('button', { name: '登记资源' }).click();
    await office.waitForURL(/\/resources\/\d+\?recorded=1$/);

    await office.goto(`${OFFICE}/list/new`);
    await office.locator('select[name=compoundId]').selectOption(compoundId);
    await office.locator('[name=title]').fill('枫林小区 3 号楼路灯修复');
    await office.locator('input[name=needIds]').first().check();
    await office.locator('input[name=resourceIds]').first().check();
    await office.locator('select[name=unitId]').selectOption({ label: '自来水公司' });
    await office.locator('select[name=followUpUserId]').selectOption(admin.id);
    await office.locator('input[name=delivery][value=grant]').check();
    await office.getByRole('button', { name: '下单' }).click();
    await office.waitForURL(/\/list\/\d+/);
    await expect.poll(async () => (await needRow()).status).toBe('in_list');
    await tourShot(office, 'lists-order');
  });

  it('the committee completes the pre-filled draft, which becomes an application and then a project', async () => {
    const [item] = await fund.sql<{ number: number; applicationNumber: number | null }[]>`
      select i.number, a.number as "applicationNumber"
        from list_items i left join applications a on a.id = i.application_id
       where i.fund_id = ${fund.fundId}`;
    const number = item?.applicationNumber ?? 0;
    expect(number).toBeGreaterThan(0);
    const page = await pageOf(committee);
    expect((await page.goto(`${OFFICE}/applications/${number}`))?.status()).toBe(200);
    expect(await textOf(page)).toContain('枫林小区 3 号楼路灯修复');

    const actor = await fund.actorOf(committee);
    const common = { fundId: fund.fundId, now: new Date(), ip: null, actor, number };
    const steps: DraftInput[] = [
      { step: 'budget', lines: [{ item: '路灯及线路', quantity: '1', unitPrice: '5000.00' }] },
      { step: 'selfraise', selfRaiseTarget: '2000.00', householdsExpected: String(HOUSEHOLDS) },
      {
        step: 'meeting',
        meetingDate: new Date().toISOString().slice(0, 10),
        householdsTotal: String(HOUSEHOLDS),
        householdsPresent: '12',
        householdsAgreeing: '12',
        minutes: null
      }
    ];
    for (const draft of steps) expect(await saveDraft(fund.sql, { ...common, draft })).toMatchObject({ ok: true });
    expect(await submitApplication(fund.sql, common)).toEqual(expect.objectContaining({ ok: true }));
    const office = { ...common, actor: await fund.actorOf(admin) };
    expect(await precheck(fund.sql, { ...office, outcome: 'pass', comments: '' })).toMatchObject({ ok: true });
    const vote = { ...common, actor: await fund.actorOf(leader), choice: 'approve' as const, reason: '' };
    expect(await castVote(fund.sql, vote)).toMatchObject({ ok: true });
    const [dates] = await fund.sql<{ ends: string }[]>`
      select notice_ends_on::text as ends from applications where fund_id = ${fund.fundId} and number = ${number}`;
    await activateEndedNotices(fund.sql, { fundId: fund.fundId, today: dayAfter(dates?.ends ?? '') });
    const [status] = await fund.sql<{ status: string }[]>`
      select status from applications where fund_id = ${fund.fundId} and number = ${number}`;
    expect(status?.status).toBe('active');
  });

  it('the follow link shows each step with its stage, and the public lists show it all, masked', async () => {
    const resident = await pageOf(null);
    expect((await resident.goto(followPath))?.status()).toBe(200);
    const follow = await textOf(resident);
    for (const stage of ['提议', '商议', '决议']) expect(follow).toContain(stage);
    expect(follow).toContain('12 户支持，安全隐患，纳入本季度项目。');
    expect(follow).toContain('枫林小区 3 号楼路灯修复');
    expect(follow).not.toContain(CONTACT);
    await tourShot(resident, 'lists-follow');

    for (const path of ['needs', 'resources', 'list']) {
      expect((await resident.goto(`${PUBLIC}/${path}`))?.status()).toBe(200);
      const text = await textOf(resident);
      expect(text).not.toContain(CONTACT);
      expect(text).toContain(
        path === 'needs'
          ? '3 号楼门口的路灯'
          : path === 'resources'
            ? '电工上门检修路灯线路'
            : '枫林小区 3 号楼路灯修复'
      );
      expect(await overflowsHorizontally(resident)).toBe(false);
    }
    await expectAccessible(resident);
    await tourShot(resident, 'lists-public-list');
  });
});
