import { afterAll, describe, expect, inject, it } from 'vitest';
import { createClient } from '../../apps/web/src/lib/server/db/client';
import { DEMO_FUND_SLUG, seedDemo } from '../../apps/web/src/lib/server/demo/seed';
import { listFunds } from '../../apps/web/src/lib/server/fund/funds';
import { payoutsOverview } from '../../apps/web/src/lib/server/projects/payouts';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { checkHealth } from '../../apps/web/src/lib/server/platform/health';
import { createMigratedDatabase, dropDatabase } from '../support/postgres';

const adminUrl = inject('adminUrl');
const sql = createClient(inject('databaseUrl'), { max: 4 });

afterAll(async () => {
  await sql.end();
});

describe('checkHealth', () => {
  it('reports the database up with the schema version', async () => {
    const [row] = await sql<{ version: number }[]>`select max(version) as version from schema_migrations`;
    expect(await checkHealth(sql)).toEqual({ status: 'ok', database: 'up', schemaVersion: row?.version });
  });

  it('reports the database down, quickly, when nothing answers', async () => {
    const unreachable = createClient('postgres://nobody:nothing@127.0.0.1:1/none', { connectTimeoutSeconds: 1 });
    const started = performance.now();
    try {
      expect(await checkHealth(unreachable)).toEqual({ status: 'degraded', database: 'down' });
    } finally {
      await unreachable.end();
    }
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('reports the database down before it was opened', async () => {
    expect(await checkHealth(undefined)).toEqual({ status: 'degraded', database: 'down' });
  });
});

describe('seedDemo', () => {
  it('creates the demo fund once, even when several processes seed at the same moment', async () => {
    const database = await createMigratedDatabase(adminUrl, 'seed');
    const clients = Array.from({ length: 4 }, () => createClient(database.url, { max: 1 }));
    try {
      const runs = await Promise.all(clients.map((client) => seedDemo(client)));
      // Each step ran exactly once, in whichever process got to it first.
      expect(runs.flat().sort()).toEqual([
        '001_demo_fund',
        '002_demo_books',
        '003_demo_people',
        '004_demo_fund_office',
        '005_demo_money_in',
        '006_demo_applications',
        '007_demo_review',
        '008_demo_more_states',
        '009_demo_platform',
        '010_demo_projects',
        '011_demo_public',
        '012_demo_correction',
        '013_demo_bank',
        '014_demo_period_close',
        '015_demo_notifications',
        '016_demo_needs',
        '017_demo_resources',
        '018_demo_project_list',
        '019_demo_signoffs',
        '020_demo_regions'
      ]);
      const funds = await listFunds(clients[0]!);
      expect(funds.map((fund) => [fund.slug, fund.nameZh])).toEqual([[DEMO_FUND_SLUG, '桂花井社区共建基金']]);
      // The pilot's start capital (11 grid units, 100,000.00) plus the demo money in (government
      // support 20,000.00, a donation 3,000.00, interest 56.78): 14 entries; 3,000.00 reserved for #1
      // and 1,500.00 for the active door repair.
      expect(
        funds.map(({ poolBalance, poolAvailable, entryCount }) => ({ poolBalance, poolAvailable, entryCount }))
        // 007_demo_review holds 3,000.00 of the pool for approved application #1, and
        // 008_demo_more_states 1,500.00 for the door repair, which an active grant keeps held.
        // 012_demo_correction records 1,200.00, reverses it and records it again: three entries.
        // 017_demo_resources recognises one lot of donated goods (1,600.00): one entry, no pool money.
        // 018_demo_project_list approves the garden its grant order opened: 2,000.00 more held.
        // 019_demo_signoffs approves and accepts two small repairs of 桂花井3号院 under the policy
        // version asking for sign-offs, no match paid yet: their grants (2,280.00) more held; four
        // households pay each repair's residents' share: eight entries, none on the pool.
      ).toEqual([{ poolBalance: '121226.78', poolAvailable: '109596.78', entryCount: '74' }]);
      // 013_demo_bank: the pool's statement imported, every line matched, the period reconciled.
      const [bank] = await clients[0]!<{ open: number; through: string | null }[]>`
        select (select count(*) from bank_lines l where not exists (select 1 from bank_matches m where m.line_id = l.id))::int
                 as open,
               (select to_char(reconciled_through, 'YYYY-MM-DD') from bank_accounts) as through`;
      expect(bank).toMatchObject({ open: 0, through: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      // 019_demo_signoffs: the bench repair has its two sign-offs; the railing's final tranche
      // waits for one more, and for nothing else.
      const limits: Record<string, string> = {};
      const [fund] = await clients[0]!<{ id: string }[]>`
        select id::text as id from funds where slug = ${DEMO_FUND_SLUG}`;
      const fundId = fund?.id ?? '';
      for (const title of ['院内休闲座椅更换', '楼梯扶手加固']) {
        const [row] = await clients[0]!<{ number: number }[]>`
          select number from applications where fund_id = ${fundId} and title = ${title}`;
        const project = await loadProject(clients[0]!, { fundId, number: row?.number ?? 0, lock: false });
        if (project !== null) limits[title] = (await payoutsOverview(clients[0]!, fundId, project)).limit;
      }
      expect(limits).toEqual({ 院内休闲座椅更换: 'final_match', 楼梯扶手加固: 'resident_signoffs_missing' });
      expect(await seedDemo(clients[0]!)).toEqual([]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await dropDatabase(adminUrl, database.name);
    }
  });
});
