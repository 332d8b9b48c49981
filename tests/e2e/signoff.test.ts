import { randomUUID } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Deliberation and sign-off in a real browser at phone size: the committee prints its compound's
 * household code slips (shown once), and the demo's public project timeline names the five
 * deliberations (五议) of its steps. Pages pass axe in both languages. A representative of the
 * demo's railing repair, which waits for one more sign-off, signs it off on the public page, and
 * its payout page stops saying that sign-offs are missing. The sign-off's rules (once per
 * household, representatives only, racing presses) are tested in tests/db/signoff.test.ts.
 */

const office = fundFixture({
  prefix: 'so',
  displayName: '签认',
  addressBlock: '10.117.18',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, residentSignoffs: 2 },
    units: [{ code: 'unit-1', name: '单位1' }],
    compounds: [{ code: 'compound-1', name: '桂香小区', householdsCount: 6 }]
  }
});
const { person } = office;
/** The demo fund, whose railing repair (019_demo_signoffs) has one sign-off of the two it needs. */
const demo = fundFixture({ prefix: 'sod', displayName: '签认演示', addressBlock: '10.117.19' });

let committee: Person;
let compoundId = '';

beforeAll(async () => {
  committee = await person('committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  const [compound] = await office.sql<{ id: string }[]>`
    select id::text as id from compounds where fund_id = ${office.fundId} and code = 'compound-1'`;
  compoundId = compound?.id ?? '';
  await office.sql`
    insert into households (fund_id, compound_id, building, unit_no, room)
    select ${office.fundId}, ${compoundId}, '1', '1', (100 + n)::text from generate_series(1, 6) as n
    on conflict do nothing`;
});

describe.skipIf(!chromiumPath)('deliberation and sign-off', () => {
  const { pageOf } = office.browser();

  it('prints the household code slips once, at 360 px, in both languages', async () => {
    const page = await pageOf(committee);
    const path = `/funds/${office.slug}/compounds/${compoundId}/codes`;
    expect((await page.goto(path))?.status()).toBe(200);
    await expectAccessible(page);
    await page.getByRole('button', { name: '为 6 户发放户码' }).click();
    await expect.poll(() => page.locator('.evaluation-slip').count()).toBe(6);
    const code = (await page.locator('.evaluation-code').first().textContent()) ?? '';
    expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'signoff-codes-zh-phone');
    const english = await pageOf(committee, { locale: 'en' });
    expect((await english.goto(path))?.status()).toBe(200);
    await expect
      .poll(() => english.getByText('6 households registered, 0 of them without a code.').isVisible())
      .toBe(true);
    await expectAccessible(english);
  });

  it('labels the public project timeline with the five deliberations', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await pageOf(null, { locale });
      expect((await page.goto('/f/guihuajing/projects/6'))?.status()).toBe(200);
      const labels = page.locator('.pub-proj-timeline .deliberation-stage');
      await expect.poll(() => labels.count()).toBeGreaterThan(2);
      const texts = await labels.allTextContents();
      expect(texts).toContain(locale === 'zh-CN' ? '商议' : 'Consultation');
      await expectAccessible(page);
      expect(await overflowsHorizontally(page)).toBe(false);
      if (locale === 'zh-CN') await tourShot(page, 'signoff-timeline-zh-phone');
      // The demo project was approved before sign-offs were asked: its sign-off page says so.
      expect((await page.goto('/f/guihuajing/projects/6/signoff'))?.status()).toBe(200);
      await expectAccessible(page);
    }
  });

  it('lets a representative sign the waiting demo project off, which frees its final tranche', async () => {
    const admin = await demo.person('admin', [{ role: 'fund_admin' }]);
    const committeeOfDemo = await demo.person('committee', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
    // Another file of this lane may have saved the compound's register before (the security matrix
    // posts every form), which can leave no representative unsigned: the committee chooses one again.
    await demo.sql`
      update households set representative = true
       where id = (select h.id from households h join applications a on a.compound_id = h.compound_id
                    where a.fund_id = ${demo.fundId} and a.title = '楼梯扶手加固'
                      and not exists (select 1 from acceptance_signoffs s
                                       where s.application_id = a.id and s.household_id = h.id)
                    order by h.representative desc, h.id limit 1)`;
    const [railing] = await demo.sql<{ id: string; number: number; compoundId: string; householdId: string }[]>`
      select a.id::text as id, a.number, a.compound_id::text as "compoundId", h.id::text as "householdId"
        from applications a join households h on h.compound_id = a.compound_id and h.representative
       where a.fund_id = ${demo.fundId} and a.title = '楼梯扶手加固'
         and not exists (select 1 from acceptance_signoffs s where s.application_id = a.id and s.household_id = h.id)
       order by h.id limit 1`;
    if (railing === undefined) throw new Error('the demo railing repair or its unsigned representative is missing');
    // The demo keeps no code: the committee issues a fresh one for that household, as on its codes page.
    const issued = await issueHouseholdCodes(demo.sql, {
      actor: await demo.actorOf(committeeOfDemo),
      fundId: demo.fundId,
      compoundId: railing.compoundId,
      mode: 'all',
      householdIds: [railing.householdId],
      idempotencyKey: randomUUID(),
      now: new Date(),
      ip: null
    });
    const code = issued.ok ? (issued.slips[0]?.code ?? '') : '';
    expect(code).not.toBe('');
    const payouts = `/funds/guihuajing/projects/${railing.number}/payouts`;
    const missing = '签认的居民代表尚未达到政策要求的人数';
    expect(await (await demo.get(payouts, admin.cookie)).text()).toContain(missing);
    const page = await pageOf(null);
    expect((await page.goto(`/f/guihuajing/projects/${railing.number}/signoff`))?.status()).toBe(200);
    await expect.poll(() => page.getByText('已有 1 位居民代表签认，需 2 位。').isVisible()).toBe(true);
    await page.getByLabel('户码').fill(code);
    await page.getByRole('button', { name: '确认工程已完成' }).click();
    await expect.poll(() => page.getByText('谢谢！您的签认已记录。').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('已有 2 位居民代表签认，需 2 位。').isVisible()).toBe(true);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await tourShot(page, 'signoff-signed-zh-phone');
    expect(await (await demo.get(payouts, admin.cookie)).text()).not.toContain(missing);
  });
});
