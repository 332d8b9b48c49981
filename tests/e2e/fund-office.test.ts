import { beforeAll, describe, expect, it } from 'vitest';
import { formatMoney } from '../../apps/web/src/lib/format';
import { DEMO_POLICY_JSON, currentPolicy, fundPolicyToJson } from '../../apps/web/src/lib/server/fund/fund-policy';
import { chromiumPath, expectAccessible, overflowsHorizontally, screenshot } from './browser';
import { fundFixture, type Person } from './fund-fixture';

/**
 * The fund office pages of the demo fund: the home with its figures, the settings (profile and
 * policy versions), the registers and a compound's households, over plain HTTP and in a real
 * browser at phone size. Each person is made for this file (login names start with fo-). The one
 * policy version this file adopts has the same content as version 1, so tests that compute
 * matches keep seeing the demo rules.
 */

const office = fundFixture({ prefix: 'fo', displayName: '办公室', addressBlock: '10.9.4' });
const OFFICE = `/funds/${office.slug}`;
const { get, post, run } = office;

const compoundIds: Record<string, string> = {};

/** The pool's balance as the home page must show it, from the maintained balances. */
async function poolBalance(): Promise<string> {
  const [row] = await office.sql<{ balance: string }[]>`
    select coalesce(sum(debits_posted - credits_posted), 0)::numeric(18, 2)::text as balance
      from account_balances where fund_id = ${office.fundId} and account_code in ('1002.01', '1001')`;
  return row?.balance ?? '0.00';
}

let admin: Person;
let leader: Person;
let committee: Person;

beforeAll(async () => {
  const compounds = await office.sql<{ id: string; code: string }[]>`
    select id::text as id, code from compounds where fund_id = ${office.fundId}`;
  for (const compound of compounds) compoundIds[compound.code] = compound.id;
  admin = await office.person('adm', [{ role: 'fund_admin' }]);
  leader = await office.person('ldr', [{ role: 'leader', unitCode: 'grid-04' }]);
  committee = await office.person('cm', [{ role: 'committee', compoundCode: 'c-guihua-3' }]);
});

describe('the fund office over HTTP', () => {
  it('shows the administrator the figures, the unit statements and the way to every office page', async () => {
    const response = await get(OFFICE, admin.cookie);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(formatMoney(await poolBalance(), 'zh-CN'));
    expect(html).toContain('资金池余额');
    expect(html).toContain('街道办事处');
    for (const path of ['settings', 'registers', 'members', 'money']) expect(html).toContain(`${OFFICE}/${path}`);
  });

  it('lets a leader read the office and the settings but change nothing', async () => {
    expect((await get(OFFICE, leader.cookie)).status).toBe(200);
    const settings = await get(`${OFFICE}/settings`, leader.cookie);
    expect(settings.status).toBe(200);
    expect(await settings.text()).not.toContain('通过为新版本');
    const profile = await post(
      `${OFFICE}/settings?/profile`,
      { nameZh: '改名', nameEn: 'Renamed', fiscalYear: '2026' },
      leader.cookie
    );
    expect(profile.status).toBe(403);
    const policy = await post(`${OFFICE}/settings?/policy`, { ratioDefault: '0.6' }, leader.cookie);
    expect(policy.status).toBe(403);
    const [row] = await office.sql<{ name_zh: string }[]>`select name_zh from funds where id = ${office.fundId}`;
    expect(row?.name_zh).not.toBe('改名');
  });

  it('keeps a committee member out of the office but lets them keep their own compound’s households', async () => {
    expect((await get(OFFICE, committee.cookie)).status).toBe(403);
    expect((await get(`${OFFICE}/registers`, committee.cookie)).status).toBe(403);
    const own = await get(`${OFFICE}/registers/compounds/${compoundIds['c-guihua-3']}`, committee.cookie);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('张桂兰');
    expect((await get(`${OFFICE}/registers/compounds/${compoundIds['c-nanjie']}`, committee.cookie)).status).toBe(403);
    const elsewhere = await post(
      `${OFFICE}/registers/compounds/${compoundIds['c-nanjie']}?/add`,
      { building: '9', room: '901' },
      committee.cookie
    );
    expect(elsewhere.status).toBe(403);
  });

  it('refuses a policy with mistakes, naming each field and keeping what was typed', async () => {
    const response = await post(
      `${OFFICE}/settings?/policy`,
      { ratioDefault: '1.5', selfRaisedShareMin: '0.2', bandMin: '0.8', bandMax: '0.3', note: '留着' },
      admin.cookie
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('请改正下面标出的项目');
    expect(html).toContain('href="#policy-ratioDefault"');
    expect(html).toContain('value="1.5"');
    expect((await currentPolicy(office.sql, office.fundId))?.policy.match.ratioDefault).toBe('0.6');
  });
});

describe.skipIf(!chromiumPath)('the fund office in a real browser', () => {
  const { pageOf } = office.browser();

  it('edits the profile and adopts a new policy version with the same rules', async () => {
    const page = await pageOf(admin);
    const response = await page.goto(`${OFFICE}/settings`);
    expect(response?.status()).toBe(200);
    await expectAccessible(page);
    const before = (await currentPolicy(office.sql, office.fundId))?.version ?? 0;

    await page.getByLabel('社区').fill('桂花井社区');
    await page.getByRole('button', { name: '保存基本信息' }).click();
    await expect.poll(() => page.getByText('基本信息已保存。').count()).toBe(1);

    await page.getByLabel('说明（如通过的会议）').fill(`端到端测试 ${run}`);
    await page.getByRole('button', { name: '通过为新版本' }).click();
    await expect.poll(() => page.getByText(`已通过第 ${before + 1} 版。`).count()).toBe(1);
    await expectAccessible(page);
    const adopted = await currentPolicy(office.sql, office.fundId);
    if (adopted === null) throw new Error('no policy after adopting one');
    expect(adopted.version).toBe(before + 1);
    // The same rules as the demo's policy in force: since 019_demo_signoffs, the demo policy with two
    // residents' sign-offs.
    expect(fundPolicyToJson(adopted.policy)).toEqual({ ...DEMO_POLICY_JSON, residentSignoffs: 2 });
  });

  it('shows the dashboard at phone size, in elder mode too, without sideways scrolling', async () => {
    const page = await pageOf(admin);
    const balance = formatMoney(await poolBalance(), 'zh-CN');
    expect((await page.goto(OFFICE))?.status()).toBe(200);
    await expect.poll(() => page.getByText(balance).count()).toBeGreaterThan(0);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await screenshot(page, 'office-zh-phone');

    const elder = await pageOf(admin, { elder: true });
    for (const path of [OFFICE, `${OFFICE}/settings`, `${OFFICE}/registers`]) {
      expect((await elder.goto(path))?.status()).toBe(200);
      expect(await overflowsHorizontally(elder), path).toBe(false);
    }
  });

  it('passes axe on the registers and a compound’s households, for the office and the committee', async () => {
    const page = await pageOf(admin);
    expect((await page.goto(`${OFFICE}/registers`))?.status()).toBe(200);
    await expectAccessible(page);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.getByText('编辑街道办事处').click();
    await expectAccessible(page);

    const committeePage = await pageOf(committee);
    expect((await committeePage.goto(`${OFFICE}/registers/compounds/${compoundIds['c-guihua-3']}`))?.status()).toBe(
      200
    );
    await expectAccessible(committeePage);
    expect(await overflowsHorizontally(committeePage)).toBe(false);
    // A pasted line that cannot be read is named, and the text stays in the box.
    await committeePage.getByLabel(/每行一户/).fill('1-1-101 张桂兰\n看不懂');
    await committeePage.getByRole('button', { name: '全部添加' }).click();
    await expect.poll(() => committeePage.getByText('第 2 行看不懂').count()).toBeGreaterThan(0);
    expect(await committeePage.getByLabel(/每行一户/).inputValue()).toContain('看不懂');
    await expectAccessible(committeePage);
  });
});
