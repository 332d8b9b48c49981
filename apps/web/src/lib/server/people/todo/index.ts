import { chinaDateOf, dayAfter, voteDeadline, type WorkingCalendar } from '@gongjian/ledger';
import type { TodoItem, TodoTarget } from '../../../todo-types';
import type { Sql } from '../../db/client';
import { can, type Actor } from '../../access/policy';
import { loadCalendar } from '../../fund/calendar';
import { policyVersion } from '../../fund/fund-policy';
import { periodsView } from '../../fund/period-close';
import { activateEndedNotices } from '../../grants/review/notice-end';
import { needsWaitingForTriage } from '../../grants/needs/reads';
import {
  applicationStates,
  signoffCounts,
  uncheckedFiles,
  waitingCorrections,
  waitingPayouts,
  type ApplicationStateRow
} from './rows';
import {
  committeeStepOf,
  holdsRole,
  itemOf,
  mayOpen,
  officeItemsOf,
  refOf,
  type CommitteeStep,
  type FundOfTodo
} from './steps';

/**
 * The to-do list (待办): what waits for one person, in every fund and role they hold, derived from
 * the state of the books and the applications (never from the notifications table), so that what
 * is done leaves the list by itself. Each item says what is needed, of which role, since when, by
 * which date, and links to the page where it is done, if the person may open it.
 */

type User = Extract<Actor, { kind: 'user' }>;

/** Earliest last day first, then the oldest; items without a last day after those with one. */
function byUrgency(a: TodoItem, b: TodoItem): number {
  if (a.dueOn !== b.dueOn) {
    if (a.dueOn === null) return 1;
    if (b.dueOn === null) return -1;
    return a.dueOn < b.dueOn ? -1 : 1;
  }
  return a.since.getTime() - b.since.getTime() || a.key.localeCompare(b.key);
}

async function fundOf(sql: Sql, fundId: string, now: Date): Promise<FundOfTodo | null> {
  const [row] = await sql<{ slug: string; nameZh: string; nameEn: string }[]>`
    select slug, name_zh as "nameZh", name_en as "nameEn" from funds where id = ${fundId}`;
  return row === undefined ? null : { fundId, ...row, today: chinaDateOf(now) };
}

/** Every to-do item of the person in one fund, most urgent first. */
export async function todoForFund(sql: Sql, actor: Actor, fundId: string, now: Date = new Date()): Promise<TodoItem[]> {
  if (actor.kind !== 'user') return [];
  const fund = await fundOf(sql, fundId, now);
  if (fund === null) return [];
  // As the review queue does, an ended notice becomes active before it is read, so that no list
  // shows a step the state has already moved past.
  await activateEndedNotices(sql, { fundId, today: fund.today, now });
  const rows = await applicationStates(sql, { fundId, userId: actor.userId });
  const items = [
    ...(await applicationItems(sql, actor, fund, rows)),
    ...(await projectItems(sql, actor, fund, rows)),
    ...(await booksItems(sql, actor, fund, now)),
    ...(await supervisorItems(sql, actor, fund, rows)),
    ...(await needItems(sql, actor, fund)),
    ...(await signoffItems(sql, actor, fund, rows))
  ];
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.key) && seen.add(item.key)).sort(byUrgency);
}

/** Every to-do item of the person, across all the funds they hold a role in. */
export async function todoFor(sql: Sql, actor: Actor, now: Date = new Date()): Promise<TodoItem[]> {
  if (actor.kind !== 'user') return [];
  const fundIds = [...new Set(actor.memberships.map((membership) => membership.fundId))];
  const lists = await Promise.all(fundIds.map((fundId) => todoForFund(sql, actor, fundId, now)));
  return lists.flat().sort(byUrgency);
}

async function applicationItems(
  sql: Sql,
  actor: User,
  fund: FundOfTodo,
  rows: readonly ApplicationStateRow[]
): Promise<TodoItem[]> {
  const deadlines = await voteDeadlines(sql, actor, fund, rows);
  return rows.flatMap((row) => {
    const office = officeItemsOf(actor, fund, row, deadlines.get(row.number) ?? null);
    const step = committeeStepOf(actor, fund, row);
    const serves = actor.memberships.some(
      (membership) =>
        membership.fundId === fund.fundId && membership.role === 'committee' && membership.compoundId === row.compoundId
    );
    return serves && step.todo !== null ? [...office, step.todo] : office;
  });
}

/**
 * The vote's last day of each application in review the person may vote on, when the policy it is
 * judged by sets a vote period; the calendar is read only if one does.
 */
async function voteDeadlines(
  sql: Sql,
  actor: User,
  fund: FundOfTodo,
  rows: readonly ApplicationStateRow[]
): Promise<Map<number, string>> {
  const deadlines = new Map<number, string>();
  const voting = rows.filter((row) => !row.voted && can(actor, 'application.vote', refOf(fund, row)).allowed);
  const periods = new Map<number, number | null>();
  const calendar: { loaded?: WorkingCalendar } = {};
  for (const row of voting) {
    const end = await voteEndsOn(
      sql,
      { fundId: fund.fundId, policyVersion: row.policyVersion, inReviewSince: row.since },
      {
        periods,
        calendar
      }
    );
    if (end !== null) deadlines.set(row.number, end);
  }
  return deadlines;
}

/**
 * The last day of the leaders' vote on an application in review since the given moment, when the
 * policy version it is judged by sets a vote period; else null. The to-do list and the
 * notifications both read it here. The cache lets a caller with many applications read each
 * policy version and the calendar once.
 */
export async function voteEndsOn(
  sql: Sql,
  input: { fundId: string; policyVersion: number | null; inReviewSince: Date },
  cache: { periods: Map<number, number | null>; calendar: { loaded?: WorkingCalendar } } = {
    periods: new Map(),
    calendar: {}
  }
): Promise<string | null> {
  if (input.policyVersion === null) return null;
  if (!cache.periods.has(input.policyVersion)) {
    const version = await policyVersion(sql, input.fundId, input.policyVersion);
    cache.periods.set(input.policyVersion, version?.policy.voteWorkingDays ?? null);
  }
  const voteWorkingDays = cache.periods.get(input.policyVersion) ?? null;
  if (voteWorkingDays === null) return null;
  cache.calendar.loaded ??= await loadCalendar(sql);
  const end = voteDeadline({ inReviewOn: chinaDateOf(input.inReviewSince), voteWorkingDays }, cache.calendar.loaded);
  return end?.endsOn ?? null;
}

/** Payouts waiting for a second approver (not the person who asked), and files to check. */
async function projectItems(
  sql: Sql,
  actor: User,
  fund: FundOfTodo,
  rows: readonly ApplicationStateRow[]
): Promise<TodoItem[]> {
  const byNumber = new Map(rows.map((row) => [row.number, row]));
  const [payouts, files] = await Promise.all([waitingPayouts(sql, fund.fundId), uncheckedFiles(sql, fund.fundId)]);
  const items: TodoItem[] = [];
  const payoutsByNumber = new Map<number, { count: number; since: Date }>();
  for (const payout of payouts) {
    const row = byNumber.get(payout.number);
    if (row === undefined || payout.requestedBy === actor.userId) continue;
    if (!can(actor, 'project.payout.approve', refOf(fund, row)).allowed) continue;
    const seen = payoutsByNumber.get(payout.number);
    payoutsByNumber.set(payout.number, {
      count: (seen?.count ?? 0) + 1,
      since: seen === undefined || payout.requestedAt < seen.since ? payout.requestedAt : seen.since
    });
  }
  for (const [number, waiting] of payoutsByNumber) {
    const row = byNumber.get(number);
    if (row === undefined) continue;
    const role = holdsRole(actor, fund.fundId, 'fund_admin') ? 'fund_admin' : 'leader';
    items.push(itemOf(actor, fund, row, { kind: 'payout_approve', role, target: 'payouts', ...waiting }));
  }
  for (const file of files) {
    const row = byNumber.get(file.number);
    if (row === undefined || !can(actor, 'attachment.privacy_check', refOf(fund, row)).allowed) continue;
    const role = holdsRole(actor, fund.fundId, 'fund_admin') ? 'fund_admin' : 'committee';
    items.push(
      itemOf(actor, fund, row, { kind: 'file_check', role, target: 'files', since: file.since, count: file.count })
    );
  }
  return items;
}

type FundItem = Pick<TodoItem, 'kind' | 'role' | 'since' | 'count' | 'month' | 'target'>;

/** An item about the fund as a whole (its books, or the office's pending work), not one application. */
function fundItemOf(actor: User, fund: FundOfTodo, item: FundItem): TodoItem {
  return {
    key: `${fund.slug}:${item.kind}`,
    fundSlug: fund.slug,
    fundNameZh: fund.nameZh,
    fundNameEn: fund.nameEn,
    number: null,
    title: null,
    compoundName: null,
    dueOn: null,
    ...item,
    target: item.target !== null && mayOpen(actor, item.target, fund.fundId, null) ? item.target : null
  };
}

/**
 * The needs before the office that nobody has triaged yet (raised online with enough supports, or
 * recorded by a committee), for the fund's administrator, who keeps every compound's list.
 */
async function needItems(sql: Sql, actor: User, fund: FundOfTodo): Promise<TodoItem[]> {
  if (!can(actor, 'need.spam', { fundId: fund.fundId }).allowed) return [];
  const waiting = await needsWaitingForTriage(sql, fund.fundId);
  if (waiting === null) return [];
  return [
    fundItemOf(actor, fund, {
      kind: 'need_triage',
      role: 'fund_admin',
      since: waiting.since,
      count: waiting.count,
      month: null,
      target: 'needs'
    })
  ];
}

/**
 * A project of the committee's compound whose acceptance check is recorded and whose policy
 * version asks for more residents' sign-offs than it has: the committee asks its representatives
 * (the final tranche waits for them). The count is how many sign-offs are still missing.
 */
async function signoffItems(
  sql: Sql,
  actor: User,
  fund: FundOfTodo,
  rows: readonly ApplicationStateRow[]
): Promise<TodoItem[]> {
  const serves = (row: ApplicationStateRow): boolean =>
    actor.memberships.some(
      (membership) =>
        membership.fundId === fund.fundId && membership.role === 'committee' && membership.compoundId === row.compoundId
    ) && can(actor, 'compound.households.manage', { fundId: fund.fundId, compoundId: row.compoundId }).allowed;
  const byNumber = new Map(rows.filter(serves).map((row) => [row.number, row]));
  if (byNumber.size === 0) return [];
  const required = new Map<number, number | null>();
  const items: TodoItem[] = [];
  for (const counted of await signoffCounts(sql, fund.fundId)) {
    const row = byNumber.get(counted.number);
    if (row === undefined || row.policyVersion === null) continue;
    if (!required.has(row.policyVersion)) {
      const version = await policyVersion(sql, fund.fundId, row.policyVersion);
      required.set(row.policyVersion, version?.policy.residentSignoffs ?? null);
    }
    const asked = required.get(row.policyVersion) ?? null;
    if (asked === null || counted.given >= asked) continue;
    items.push(
      itemOf(actor, fund, row, {
        kind: 'signoff_ask',
        role: 'committee',
        target: 'project',
        since: counted.recordedAt,
        count: asked - counted.given
      })
    );
  }
  return items;
}

/** Corrections to confirm (not one's own) and the oldest ended month not yet closed. */
async function booksItems(sql: Sql, actor: User, fund: FundOfTodo, now: Date): Promise<TodoItem[]> {
  const items: TodoItem[] = [];
  if (can(actor, 'books.correct.confirm', { fundId: fund.fundId }).allowed) {
    const waiting = (await waitingCorrections(sql, fund.fundId)).filter((row) => row.requestedBy !== actor.userId);
    const first = waiting[0];
    if (first !== undefined) {
      const role = holdsRole(actor, fund.fundId, 'fund_admin') ? 'fund_admin' : 'leader';
      items.push(
        fundItemOf(actor, fund, {
          kind: 'correction_confirm',
          role,
          since: first.requestedAt,
          count: waiting.length,
          month: null,
          target: 'corrections'
        })
      );
    }
  }
  if (can(actor, 'books.close_period', { fundId: fund.fundId }).allowed) {
    const view = await periodsView(sql, fund.fundId, now);
    const month = view.closable[0];
    if (month !== undefined) {
      // The month can be closed from the day after its last day, in China.
      const since = new Date(`${dayAfter(monthEndOf(month))}T00:00:00+08:00`);
      const count = view.closable.length;
      items.push(
        fundItemOf(actor, fund, { kind: 'month_close', role: 'fund_admin', since, count, month, target: 'periods' })
      );
    }
  }
  return items;
}

/**
 * The supervisor's read-only overview of what the fund office has pending: how many pre-checks,
 * open objections, payouts for a second approver and files to check wait, since the oldest, each
 * linked to the office's list. A supervisor who is also the administrator has them as their own.
 */
async function supervisorItems(
  sql: Sql,
  actor: User,
  fund: FundOfTodo,
  rows: readonly ApplicationStateRow[]
): Promise<TodoItem[]> {
  if (!holdsRole(actor, fund.fundId, 'supervisor') || holdsRole(actor, fund.fundId, 'fund_admin')) return [];
  const [payouts, files] = await Promise.all([waitingPayouts(sql, fund.fundId), uncheckedFiles(sql, fund.fundId)]);
  const submitted = rows.filter((row) => row.status === 'submitted');
  const objected = rows.filter((row) => row.status === 'approved' && row.objectionsOpen > 0);
  const pending: [FundItem['kind'], number, Date[], FundItem['target']][] = [
    ['watch_prechecks', submitted.length, submitted.map((row) => row.since), 'review_queue'],
    [
      'watch_objections',
      objected.reduce((sum, row) => sum + row.objectionsOpen, 0),
      objected.map((row) => row.objectionsSince ?? row.since),
      'review_queue'
    ],
    ['watch_payouts', payouts.length, payouts.map((payout) => payout.requestedAt), 'projects'],
    ['watch_files', files.reduce((sum, file) => sum + file.count, 0), files.map((file) => file.since), 'projects']
  ];
  return pending.flatMap(([kind, count, since, target]) => {
    const oldest = since.reduce<Date | null>((first, at) => (first === null || at < first ? at : first), null);
    if (count === 0 || oldest === null) return [];
    return [fundItemOf(actor, fund, { kind, role: 'supervisor', since: oldest, count, month: null, target })];
  });
}

/** The last day of a month given as YYYY-MM. */
function monthEndOf(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, monthNumber ?? 1, 0)).toISOString().slice(0, 10);
}

/** One application or project of a compound with its next step, for the compound's page. */
export interface CompoundStepItem {
  number: number;
  title: string;
  status: ApplicationStateRow['status'];
  /** The committee's next step, or what the application waits for. */
  step: CommitteeStep['step'];
  /** The step as a to-do item, when it is this person's to take. */
  todo: TodoItem | null;
  target: TodoTarget | null;
}

/**
 * Every application and project of one compound with its next step, through the same function as
 * the committee's to-do list (committeeStepOf), newest first. The caller has asked compound.read.
 */
export async function compoundSteps(
  sql: Sql,
  input: { actor: Actor; fundId: string; compoundId: string; now?: Date }
): Promise<CompoundStepItem[]> {
  const now = input.now ?? new Date();
  const fund = await fundOf(sql, input.fundId, now);
  if (fund === null) return [];
  const userId = input.actor.kind === 'user' ? input.actor.userId : '0';
  const rows = await applicationStates(sql, { fundId: input.fundId, userId, compoundId: input.compoundId });
  return rows
    .filter((row) => can(input.actor, 'application.read', refOf(fund, row)).allowed)
    .reverse()
    .map((row) => ({
      number: row.number,
      title: row.title,
      status: row.status,
      ...committeeStepOf(input.actor, fund, row)
    }));
}
