import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_POLICY_JSON } from '../../apps/web/src/lib/server/fund/fund-policy';
import { issueHouseholdCodes } from '../../apps/web/src/lib/server/fund/household-codes';
import { PHONE, expectAccessible, overflowsHorizontally, tourShot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The needs list (需求清单) in Chromium, kept short: a resident opens the compound's QR sheet and
 * raises a need by its link on a 360 px phone, and keeps the follow link; two households support
 * it with their codes, which brings it before the office; the office accepts it with a public
 * reason; the public list shows it masked, in Chinese and English. Axe checks each new page.
 */

const fx = fundFixture({
  prefix: 'needs',
  displayName: '需求',
  addressBlock: '10.118.4',
  newFund: {
    policy: { ...DEMO_POLICY_JSON, needSupportsToOffice: 2 },
    units: [{ code: 'unit-1', name: '共建单位一' }],
    compounds: [{ code: 'c-1', name: '桂花苑', householdsCount: 3 }]
  }
});
const { pageOf } = fx.browser();

const CONTACT = '13912345678';

describe('the needs list', () => {
  let admin: Person;
  let codes: string[] = [];
  let compoundId = '';

  it('takes a need raised by the compound’s QR code on a phone, and gives the follow link', async () => {
    admin = await fx.person('admin', [{ role: 'fund_admin' }]);
    const [compound] = await fx.sql<
      { id: string }[]
    >`select id::text as id from compounds where fund_id = ${fx.fundId}`;
    compoundId = compound?.id ?? '';
    for (const room of ['101', '102', '103']) {
      await fx.sql`insert into households (fund_id, compound_id, building, room) values (${fx.fundId}, ${compoundId}, '1', ${room})`;
    }
    const issued = await issueHouseholdCodes(fx.sql, {
      actor: await fx.actorOf(admin),
      fundId: fx.fundId,
      compoundId,
      mode: 'new',
      idempotencyKey: randomUUID(),
      now: new Date(),
      ip: null
    });
    if (!issued.ok) throw new Error('codes');
    codes = issued.slips.map((slip) => slip.code);

    const page = await pageOf(null, { viewport: PHONE });
    expect((await page.goto(`/f/${fx.slug}/needs/qr/c-1`))?.status()).toBe(200);
    await expectAccessible(page);
    await tourShot(page, 'needs-qr');
    const link = new URL((await page.locator('.need-qr-url code').textContent()) ?? '');
    expect(link.pathname + link.search).toBe(`/f/${fx.slug}/needs/new?compound=c-1`);

    const raise = await page.goto(link.pathname + link.search);
    expect(raise?.headers()['cache-control']).toContain('no-store');
    expect(await page.locator('#need-compoundId').inputValue()).toBe(compoundId);
    await expectAccessible(page);
    await page.locator('#need-category').selectOption('repairs');
    await page.locator('#need-body').fill('单元门闭门器坏了，门关不上。');
    await page.locator('#need-place').fill('1号楼');
    await page.locator('#need-contact').fill(CONTACT);
    await page.getByRole('button', { name: '提交需求' }).click();
    await page.waitForURL(/\/needs\/follow\/[A-Za-z0-9_-]{43}\?raised=1$/);
    expect(await page.locator('meta[name="robots"]').getAttribute('content')).toContain('noindex');
    expect(await page.getByRole('status').textContent()).toContain('#1');
    expect(await page.content()).not.toContain(CONTACT);
    expect(await overflowsHorizontally(page)).toBe(false);
    await expectAccessible(page);
    await tourShot(page, 'needs-follow');
    const follow = await fx.get(new URL(page.url()).pathname);
    expect(follow.headers.get('referrer-policy')).toBe('no-referrer');
    expect(follow.headers.get('cache-control')).toBe('no-store');
  });

  it('counts each household once, and two supports bring it before the office', async () => {
    // Each household on a phone of its own (a second post from the same tab of the same form was
    // left waiting by Chromium, although the server answered it at once).
    const support = async (code: string) => {
      const page = await pageOf(null, { viewport: PHONE });
      await page.goto(`/f/${fx.slug}/needs/1`);
      await page.locator('#need-code').fill(code);
      await page.getByRole('button', { name: '支持', exact: true }).click();
      return { page, text: (await page.getByRole('status').first().textContent()) ?? '' };
    };
    expect((await support(codes[0] ?? '')).text).toContain('已记下');
    expect((await support(codes[0] ?? '')).text).toContain('已经支持过');
    const { page, text } = await support(codes[1] ?? '');
    expect(text).toContain('已记下');
    await expectAccessible(page);
    await tourShot(page, 'needs-support');
    const [need] = await fx.sql<{ supports: number; reached: number }[]>`
      select (select count(*)::int from need_supports s where s.need_id = n.id) as supports,
             (select count(*)::int from need_steps s where s.need_id = n.id and s.kind = 'reached_office') as reached
        from needs n where n.fund_id = ${fx.fundId} and n.number = 1`;
    expect(need).toEqual({ supports: 2, reached: 1 });
  });

  it('is accepted by the office with a public reason, and shown masked in public', async () => {
    const office = await pageOf(admin, { viewport: PHONE });
    await office.goto(`/funds/${fx.slug}/needs`);
    await expectAccessible(office);
    await office.getByRole('link', { name: '#1' }).click();
    await office.waitForURL(`**/funds/${fx.slug}/needs/1`);
    expect(await office.content()).toContain(CONTACT);
    await office.locator('#need-action').selectOption('accept');
    await office.locator('#need-reason').fill('属于小区公共设施维修，列入下一批项目。');
    await office.getByRole('button', { name: '保存处理结果' }).click();
    await expect.poll(async () => office.getByRole('status').first().textContent()).toContain('已保存');
    await expectAccessible(office);
    await tourShot(office, 'needs-triage');

    for (const locale of ['zh-CN', 'en'] as const) {
      const page = await pageOf(null, { viewport: PHONE, locale });
      expect((await page.goto(`/f/${fx.slug}/needs`))?.status()).toBe(200);
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toContain(locale === 'en' ? 'Accepted' : '已受理');
      expect(text).toContain('属于小区公共设施维修');
      expect(await page.content()).not.toContain(CONTACT);
      await expectAccessible(page);
      if (locale === 'zh-CN') await tourShot(page, 'needs-public');
      await page.goto(`/f/${fx.slug}/needs/1`);
      await expectAccessible(page);
    }
  });
});
