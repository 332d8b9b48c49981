import type { Actor } from '../access/policy';
import type { Transaction } from '../db/client';
import { createDraftIn, saveDraftIn, submitApplicationIn } from '../grants/applications';
import { castVoteIn, precheckIn } from '../grants/review';

/*
 * The steps every demo grant takes, written once: a committee's application drafted step by step
 * and submitted, the office's pre-check, the leaders' votes. Each goes through the page's own use
 * case inside the seed's transaction, so the demo obeys every rule a person would.
 */

/** A use case's answer, which the seed expects to be yes: a refusal is a bug in the demo. */
export function demoOk(what: string, result: { ok: boolean; code?: string }): void {
  if (!result.ok) throw new Error(`demo seed: ${what} was refused (${result.code ?? 'unknown'})`);
}

export const demoUserIdOf = (actor: Actor): string => (actor.kind === 'user' ? actor.userId : '0');

/** A demo person as the policy sees them, from their memberships. */
export async function demoActorIn(transaction: Transaction, loginName: string): Promise<Actor> {
  const [user] = await transaction<{ id: string }[]>`select id::text as id from users where login_name = ${loginName}`;
  if (user === undefined) throw new Error(`demo seed: no user ${loginName}`);
  const memberships = await transaction<
    {
      fundId: string;
      role: 'fund_admin' | 'leader' | 'committee' | 'supervisor';
      unitId: string | null;
      compoundId: string | null;
    }[]
  >`
    select fund_id::text as "fundId", role, unit_id::text as "unitId", compound_id::text as "compoundId"
      from memberships where user_id = ${user.id}`;
  return {
    kind: 'user',
    userId: user.id,
    platformAdmin: false,
    memberships,
    totpEnrolled: false,
    fundsRequiringTotp: []
  };
}

/** The demo's three leaders, who make the quorum. */
export function demoLeadersIn(transaction: Transaction): Promise<Actor[]> {
  return Promise.all(['demo-leader', 'demo-leader2', 'demo-leader3'].map((login) => demoActorIn(transaction, login)));
}

/** What a committee puts in an application, step by step, as the pages would send it. */
export interface DemoApplication {
  compoundCode: string;
  /** The draft's idempotency key: a re-run of the seed finds the draft it made. */
  draftKey: string;
  basics: { title: string; category: string; description: string; location: string };
  lines: { item: string; quantity: string; unitPrice: string }[];
  selfRaiseTarget: string;
  householdsExpected: string;
  meeting: { date: string; total: string; present: string; agreeing: string };
}

interface Moment {
  fundId: string;
  now: Date;
}

/** Starts a draft and fills its first step, as its committee; answers its number. */
export async function startDemoDraftIn(
  transaction: Transaction,
  moment: Moment & { actor: Actor; application: Pick<DemoApplication, 'compoundCode' | 'draftKey' | 'basics'> }
): Promise<number> {
  const { actor, application } = moment;
  const [compound] = await transaction<{ id: string }[]>`
    select id::text as id from compounds where fund_id = ${moment.fundId} and code = ${application.compoundCode}`;
  if (compound === undefined) throw new Error(`demo seed: no compound ${application.compoundCode}`);
  const created = await createDraftIn(transaction, {
    fundId: moment.fundId,
    now: moment.now,
    ip: null,
    actor,
    compoundId: compound.id,
    idempotencyKey: application.draftKey
  });
  if (!created.ok) throw new Error(`demo seed: creating a draft was refused (${created.code})`);
  await saveDemoStepIn(transaction, {
    ...moment,
    number: created.number,
    draft: { step: 'basics', ...application.basics }
  });
  return created.number;
}

async function saveDemoStepIn(
  transaction: Transaction,
  moment: Moment & { actor: Actor; number: number; draft: Parameters<typeof saveDraftIn>[1]['draft'] }
): Promise<void> {
  const { fundId, now, actor, number, draft } = moment;
  demoOk(
    `saving step ${draft.step} of #${number}`,
    await saveDraftIn(transaction, { fundId, now, ip: null, actor, number, draft })
  );
}

/** Drafts, fills and submits an application as its committee; answers its number. */
export async function submitDemoApplicationIn(
  transaction: Transaction,
  moment: Moment & { actor: Actor; application: DemoApplication }
): Promise<number> {
  const { application } = moment;
  const number = await startDemoDraftIn(transaction, moment);
  const step = (draft: Parameters<typeof saveDraftIn>[1]['draft']) =>
    saveDemoStepIn(transaction, { ...moment, number, draft });
  await step({ step: 'budget', lines: application.lines });
  await step({
    step: 'selfraise',
    selfRaiseTarget: application.selfRaiseTarget,
    householdsExpected: application.householdsExpected
  });
  await step({
    step: 'meeting',
    meetingDate: application.meeting.date,
    householdsTotal: application.meeting.total,
    householdsPresent: application.meeting.present,
    householdsAgreeing: application.meeting.agreeing,
    minutes: null
  });
  demoOk(
    `submitting #${number}`,
    await submitApplicationIn(transaction, {
      fundId: moment.fundId,
      now: moment.now,
      ip: null,
      actor: moment.actor,
      number
    })
  );
  return number;
}

/** The office's pre-check of a submitted application. */
export async function precheckDemoIn(
  transaction: Transaction,
  moment: Moment & { admin: Actor; number: number; outcome: 'pass' | 'reject' | 'return'; comments: string }
): Promise<void> {
  const { admin, number, outcome, comments } = moment;
  demoOk(
    `pre-checking #${number}`,
    await precheckIn(transaction, {
      fundId: moment.fundId,
      now: moment.now,
      ip: null,
      actor: admin,
      number,
      outcome,
      comments
    })
  );
}

/** Each given leader votes to approve. */
export async function approveDemoIn(
  transaction: Transaction,
  moment: Moment & { leaders: readonly Actor[]; number: number }
): Promise<void> {
  for (const leader of moment.leaders) {
    demoOk(
      `a vote on #${moment.number}`,
      await castVoteIn(transaction, {
        fundId: moment.fundId,
        now: moment.now,
        ip: null,
        actor: leader,
        seatId: demoUserIdOf(leader),
        number: moment.number,
        choice: 'approve',
        reason: ''
      })
    );
  }
}
