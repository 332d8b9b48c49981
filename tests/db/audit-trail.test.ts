import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import { recordEvent, type EventAction } from '../../apps/web/src/lib/server/platform/audit';
import { trailCsvStream } from '../../apps/web/src/lib/server/reports/audit-trail-csv';
import {
  TRAIL_PAGE_SIZE,
  parseTrailQuery,
  trailPage,
  trailLinks,
  trailRoles,
  trailRows,
  type TrailQuery
} from '../../apps/web/src/lib/server/reports/audit-trail';
import { createTestFund, createTestUser } from '../support/people';
import { openPeopleDatabase } from '../support/people-db';

/*
 * The audit trail's query over a scripted fund: 130 events by three people over three China days,
 * and a second fund's events that must never show. Pages are walked to the end with the keyset
 * ("before" the last id), and every filter is checked against the same events filtered here.
 */

let owner: Sql;
let app: Sql;
let close = async (): Promise<void> => {};
let fundId = '';
let otherFundId = '';
const people = { admin: '', leader: '', stranger: '' };

interface Scripted {
  actor: string;
  action: EventAction;
  at: Date;
  resourceType: string;
  resourceId: string;
}
const scripted: Scripted[] = [];
// 2026-03-01T16:00Z is midnight in China on 2 March: events straddle China's day boundaries.
const START = Date.parse('2026-03-01T15:00:00Z');
const ACTIONS: EventAction[] = ['money.recorded', 'household.added', 'vote.cast', 'unit.updated'];

const NO_FILTER: TrailQuery = {
  actorUserId: null,
  action: null,
  resourceType: null,
  resourceId: null,
  from: null,
  to: null,
  before: null
};

beforeAll(async () => {
  ({ owner, app, close } = await openPeopleDatabase('audit-trail'));
  fundId = await createTestFund(owner, 'trail-fund');
  otherFundId = await createTestFund(owner, 'trail-other');
  people.admin = await createTestUser(owner, {
    loginName: 'trail-admin',
    displayName: '管理员甲',
    memberships: [{ fundSlug: 'trail-fund', role: 'fund_admin' }]
  });
  people.leader = await createTestUser(owner, {
    loginName: 'trail-leader',
    displayName: '领导乙',
    memberships: [{ fundSlug: 'trail-fund', role: 'leader', unitCode: 'unit-1' }]
  });
  people.stranger = await createTestUser(owner, { loginName: 'trail-stranger', displayName: '外人丙' });
  const actors = [people.admin, people.leader, people.stranger];
  for (let index = 0; index < 130; index += 1) {
    const event: Scripted = {
      actor: actors[index % 3] ?? '',
      action: ACTIONS[index % 4] ?? 'money.recorded',
      // One event every 40 minutes: about three and a half China days.
      at: new Date(START + index * 40 * 60 * 1000),
      resourceType: index % 5 === 0 ? 'household' : 'unit',
      resourceId: String(index % 7)
    };
    scripted.push(event);
    await recordEvent(app, {
      action: event.action,
      outcome: 'ok',
      at: event.at,
      actorUserId: event.actor,
      fundId,
      resourceType: event.resourceType,
      resourceId: event.resourceId
    });
    // The other fund's twin event: same person, action and resource; it must never appear.
    await recordEvent(app, { ...event, outcome: 'ok', actorUserId: event.actor, fundId: otherFundId });
  }
}, 120_000);

afterAll(async () => {
  await close();
});

/** Walks every page of a query, returning the pages' ids. */
async function walk(query: TrailQuery, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let before: string | null = null;
  for (;;) {
    const rows = await trailRows(app, { fundId, query: { ...query, before }, limit });
    if (rows.length === 0) break;
    pages.push(rows.map((row) => row.id));
    before = rows.at(-1)?.id ?? null;
    if (rows.length < limit) break;
  }
  return pages;
}

async function fundEventIds(where: (event: { actorUserId: string; action: string; at: Date }) => boolean) {
  const rows = await owner<{ id: string; actorUserId: string; action: string; at: Date }[]>`
    select e.id::text as id, e.actor_user_id::text as "actorUserId", e.action, e.at from events e
     where e.fund_id = ${fundId} order by e.id desc`;
  return rows.filter(where).map((row) => row.id);
}

describe('the audit trail query', () => {
  it('walks every event of the fund once, newest first, pages never overlapping or skipping', async () => {
    const pages = await walk(NO_FILTER, 17);
    const ids = pages.flat();
    expect(pages.slice(0, -1).every((page) => page.length === 17)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(await fundEventIds(() => true));
    expect(ids).toHaveLength(130);
    const numbers = ids.map(BigInt);
    expect(numbers.every((id, index) => index === 0 || id < (numbers[index - 1] ?? 0n))).toBe(true);
  });

  it("never shows another fund's events, whatever the filter", async () => {
    const others = await owner<{ id: string }[]>`select id::text as id from events where fund_id = ${otherFundId}`;
    expect(others).toHaveLength(130);
    const otherIds = new Set(others.map((row) => row.id));
    for (const query of [
      NO_FILTER,
      { ...NO_FILTER, actorUserId: people.stranger },
      { ...NO_FILTER, action: 'vote.cast' }
    ]) {
      const ids = (await walk(query, 50)).flat();
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.some((id) => otherIds.has(id))).toBe(false);
    }
  });

  it('filters by person, kind and resource, each page of a filter still disjoint', async () => {
    const byPerson = (await walk({ ...NO_FILTER, actorUserId: people.leader }, 9)).flat();
    expect(byPerson).toEqual(await fundEventIds((event) => event.actorUserId === people.leader));
    const byKind = (await walk({ ...NO_FILTER, action: 'household.added' }, 7)).flat();
    expect(byKind).toEqual(await fundEventIds((event) => event.action === 'household.added'));
    const byResource = await walk({ ...NO_FILTER, resourceType: 'household', resourceId: '3' }, 2);
    const expected = scripted
      .map((event, index) => ({ event, index }))
      .filter(({ event }) => event.resourceType === 'household' && event.resourceId === '3');
    expect(byResource.flat()).toHaveLength(expected.length);
    expect(new Set(byResource.flat()).size).toBe(expected.length);
  });

  it('takes dates as China days, both ends included', async () => {
    const parsed = parseTrailQuery(new URLSearchParams({ since: '2026-03-02', until: '2026-03-02' }));
    expect(parsed.invalid).toEqual([]);
    const ids = (await walk(parsed.query, 10)).flat();
    const chinaDay = (at: Date) => new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    expect(ids).toEqual(await fundEventIds((event) => chinaDay(event.at) === '2026-03-02'));
    // 2 March in China runs 16:00Z on 1 March to 16:00Z on 2 March: 36 events, one each 40 minutes.
    expect(ids).toHaveLength(36);
  });

  it('reports a malformed filter and leaves it out, and refuses a range that ends before it starts', () => {
    const parsed = parseTrailQuery(
      new URLSearchParams({ person: 'x1', kind: 'DROP TABLE', since: '2026-03-05', until: '2026-03-01', before: '-1' })
    );
    expect(parsed.invalid.sort()).toEqual(['before', 'kind', 'person', 'until']);
    expect(parsed.query).toEqual({ ...NO_FILTER, from: '2026-03-05' });
  });

  it("names each person's roles in the fund, and none for someone outside it", async () => {
    const roles = await trailRoles(app, { fundId, userIds: [people.admin, people.leader, people.stranger] });
    expect(roles.get(people.admin)).toEqual([{ role: 'fund_admin', place: null }]);
    expect(roles.get(people.leader)).toEqual([{ role: 'leader', place: '测试单位' }]);
    expect(roles.get(people.stranger)).toBeUndefined();
  });

  it('links a resource only where the reader may open it', async () => {
    const rows = await trailRows(app, { fundId, query: { ...NO_FILTER, resourceType: 'household' }, limit: 3 });
    const supervisor: Actor = {
      kind: 'user',
      userId: people.admin,
      platformAdmin: false,
      memberships: [{ fundId, role: 'supervisor', unitId: null, compoundId: null }],
      totpEnrolled: false,
      fundsRequiringTotp: []
    };
    const links = await trailLinks(app, { fundId, fundSlug: 'trail-fund', actor: supervisor, rows });
    expect([...links.values()]).toEqual(rows.map(() => '/funds/trail-fund/registers'));
    const nobody: Actor = { kind: 'anonymous' };
    expect((await trailLinks(app, { fundId, fundSlug: 'trail-fund', actor: nobody, rows })).size).toBe(0);
  });

  it('pages as the screen shows them: a full page names the id the next one starts below', async () => {
    const supervisor: Actor = {
      kind: 'user',
      userId: people.admin,
      platformAdmin: false,
      memberships: [{ fundId, role: 'supervisor', unitId: null, compoundId: null }],
      totpEnrolled: false,
      fundsRequiringTotp: []
    };
    const first = await trailPage(app, { fundId, fundSlug: 'trail-fund', actor: supervisor, query: NO_FILTER });
    expect(first.entries).toHaveLength(TRAIL_PAGE_SIZE);
    expect(first.nextBefore).toBe(first.entries.at(-1)?.id);
    const second = await trailPage(app, {
      fundId,
      fundSlug: 'trail-fund',
      actor: supervisor,
      query: { ...NO_FILTER, before: first.nextBefore }
    });
    expect(second.entries[0]?.id).toBe(String(BigInt(first.nextBefore ?? '0') - 2n));
    expect(first.entries[0]).toMatchObject({ actorName: '管理员甲', roles: [{ role: 'fund_admin', place: null }] });
    // China's wall clock: the newest event, 129 steps of 40 minutes (86 hours) after 15:00Z on 1 March.
    expect(first.entries[0]?.when).toBe('2026-03-05 13:00:00');
  });

  it('writes the filtered trail as CSV with a byte-order mark, one header and one row per event', async () => {
    const stream = trailCsvStream(app, { fundId, query: { ...NO_FILTER, action: 'vote.cast' }, locale: 'en' });
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text.startsWith('\uFEFFEvent id,When (China time),Who,Role,Action,Action code,')).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1 + scripted.filter((event) => event.action === 'vote.cast').length);
    expect(lines.slice(1).every((line) => line.includes(',Vote cast,vote.cast,'))).toBe(true);
    expect(text.indexOf('\uFEFF', 1)).toBe(-1);
  });
});
