import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { downloadResponse } from '../../apps/web/src/lib/server/public/downloads';
import { ledgerEntry, ledgerPage, parseLedgerQuery } from '../../apps/web/src/lib/server/public/ledger';
import { recordSelfRaisedPayment } from '../../apps/web/src/lib/server/projects/self-raising';
import { openPeopleDatabase } from '../support/people-db';
import {
  activeProject,
  makeWorld,
  person,
  submittedApplication,
  type ActiveProject,
  type ReviewDb,
  type World
} from '../support/review-world';

/*
 * The project key: entries name their project by its number in the fund (projectKey), and every
 * reader of the public ledger looks the project up by that same number. The demo hid a mismatch
 * for months, because its application ids happen to equal its project numbers; here they differ
 * on purpose. Another fund's applications take the first ids, and this fund's project 1 has the
 * row id that this fund's project 6 has as its number, so a reader that joins on the id shows the
 * wrong project rather than none.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
const NOW = new Date('2026-03-10T04:00:00.000Z');
const db = (): ReviewDb => ({ owner, app, now: NOW });
let world: World;
let projects: Map<number, ActiveProject>;
let seqsOf: Map<number, number[]>;

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('project_key'));
  const other = await makeWorld(db(), { slug: 'pk-other', pool: '1000.00' });
  const otherCommittee = await person(db(), other, 'pk-other-committee', [
    { role: 'committee', compoundCode: 'compound-1' }
  ]);
  world = await makeWorld(db(), { slug: 'pk-fund', pool: '100000.00' });
  const [{ next } = { next: 1 }] = await owner<{ next: number }[]>`
    select coalesce(max(id), 0)::int + 1 as next from applications`;
  // Fill the ids below this fund's first so that its project 1 gets the id 6 exactly.
  for (let number = next; number < 6; number += 1) {
    await submittedApplication(db(), other, { number, createdBy: otherCommittee, cost: '100.00', match: '60.00' });
  }
  const admin = await person(db(), world, 'pk-admin', [{ role: 'fund_admin' }]);
  const leaders = [
    await person(db(), world, 'pk-leader-1', [{ role: 'leader', unitCode: 'unit-2' }]),
    await person(db(), world, 'pk-leader-2', [{ role: 'leader', unitCode: 'unit-3' }]),
    await person(db(), world, 'pk-leader-3', [{ role: 'leader', unitCode: 'unit-4' }])
  ];
  const committee = await person(db(), world, 'pk-committee', [{ role: 'committee', compoundCode: 'compound-1' }]);
  projects = new Map();
  for (const number of [1, 6]) {
    projects.set(number, await activeProject(db(), world, { number, admin, leaders, committee, households: 3 }));
  }
  seqsOf = new Map();
  for (const [number, project] of projects) {
    const seqs: number[] = [];
    for (const householdId of project.households) {
      const paid = await recordSelfRaisedPayment(app, payment(committee, number, householdId));
      if (!paid.ok) throw new Error(`payment: ${paid.code}`);
      seqs.push(paid.seq);
    }
    seqsOf.set(number, seqs);
  }
});

afterAll(async () => {
  await close();
});

function payment(actor: Actor, number: number, householdId: string) {
  return {
    actor,
    fundId: world.fundId,
    number,
    now: NOW,
    ip: null,
    householdId,
    amount: '80.00',
    date: '2026-03-09',
    method: 'cash' as const,
    receipt: null,
    idempotencyKey: randomUUID()
  };
}

async function pageSeqs(filter: string): Promise<number[]> {
  const parsed = parseLedgerQuery(new URLSearchParams(`${filter}&after=0`));
  if (!parsed.ok) throw new Error(filter);
  const page = await ledgerPage(app, world.fundId, parsed.value);
  return page.entries.map((entry) => entry.seq);
}

describe('the project key', () => {
  it('is arranged so that ids and numbers differ, and one id is another project’s number', async () => {
    expect(projects.get(1)?.applicationId).toBe('6');
    expect(projects.get(6)?.applicationId).not.toBe('6');
    const keys = await owner<{ key: string }[]>`
      select distinct application_id as key from entries where fund_id = ${world.fundId} and application_id is not null
       order by 1`;
    expect(keys.map((row) => row.key)).toEqual(['1', '6']);
  });

  it('filters the public ledger by the project’s number', async () => {
    expect(await pageSeqs('project=1')).toEqual(seqsOf.get(1));
    expect(await pageSeqs('project=6')).toEqual(seqsOf.get(6));
  });

  it('names the entry’s own project on its page', async () => {
    for (const [number, seqs] of seqsOf) {
      for (const seq of seqs) expect((await ledgerEntry(app, world.fundId, seq))?.project).toBe(number);
    }
  });

  it('downloads exactly the project’s entries in every format', async () => {
    const texts = { invalid: (names: string) => `invalid: ${names}`, notFound: 'not found', noSuchProject: 'none' };
    const json = await downloadResponse(
      app,
      { slug: 'pk-fund', params: new URLSearchParams('project=1'), now: NOW, locale: 'zh-CN', texts },
      'json'
    );
    expect(json.status).toBe(200);
    const body = (await json.json()) as { entries: { seq: number }[] };
    expect(body.entries.map((entry) => entry.seq)).toEqual(seqsOf.get(1));
    for (const format of ['csv', 'journal', 'beancount', 'xlsx'] as const) {
      const response = await downloadResponse(
        app,
        { slug: 'pk-fund', params: new URLSearchParams('project=6'), now: NOW, locale: 'zh-CN', texts },
        format
      );
      expect(response.status, format).toBe(200);
      if (format === 'xlsx') continue;
      const text = await response.text();
      // Each format names an entry its own way: the voucher number, hledger's code (seq), Beancount's seq metadata.
      const named = (seq: number) =>
        format === 'csv' ? `记字第${seq}号` : format === 'journal' ? ` (${seq}) ` : `seq: "${seq}"`;
      for (const seq of seqsOf.get(6) ?? []) expect(text, `${format} has ${seq}`).toContain(named(seq));
      for (const seq of seqsOf.get(1) ?? []) expect(text, `${format} lacks ${seq}`).not.toContain(named(seq));
    }
  });
});
