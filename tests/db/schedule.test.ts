import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../apps/web/src/lib/server/db/client';
import type { Actor } from '../../apps/web/src/lib/server/access/policy';
import { castVote, precheck } from '../../apps/web/src/lib/server/grants/review';
import {
  runDueSteps,
  scheduleOverview,
  startScheduler,
  type ScheduleRun
} from '../../apps/web/src/lib/server/schedule';
import { startWorker, stopWorker, type Worker } from '../support/books-processes';
import { openPeopleDatabase } from '../support/people-db';
import { idOf, makeWorld, person, submittedApplication, type ReviewDb, type World } from '../support/review-world';

/*
 * The scheduler with an injected clock, against a real PostgreSQL and with no page opened. A
 * grant approved on Friday 6 March 2026 has a 5-working-day notice that ends on Friday 13 March:
 * Saturday's run leaves it approved (the scheduler acts on working days), Monday's first run makes
 * it active, and later runs change nothing. Monday's run comes days after the last one, as after
 * a restart: it catches up on the reminders that fell due meanwhile, once. Two real processes
 * running the steps at the same moment make one activation and one notification.
 */

let owner: Sql;
let app: Sql;
let url: string;
let close = async (): Promise<void> => {};

/** Midday in China on Friday 6 March 2026, when the grants are approved. */
const FRIDAY = new Date('2026-03-06T04:00:00.000Z');
/** 10:00 in China on Saturday 14 March, the day after the notice's last day. */
const SATURDAY = new Date('2026-03-14T02:00:00.000Z');
/** 09:00 in China on Monday 16 March. */
const MONDAY = new Date('2026-03-16T01:00:00.000Z');
/** 09:00 in China on Tuesday 17 March. */
const TUESDAY = new Date('2026-03-17T01:00:00.000Z');

const db = (): ReviewDb => ({ owner, app, now: FRIDAY });

interface Cast {
  world: World;
  admin: Actor;
  committee: Actor;
  leaders: Actor[];
}

async function castOf(slug: string): Promise<Cast> {
  const world = await makeWorld(db(), { slug, pool: '100000.00' });
  const at = (name: string, roles: Parameters<typeof person>[3]) => person(db(), world, `${slug}-${name}`, roles);
  return {
    world,
    admin: await at('admin', [{ role: 'fund_admin' }]),
    committee: await at('committee', [{ role: 'committee', compoundCode: 'compound-1' }]),
    leaders: [
      await at('leader-2', [{ role: 'leader', unitCode: 'unit-2' }]),
      await at('leader-3', [{ role: 'leader', unitCode: 'unit-3' }]),
      await at('leader-4', [{ role: 'leader', unitCode: 'unit-4' }])
    ]
  };
}

/** An application submitted, pre-checked and, with `approve`, approved by every leader on Friday. */
async function applicationOf(cast: Cast, number: number, approve: boolean): Promise<string> {
  const id = await submittedApplication(db(), cast.world, {
    number,
    createdBy: cast.committee,
    cost: '1000.00',
    match: '600.00'
  });
  const command = { fundId: cast.world.fundId, number, now: FRIDAY, ip: null };
  const checked = await precheck(app, { ...command, actor: cast.admin, outcome: 'pass', comments: '' });
  expect(checked.ok).toBe(true);
  for (const leader of approve ? cast.leaders : []) {
    const voted = await castVote(app, { ...command, actor: leader, choice: 'approve', reason: '' });
    expect(voted.ok).toBe(true);
  }
  return id;
}

async function factsOf(applicationId: string) {
  const [row] = await owner<{ status: string; endsOn: string; activations: number; activeNotices: number }[]>`
    select a.status, to_char(a.notice_ends_on, 'YYYY-MM-DD') as "endsOn",
           (select count(*) from events e where e.resource_type = 'application' and e.resource_id = a.id::text
               and e.action = 'application.notice_ended')::int as activations,
           (select count(*) from notifications n where n.application_id = a.id and n.kind = 'application.active')::int
             as "activeNotices"
      from applications a where a.id = ${applicationId}`;
  if (row === undefined) throw new Error('no application');
  return row;
}

async function remindersOf(applicationId: string, kind: string): Promise<string[]> {
  const rows = await owner<{ userId: string }[]>`
    select user_id::text as "userId" from notifications
     where application_id = ${applicationId} and kind = ${kind} order by user_id`;
  // Sorted as text, as the expected lists are.
  return rows.map((row) => row.userId).sort();
}

beforeAll(async () => {
  ({ owner, app, close, url } = await openPeopleDatabase('schedule'));
});

afterAll(async () => {
  await close();
});

describe('the scheduler, with an injected clock', () => {
  it('makes a notice that ended on Friday active at Monday’s first run, catches up on reminders once', async () => {
    const cast = await castOf('schedule-clock');
    const granted = await applicationOf(cast, 1, true);
    const voting = await applicationOf(cast, 2, false);
    const objected = await applicationOf(cast, 3, true);
    await owner`
      insert into objections (fund_id, application_id, revision, filed_at, name, contact, body)
      values (${cast.world.fundId}, ${objected}, 1, ${FRIDAY}, '居民', '13800000000', '请再核实报价')`;
    expect(await factsOf(granted)).toMatchObject({ status: 'approved', endsOn: '2026-03-13' });

    const saturday = await runDueSteps(app, { now: SATURDAY });
    expect(saturday).toMatchObject({ ran: true, today: '2026-03-14', workingDay: false });
    expect(await factsOf(granted)).toMatchObject({ status: 'approved', activations: 0 });
    expect(await remindersOf(voting, 'reminder.vote')).toEqual([]);

    // A scheduler started days later, as after a restart, with its clock at Monday morning.
    const runs: ScheduleRun[] = [];
    const scheduler = startScheduler(app, {
      intervalMs: 3_600_000,
      clock: () => MONDAY,
      log: () => {},
      onRun: (run) => runs.push(run)
    });
    await expect.poll(() => runs.length, { timeout: 20_000 }).toBe(1);
    await scheduler.stop();
    expect(runs[0]).toMatchObject({
      ran: true,
      workingDay: true,
      steps: [
        { step: 'notice_end', outcome: 'done', counts: { activated: 1 } },
        { step: 'vote_reminders', outcome: 'done', counts: { sent: 3 } },
        { step: 'objection_reminders', outcome: 'done', counts: { sent: 1 } }
      ]
    });
    expect(await factsOf(granted)).toEqual({
      status: 'active',
      endsOn: '2026-03-13',
      activations: 1,
      activeNotices: 2
    });
    expect(await factsOf(objected)).toMatchObject({ status: 'approved', activations: 0 });
    expect(await remindersOf(voting, 'reminder.vote')).toEqual(cast.leaders.map(idOf).sort());
    expect(await remindersOf(objected, 'reminder.objections')).toEqual([idOf(cast.admin)]);

    for (const now of [MONDAY, TUESDAY]) {
      const again = await runDueSteps(app, { now });
      expect(
        again.ran && again.steps.every((step) => step.outcome === 'done' && Object.keys(step.counts).length === 0)
      ).toBe(true);
    }
    expect(await factsOf(granted)).toMatchObject({ activations: 1, activeNotices: 2 });
    expect(await remindersOf(voting, 'reminder.vote')).toHaveLength(3);
    expect(await remindersOf(objected, 'reminder.objections')).toHaveLength(1);
    const log = await owner<{ step: string; counts: Record<string, number> }[]>`
      select step, counts from schedule_runs order by id`;
    expect(log).toEqual([
      { step: 'notice_end', counts: { activated: 1 } },
      { step: 'vote_reminders', counts: { sent: 3 } },
      { step: 'objection_reminders', counts: { sent: 1 } }
    ]);
    // The platform administrator's page reads the same log; nobody else may.
    expect(await scheduleOverview(app, cast.admin)).toBeNull();
    const platformAdmin: Actor = cast.admin.kind === 'user' ? { ...cast.admin, platformAdmin: true } : cast.admin;
    const overview = await scheduleOverview(app, platformAdmin);
    expect(overview?.steps.map((step) => [step.step, step.lastOutcome])).toEqual([
      ['notice_end', 'done'],
      ['vote_reminders', 'done'],
      ['objection_reminders', 'done']
    ]);
    expect(overview?.runs.map((run) => run.step)).toEqual(['objection_reminders', 'vote_reminders', 'notice_end']);
  });

  it('makes one activation and one notification when two processes run the steps at the same moment', async () => {
    const cast = await castOf('schedule-race');
    const granted = await applicationOf(cast, 1, true);
    const voting = await applicationOf(cast, 2, false);
    const workers: Worker[] = [];
    try {
      // Both start at once: each compiles the app's server code, which is most of this test's time.
      const script = 'tests/support/schedule-worker.ts';
      const started = await Promise.allSettled([0, 1].map(() => startWorker([url, MONDAY.toISOString()], script)));
      for (const result of started) if (result.status === 'fulfilled') workers.push(result.value);
      expect(workers, 'both workers start').toHaveLength(2);
      for (const worker of workers) worker.child.stdin?.write('GO\n');
      const results = await Promise.all(
        workers.map(async (worker) => JSON.parse(await worker.nextLine()) as ScheduleRun)
      );
      // Whichever order the lock gave: one run activated it, the other found nothing or the lock taken.
      const activated = results.flatMap((run) => (run.ran ? run.steps : [])).filter((step) => step.counts.activated);
      expect(activated, JSON.stringify(results)).toEqual([
        { step: 'notice_end', outcome: 'done', counts: { activated: 1 } }
      ]);
    } finally {
      for (const worker of workers) await stopWorker(worker);
    }
    expect(await factsOf(granted)).toMatchObject({ status: 'active', activations: 1 });
    expect(await remindersOf(granted, 'application.active')).toEqual([idOf(cast.committee), idOf(cast.admin)].sort());
    expect(await remindersOf(voting, 'reminder.vote')).toEqual(cast.leaders.map(idOf).sort());
  });
});
