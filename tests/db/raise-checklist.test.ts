import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { loadProject } from '../../apps/web/src/lib/server/projects/project-core';
import { raiseProgressOf } from '../../apps/web/src/lib/server/projects/self-raising';
import {
  checklistOf,
  checklistRecordedOf,
  recordChecklist,
  type ChecklistLineInput
} from '../../apps/web/src/lib/server/projects/raise-checklist';
import { previewRegisterImport } from '../../apps/web/src/lib/server/fund/register-import';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  makeWorld,
  person,
  type ActiveProject,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The committee's checklist against a real PostgreSQL: the register's households with their planned
 * shares (2,000.00 over 25 households: 80.00 each), a search that keeps the shares, a checklist
 * with bad lines refused whole with a refusal per line and nothing written, 25 households recorded
 * in one go as 25 entries, the same checklist sent again answered as the first time, and its key
 * refused for another checklist.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};

/** Midday in China on Tuesday 10 March 2026. */
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });

let world: World;
let committee: Actor;
let leader: Actor;
let project: ActiveProject;

function checklist(lines: ChecklistLineInput[], overrides: { actor?: Actor; key?: string; date?: string } = {}) {
  return {
    actor: overrides.actor ?? committee,
    fundId: world.fundId,
    number: project.number,
    now: NOW,
    ip: '10.1.2.3',
    lines,
    date: overrides.date ?? '2026-03-10',
    method: 'cash' as const,
    idempotencyKey: overrides.key ?? randomUUID()
  };
}

const every = (amount: string) => project.households.map((householdId) => ({ householdId, amount }));

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('raise_checklist'));
  world = await makeWorld(db(), { slug: 'raise-checklist', pool: '100000.00' });
  const admin = await person(db(), world, 'rc-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db(), world, 'rc-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db(), world, 'rc-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db(), world, 'rc-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  [leader] = leaders as [Actor];
  committee = await person(db(), world, 'rc-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  project = await activeProject(db(), world, { number: 1, admin, leaders, committee, households: 25 });
});

afterAll(async () => {
  await close();
});

async function loaded() {
  const row = await loadProject(app, { fundId: world.fundId, number: project.number, lock: false });
  if (row === null) throw new Error('no project');
  return row;
}

async function paymentCount(): Promise<number> {
  const [row] = await owner<{ count: number }[]>`
    select count(*)::int as count from self_raised_payments where application_id = ${project.applicationId}`;
  return row?.count ?? -1;
}

describe('checklistOf', () => {
  it('lists the register with each household’s planned share, and a search keeps the shares', async () => {
    const all = await checklistOf(app, await loaded(), '');
    expect(all.registered).toBe(25);
    expect(all.rows).toHaveLength(25);
    expect(all.rows[0]).toMatchObject({ door: '1-1-101-1', name: '住户1', planned: '80.00', due: '80.00' });
    const found = await checklistOf(app, await loaded(), '住户12');
    expect(found.registered).toBe(25);
    expect(found.rows.map((row) => row.name)).toEqual(['住户12']);
    expect(found.rows[0]?.planned).toBe('80.00');
  });
});

describe('recordChecklist', () => {
  it('refuses a checklist with bad lines whole, with each bad line named, and writes nothing', async () => {
    const [first, second, third] = project.households;
    const result = await recordChecklist(
      app,
      checklist([
        { householdId: first ?? '', amount: '80' },
        { householdId: second ?? '', amount: '八十' },
        { householdId: third ?? '', amount: '5000' },
        { householdId: first ?? '', amount: '80' },
        { householdId: '999999', amount: '80' }
      ])
    );
    expect(result).toMatchObject({
      ok: false,
      code: 'batch_has_bad_lines',
      lines: [
        { index: 1, household: second, code: 'amount_must_be_a_number' },
        { index: 2, household: third, code: 'payment_exceeds_target', remaining: '1920.00' },
        { index: 3, household: first, code: 'household_listed_twice' },
        { index: 4, household: '999999', code: 'household_must_be_in_compound' }
      ]
    });
    expect(await paymentCount()).toBe(0);
  });

  it('refuses an empty checklist, a day in the future, and a leader', async () => {
    expect(await recordChecklist(app, checklist([]))).toMatchObject({ code: 'batch_needs_a_line' });
    expect(await recordChecklist(app, checklist(every('80'), { date: '2026-03-11' }))).toMatchObject({
      code: 'date_must_not_be_in_the_future'
    });
    expect(await recordChecklist(app, checklist(every('80'), { actor: leader }))).toMatchObject({
      code: 'not_allowed'
    });
    expect(await paymentCount()).toBe(0);
  });

  it('records 25 households at once as 25 entries, and answers a resend as the first time', async () => {
    const key = randomUUID();
    const first = await recordChecklist(app, checklist(every('80.00'), { key }));
    expect(first).toEqual({ ok: true, count: 25, total: '2000.00', replayed: false });
    const again = await recordChecklist(app, checklist(every('80'), { key }));
    expect(again).toEqual({ ok: true, count: 25, total: '2000.00', replayed: true });
    expect(await paymentCount()).toBe(25);
    const [books] = await owner<{ entries: number; total: string }[]>`
      select count(*)::int as entries, sum(p.amount)::text as total
        from entries e join postings p on p.fund_id = e.fund_id and p.entry_seq = e.seq
       where e.fund_id = ${world.fundId} and p.account_code = '2209.P-1' and p.side = 'credit'`;
    expect(books).toEqual({ entries: 25, total: '2000.00' });
    const progress = await raiseProgressOf(app, world.fundId, await loaded());
    expect(progress).toMatchObject({ householdsPaid: 25, householdsExpected: 25, remaining: '0.00' });
    expect(
      await checklistRecordedOf(app, { fundId: world.fundId, project: await loaded(), idempotencyKey: key })
    ).toEqual({ count: 25, total: '2000.00' });
    const listed = await checklistOf(app, await loaded(), '');
    expect(listed.rows.every((row) => row.paidInFull && row.due === '0.00')).toBe(true);
    // The key of a checklist already recorded cannot stand in for another one.
    const other = await recordChecklist(app, checklist(every('1.00').slice(0, 3), { key }));
    expect(other).toMatchObject({ ok: false, code: 'form_was_already_used_for_something_else' });
  });
});

describe('previewRegisterImport', () => {
  const file = (text: string) => new TextEncoder().encode(text);

  it('checks each row against the register it would join, and writes nothing', async () => {
    const compoundId = world.compounds['compound-1'] ?? '';
    const result = await previewRegisterImport(app, {
      actor: committee,
      fundId: world.fundId,
      compoundId,
      bytes: file('楼号,单元,房号,户主姓名\n1,1,101-1,住户1\n1,1,101-1,别人\n9,1,901,新户\n9,1,,缺房号\n')
    });
    expect(result).toMatchObject({
      ok: true,
      preview: {
        pasted: '9-1-901 新户',
        adding: 1,
        lines: [
          { row: 2, code: 'line_has_a_bad_format' },
          { row: 3, code: 'line_has_a_bad_format' },
          { row: 4, code: null, registered: false },
          { row: 5, code: 'line_is_missing_a_number' }
        ]
      }
    });
    const [row] = await owner<{ count: number }[]>`
      select count(*)::int as count from households where compound_id = ${compoundId}`;
    expect(row?.count).toBe(25);
  });

  it('is refused to a leader, and refuses an empty or an unreadable file', async () => {
    const input = { fundId: world.fundId, compoundId: world.compounds['compound-1'] ?? '' };
    expect(await previewRegisterImport(app, { ...input, actor: leader, bytes: file('1,1,1,a') })).toMatchObject({
      code: 'not_allowed'
    });
    expect(await previewRegisterImport(app, { ...input, actor: committee, bytes: file('') })).toMatchObject({
      code: 'register_file_is_empty'
    });
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]);
    expect(await previewRegisterImport(app, { ...input, actor: committee, bytes: xls })).toMatchObject({
      code: 'register_file_must_be_csv_or_xlsx'
    });
  });
});
