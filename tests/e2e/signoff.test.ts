import { describe, expect, it, beforeAll } from 'vitest';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { chromiumPath, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/*
 * Deliberation and sign-off in a real browser at phone size: the committee prints its compound's
 * household code slips (shown once), and the demo's public project timeline names the five
 * deliberations (五议) of its steps. Pages pass axe in both languages. The sign-off itself (once
 * per household, representatives only, racing presses) is tested in tests/db/signoff.test.ts.
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
});
