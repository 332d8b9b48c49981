import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS,
  FUND_ROLES,
  READ_ACTIONS,
  can,
  hasConflictOfInterest,
  mustEnrolSecondFactor,
  needsStrictSession,
  rolesThatMay,
  type Action,
  type Actor,
  type ApplicationRef,
  type ApplicationStatus,
  type Decision,
  type FundRole,
  type Membership,
  type Resources
} from './policy';

type User = Extract<Actor, { kind: 'user' }>;

// One fund F with compounds A and B and contributing units U1 and U2, and another fund G.
const F = 'fund-f';
const G = 'fund-g';
const A = 'compound-a';
const B = 'compound-b';
const U1 = 'unit-1';
const U2 = 'unit-2';

const committee = (fundId: string, compoundId: string): Membership => ({
  fundId,
  role: 'committee',
  unitId: null,
  compoundId
});
const leader = (fundId: string, unitId: string): Membership => ({ fundId, role: 'leader', unitId, compoundId: null });
const plain = (fundId: string, role: 'fund_admin' | 'supervisor'): Membership => ({
  fundId,
  role,
  unitId: null,
  compoundId: null
});

function user(userId: string, memberships: Membership[], extra: Partial<User> = {}): User {
  return {
    kind: 'user',
    userId,
    platformAdmin: false,
    memberships,
    totpEnrolled: false,
    fundsRequiringTotp: [],
    ...extra
  };
}

const actors = {
  anonymous: ANONYMOUS,
  committeeA: user('committee-a', [committee(F, A)]),
  committeeB: user('committee-b', [committee(F, B)]),
  leader: user('leader', [leader(F, U1)]),
  leaderOnA: user('leader-on-a', [leader(F, U1), committee(F, A)]),
  fundAdmin: user('fund-admin', [plain(F, 'fund_admin')]),
  supervisor: user('supervisor', [plain(F, 'supervisor')]),
  platformAdmin: user('platform-admin', [], { platformAdmin: true }),
  otherFundAdmin: user('other-fund-admin', [plain(G, 'fund_admin')])
} satisfies Record<string, Actor>;

type ActorName = keyof typeof actors;
const ACTOR_NAMES = Object.keys(actors) as ActorName[];

const application = (compoundId: string, status: ApplicationStatus, applicantUnitId: string | null = U2) => ({
  fundId: F,
  compoundId,
  applicantUnitId,
  status
});

/** A plain committee member of F whom fund administrators may manage. */
const someone = { fundId: F, userId: 'someone', platformAdmin: false, fundIds: [F] };

/** One question to the policy: an action and the resource it is about. */
type Question = { [K in Action]: { action: K; resource: Resources[K] } }[Action];

function ask(actor: Actor, question: Question): Decision {
  // The union is correlated by construction; TypeScript cannot follow it through one call.
  return can(actor, question.action, question.resource as never);
}

function outcome(decision: Decision): string {
  return decision.allowed ? '+' : shortReason[decision.reason];
}

const shortReason = {
  sign_in_required: 's',
  role_required: '-',
  second_factor_enrolment_required: '2',
  conflict_of_interest: 'c',
  state_does_not_allow_it: 'x',
  own_account_is_managed_elsewhere: 'o'
} as const;

/*
 * The whole table. Each expectation has one letter per actor, in the order of `actors`:
 * anonymous, committee A, committee B, leader (U1), leader on A's committee, fund admin,
 * supervisor, platform admin, admin of another fund. '+' allowed, '-' role_required,
 * 's' sign_in_required, 'c' conflict_of_interest, 'x' state_does_not_allow_it.
 */
const table: [label: string, expected: string, question: Question][] = [
  ['public pages', '+++++++++', { action: 'public.read', resource: null }],
  ['own account', 's++++++++', { action: 'account.use', resource: null }],
  ['fund office pages', 's--+++++-', { action: 'fund.read_private', resource: { fundId: F } }],
  ['member list', 's----+++-', { action: 'fund.members.read', resource: { fundId: F } }],
  ['manage members', 's----+-+-', { action: 'fund.members.manage', resource: { fundId: F } }],
  ['manage a user of F only', 's----+-+-', { action: 'user.manage', resource: someone }],
  ['compound A', 's+-+++++-', { action: 'compound.read', resource: { fundId: F, compoundId: A } }],
  ['compound B', 's-++++++-', { action: 'compound.read', resource: { fundId: F, compoundId: B } }],
  ['fund office home', 's--+++++-', { action: 'fund.office.read', resource: { fundId: F } }],
  ['fund set-up', 's----+-+-', { action: 'fund.office.manage', resource: { fundId: F } }],
  ['households of A', 's+--++-+-', { action: 'compound.households.manage', resource: { fundId: F, compoundId: A } }],
  ['households of B', 's-+--+-+-', { action: 'compound.households.manage', resource: { fundId: F, compoundId: B } }],
  ['apply for A', 's+--+----', { action: 'application.create', resource: { fundId: F, compoundId: A } }],
  ['read a draft of A', 's+--+-++-', { action: 'application.read', resource: application(A, 'draft') }],
  ['read a submitted A', 's+-+++++-', { action: 'application.read', resource: application(A, 'submitted') }],
  ['read a submitted B', 's-++++++-', { action: 'application.read', resource: application(B, 'submitted') }],
  ['read an approved A', 's+-+++++-', { action: 'application.read', resource: application(A, 'approved') }],
  ['edit a draft of A', 's+--+----', { action: 'application.edit', resource: application(A, 'draft') }],
  ['edit a returned A', 's+--+----', { action: 'application.edit', resource: application(A, 'returned') }],
  ['edit a submitted A', 'sx--x----', { action: 'application.edit', resource: application(A, 'submitted') }],
  ['edit a draft of B', 's-+------', { action: 'application.edit', resource: application(B, 'draft') }],
  ['precheck a submitted A', 's----+-+-', { action: 'application.precheck', resource: application(A, 'submitted') }],
  ['precheck an A in review', 's----x-x-', { action: 'application.precheck', resource: application(A, 'in_review') }],
  ['vote on A (unit U2)', 's--+c----', { action: 'application.vote', resource: application(A, 'in_review') }],
  ['vote on B (unit U1)', 's--cc----', { action: 'application.vote', resource: application(B, 'in_review', U1) }],
  ['vote on B (no unit)', 's--++----', { action: 'application.vote', resource: application(B, 'in_review', null) }],
  ['vote on a submitted A', 's--xc----', { action: 'application.vote', resource: application(A, 'submitted') }],
  ['vote on an approved B', 's--xx----', { action: 'application.vote', resource: application(B, 'approved', null) }],
  ['withdraw a submitted A', 's+--+----', { action: 'application.withdraw', resource: application(A, 'submitted') }],
  ['withdraw an A in review', 's+--+----', { action: 'application.withdraw', resource: application(A, 'in_review') }],
  ['withdraw an approved A', 'sx--x----', { action: 'application.withdraw', resource: application(A, 'approved') }],
  ['withdraw a draft of B', 's-+------', { action: 'application.withdraw', resource: application(B, 'draft') }],
  ['object during the notice', '+++++++++', { action: 'objection.file', resource: { fundId: F, noticeOpen: true } }],
  ['object after the notice', 'xxxxxxxxx', { action: 'objection.file', resource: { fundId: F, noticeOpen: false } }],
  ['a seat on the leadership', 's--++----', { action: 'fund.leadership.seat', resource: { fundId: F } }],
  ['decide an objection', 's----+-+-', { action: 'objection.decide', resource: { fundId: F } }],
  ['read a notice', '+++++++++', { action: 'notice.read', resource: { fundId: F } }],
  ['set up a new fund', 's------+-', { action: 'platform.funds.manage', resource: null }],
  ['enter the working-day calendar', 's------+-', { action: 'platform.calendar.manage', resource: null }],
  ["read the scheduler's runs", 's------+-', { action: 'platform.schedule.read', resource: null }],
  ['keep the counties and streets', 's------+-', { action: 'platform.regions.manage', resource: null }],
  ['read project A (active)', 's+-+++++-', { action: 'project.read', resource: application(A, 'active') }],
  ['read A in review as a project', 'sx-xxxxx-', { action: 'project.read', resource: application(A, 'in_review') }],
  ['record a payment for A', 's+--++-+-', { action: 'project.raise', resource: application(A, 'active') }],
  ['record a payment for a closed A', 'sx--xx-x-', { action: 'project.raise', resource: application(A, 'closed') }],
  ['ask for a payout for A', 's----+-+-', { action: 'project.payout.request', resource: application(A, 'active') }],
  ['approve a payout for A', 's--+c+-+-', { action: 'project.payout.approve', resource: application(A, 'active') }],
  ['record an expense of A', 's+--++-+-', { action: 'project.expense', resource: application(A, 'accepted') }],
  ['record the check of A', 's----+-+-', { action: 'project.accept.record', resource: application(A, 'active') }],
  ['confirm the check of A', 's--+c----', { action: 'project.accept.confirm', resource: application(A, 'active') }],
  [
    'codes for an accepted A',
    's+--++-+-',
    { action: 'project.evaluation.codes', resource: application(A, 'accepted') }
  ],
  ['close an accepted A', 's----+-+-', { action: 'project.close', resource: application(A, 'accepted') }],
  ['close a closed A', 's----x-x-', { action: 'project.close', resource: application(A, 'closed') }],
  [
    'check a file of an active A for personal data',
    's+--++-+-',
    { action: 'attachment.privacy_check', resource: application(A, 'active') }
  ],
  [
    'check a file of a closed A for personal data',
    's+--++-+-',
    { action: 'attachment.privacy_check', resource: application(A, 'closed') }
  ],
  [
    'check a file of a submitted A for personal data',
    'sx--xx-x-',
    { action: 'attachment.privacy_check', resource: application(A, 'submitted') }
  ],
  ['read the trial balance and ledgers', 's----+++-', { action: 'books.read', resource: { fundId: F } }],
  ['reverse an entry', 's----+-+-', { action: 'books.correct', resource: { fundId: F } }],
  ['confirm a correction', 's--+++-+-', { action: 'books.correct.confirm', resource: { fundId: F } }],
  ['close a month', 's----+-+-', { action: 'books.close_period', resource: { fundId: F } }],
  ['reconcile the bank', 's----+-+-', { action: 'bank.reconcile', resource: { fundId: F } }],
  ["download the auditor's package", 's----+++-', { action: 'books.audit_package', resource: { fundId: F } }],
  ['read the audit trail', 's----+++-', { action: 'audit.read', resource: { fundId: F } }],
  ['record a need of A', 's+--++-+-', { action: 'need.record', resource: { fundId: F, compoundId: A } }],
  ['triage a need of A', 's+--++-+-', { action: 'need.triage', resource: { fundId: F, compoundId: A } }],
  ['triage a need of B', 's-+--+-+-', { action: 'need.triage', resource: { fundId: F, compoundId: B } }],
  ['mark a need as spam', 's----+-+-', { action: 'need.spam', resource: { fundId: F } }],
  ['record a resource', 's----+-+-', { action: 'resource.manage', resource: { fundId: F } }],
  ['place an order on the list', 's----+-+-', { action: 'list.manage', resource: { fundId: F } }]
];

describe('the role × action table', () => {
  it.each(table)('%s', (_label, expected, question) => {
    expect(ACTOR_NAMES.map((name) => outcome(ask(actors[name], question))).join('')).toBe(expected);
  });

  it('covers every action', () => {
    const covered = new Set(table.map(([, , question]) => question.action));
    const all: Record<Action, true> = {
      'public.read': true,
      'account.use': true,
      'fund.read_private': true,
      'fund.members.read': true,
      'fund.members.manage': true,
      'user.manage': true,
      'compound.read': true,
      'fund.office.read': true,
      'fund.office.manage': true,
      'compound.households.manage': true,
      'application.create': true,
      'application.read': true,
      'application.edit': true,
      'application.precheck': true,
      'application.vote': true,
      'application.withdraw': true,
      'objection.file': true,
      'fund.leadership.seat': true,
      'objection.decide': true,
      'notice.read': true,
      'platform.funds.manage': true,
      'platform.calendar.manage': true,
      'platform.schedule.read': true,
      'platform.regions.manage': true,
      'project.read': true,
      'project.raise': true,
      'project.payout.request': true,
      'project.payout.approve': true,
      'project.expense': true,
      'project.accept.record': true,
      'project.accept.confirm': true,
      'project.evaluation.codes': true,
      'project.close': true,
      'attachment.privacy_check': true,
      'books.read': true,
      'books.correct': true,
      'books.correct.confirm': true,
      'books.close_period': true,
      'bank.reconcile': true,
      'books.audit_package': true,
      'audit.read': true,
      'need.record': true,
      'need.triage': true,
      'need.spam': true,
      'resource.manage': true,
      'list.manage': true
    };
    expect([...covered].sort()).toEqual(Object.keys(all).sort());
  });

  it('gives every actor of fund F nothing private in fund G', () => {
    const inG: Question[] = [
      { action: 'fund.read_private', resource: { fundId: G } },
      { action: 'fund.members.read', resource: { fundId: G } },
      { action: 'fund.members.manage', resource: { fundId: G } },
      { action: 'fund.office.read', resource: { fundId: G } },
      { action: 'fund.office.manage', resource: { fundId: G } },
      { action: 'compound.households.manage', resource: { fundId: G, compoundId: A } },
      { action: 'compound.read', resource: { fundId: G, compoundId: A } },
      { action: 'application.read', resource: { ...application(A, 'submitted'), fundId: G } },
      { action: 'application.vote', resource: { ...application(A, 'in_review'), fundId: G } },
      { action: 'application.withdraw', resource: { ...application(A, 'submitted'), fundId: G } },
      { action: 'objection.decide', resource: { fundId: G } },
      { action: 'fund.leadership.seat', resource: { fundId: G } }
    ];
    for (const name of ['committeeA', 'leader', 'leaderOnA', 'fundAdmin', 'supervisor'] as const) {
      expect(inG.map((question) => outcome(ask(actors[name], question)))).toEqual(inG.map(() => '-'));
    }
  });
});

describe('a region officer', () => {
  // An officer of the street that holds fund F, and one of a street that holds only G.
  const officer = user('region-officer', [], { regionFundIds: [F] });
  const officerElsewhere = user('region-officer-g', [], { regionFundIds: [G] });
  const nobody = user('nobody', []);
  const isRead = (action: Action) => (READ_ACTIONS as readonly Action[]).includes(action);

  it.each(table)('%s: reads F as its supervisor does, and writes nothing', (_label, _expected, question) => {
    const decision = ask(officer, question);
    if (isRead(question.action)) {
      expect(outcome(decision)).toBe(outcome(ask(actors.supervisor, question)));
    } else {
      // Every write is refused exactly as it is refused to a person with no role at all.
      expect(outcome(decision)).toBe(outcome(ask(nobody, question)));
      if (question.action !== 'objection.file') expect(decision.allowed).toBe(false);
    }
  });

  it.each(table)('%s: reads nothing of F from another region', (_label, _expected, question) => {
    expect(outcome(ask(officerElsewhere, question))).toBe(outcome(ask(nobody, question)));
  });

  it('lists only actions the supervisor may take, and none the supervisor may not', () => {
    const supervisorMay = new Set(
      table.filter(([, , question]) => ask(actors.supervisor, question).allowed).map(([, , q]) => q.action)
    );
    for (const action of READ_ACTIONS) {
      if (action !== 'account.use' && action !== 'public.read' && action !== 'notice.read') {
        expect(supervisorMay.has(action)).toBe(true);
      }
    }
  });

  it('gets a strict session, as a supervisor does', () => {
    expect(needsStrictSession({ platformAdmin: false, memberships: [], regionFundIds: [F] })).toBe(true);
    expect(needsStrictSession({ platformAdmin: false, memberships: [], regionFundIds: [] })).toBe(false);
  });
});

describe('user.manage', () => {
  const admin = actors.fundAdmin;

  it('lets a fund administrator manage someone whose roles are all in their fund', () => {
    expect(can(admin, 'user.manage', someone)).toEqual({ allowed: true });
  });

  it('refuses someone who also holds a role in another fund, one’s own account, and a platform administrator', () => {
    expect(can(admin, 'user.manage', { ...someone, fundIds: [F, G] })).toEqual({
      allowed: false,
      reason: 'role_required'
    });
    expect(can(admin, 'user.manage', { ...someone, userId: admin.userId })).toEqual({
      allowed: false,
      reason: 'own_account_is_managed_elsewhere'
    });
    expect(can(admin, 'user.manage', { ...someone, platformAdmin: true })).toEqual({
      allowed: false,
      reason: 'role_required'
    });
  });

  it('lets a platform administrator manage anyone but themselves', () => {
    const platform = actors.platformAdmin;
    expect(can(platform, 'user.manage', { ...someone, fundIds: [F, G], platformAdmin: true })).toEqual({
      allowed: true
    });
    expect(can(platform, 'user.manage', { ...someone, userId: platform.userId })).toMatchObject({ allowed: false });
  });

  it('lets an administrator of both funds manage someone with roles in both', () => {
    const both = user('admin-of-both', [plain(F, 'fund_admin'), plain(G, 'fund_admin')]);
    expect(can(both, 'user.manage', { ...someone, fundIds: [F, G] })).toEqual({ allowed: true });
  });
});

describe('the second factor a fund requires', () => {
  const requiring = (actor: User, enrolled = false): User => ({
    ...actor,
    fundsRequiringTotp: [F],
    totpEnrolled: enrolled
  });
  const questions: Question[] = [
    { action: 'fund.read_private', resource: { fundId: F } },
    { action: 'compound.read', resource: { fundId: F, compoundId: A } },
    { action: 'application.read', resource: application(A, 'submitted') },
    { action: 'application.create', resource: { fundId: F, compoundId: A } },
    { action: 'application.vote', resource: application(B, 'in_review', null) },
    { action: 'fund.members.manage', resource: { fundId: F } }
  ];
  const outcomes = (actor: Actor) => questions.map((question) => outcome(ask(actor, question)));

  it('gates leaders and administrators until they enrol', () => {
    expect(mustEnrolSecondFactor(requiring(actors.leader), F)).toBe(true);
    expect(mustEnrolSecondFactor(requiring(actors.fundAdmin), F)).toBe(true);
    expect(outcomes(requiring(actors.leader))).toEqual(['2', '2', '2', '-', '2', '-']);
    expect(outcomes(requiring(actors.fundAdmin))).toEqual(['2', '2', '2', '-', '-', '2']);
    expect(outcomes(requiring(actors.leader, true))).toEqual(outcomes(actors.leader));
    expect(outcomes(requiring(actors.fundAdmin, true))).toEqual(outcomes(actors.fundAdmin));
  });

  it('gates a leader in every role they hold in the fund, the committee seat included', () => {
    expect(outcomes(requiring(actors.leaderOnA))).toEqual(['2', '2', '2', '2', '2', '-']);
  });

  it('never gates committee members or supervisors', () => {
    for (const actor of [actors.committeeA, actors.supervisor]) {
      expect(mustEnrolSecondFactor(requiring(actor), F)).toBe(false);
      expect(outcomes(requiring(actor))).toEqual(outcomes(actor));
    }
  });

  it('gates only in the fund that requires it, and never one’s own account', () => {
    const leaderOfBoth = requiring(user('leader-of-both', [leader(F, U1), leader(G, U1)]));
    expect(can(leaderOfBoth, 'fund.read_private', { fundId: G })).toEqual({ allowed: true });
    expect(can(leaderOfBoth, 'fund.read_private', { fundId: F })).toEqual({
      allowed: false,
      reason: 'second_factor_enrolment_required'
    });
    expect(can(leaderOfBoth, 'account.use', null)).toEqual({ allowed: true });
    expect(can(leaderOfBoth, 'public.read', null)).toEqual({ allowed: true });
  });
});

describe('needsStrictSession', () => {
  it('is strict for every role but the committee, and for platform administrators', () => {
    expect(needsStrictSession(actors.committeeA)).toBe(false);
    expect(needsStrictSession(user('nobody', []))).toBe(false);
    for (const name of ['leader', 'leaderOnA', 'fundAdmin', 'supervisor', 'platformAdmin', 'otherFundAdmin'] as const) {
      expect(needsStrictSession(actors[name])).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// General rules over random people. The id pools are small, so ids collide often and the
// interesting cases (serving the compound, sitting for the applicant unit) come up all the time.

const FUNDS = ['f1', 'f2', 'f3'];
const COMPOUNDS = ['c1', 'c2', 'c3'];
const UNITS = ['u1', 'u2', 'u3'];
const STATUSES: ApplicationStatus[] = [
  'draft',
  'submitted',
  'in_review',
  'returned',
  'rejected',
  'approved',
  'withdrawn'
];

const fundId = fc.constantFrom(...FUNDS);
const membershipArb: fc.Arbitrary<Membership> = fc
  .record({
    fundId,
    role: fc.constantFrom<FundRole>(...FUND_ROLES),
    unit: fc.constantFrom(...UNITS),
    compound: fc.constantFrom(...COMPOUNDS)
  })
  .map(({ fundId: fund, role, unit, compound }) => ({
    fundId: fund,
    role,
    unitId: role === 'leader' ? unit : null,
    compoundId: role === 'committee' ? compound : null
  }));

const userArb = (options: { platformAdmin?: fc.Arbitrary<boolean>; memberships?: fc.Arbitrary<Membership[]> } = {}) =>
  fc
    .record({
      userId: fc.constantFrom('p1', 'p2', 'p3'),
      platformAdmin: options.platformAdmin ?? fc.boolean(),
      memberships: options.memberships ?? fc.array(membershipArb, { maxLength: 5 }),
      totpEnrolled: fc.boolean(),
      fundsRequiringTotp: fc.subarray(FUNDS)
    })
    .map((fields): User => ({ kind: 'user', ...fields }));

const applicationArb: fc.Arbitrary<ApplicationRef> = fc.record({
  fundId,
  compoundId: fc.constantFrom(...COMPOUNDS),
  applicantUnitId: fc.option(fc.constantFrom(...UNITS), { nil: null }),
  status: fc.constantFrom(...STATUSES)
});

/** Every fund-scoped question, about fund `fund`. */
function fundQuestions(fund: string, app: Omit<ApplicationRef, 'fundId'>, target: { userId: string }): Question[] {
  const application: ApplicationRef = { ...app, fundId: fund };
  return [
    { action: 'fund.read_private', resource: { fundId: fund } },
    { action: 'fund.members.read', resource: { fundId: fund } },
    { action: 'fund.members.manage', resource: { fundId: fund } },
    { action: 'user.manage', resource: { fundId: fund, userId: target.userId, platformAdmin: false, fundIds: [fund] } },
    { action: 'compound.read', resource: { fundId: fund, compoundId: app.compoundId } },
    { action: 'application.create', resource: { fundId: fund, compoundId: app.compoundId } },
    { action: 'application.read', resource: application },
    { action: 'application.edit', resource: application },
    { action: 'application.precheck', resource: application },
    { action: 'application.vote', resource: application },
    { action: 'application.withdraw', resource: application },
    { action: 'objection.decide', resource: { fundId: fund } }
  ];
}

const serves = (actor: User, app: { fundId: string; compoundId: string }) =>
  actor.memberships.some((m) => m.fundId === app.fundId && m.role === 'committee' && m.compoundId === app.compoundId);
const holdsRole = (actor: User, fund: string, role: FundRole) =>
  actor.memberships.some((m) => m.fundId === fund && m.role === role);

describe('general rules', () => {
  it('a committee member never reads or edits an application of a compound they do not serve', () => {
    const committeeOnly = fc.array(
      membershipArb.filter((m) => m.role === 'committee'),
      { minLength: 1, maxLength: 4 }
    );
    fc.assert(
      fc.property(
        userArb({ platformAdmin: fc.constant(false), memberships: committeeOnly }),
        applicationArb,
        (actor, app) => {
          fc.pre(!serves(actor, app));
          expect(can(actor, 'application.read', app).allowed).toBe(false);
          expect(can(actor, 'application.edit', app).allowed).toBe(false);
          expect(can(actor, 'application.create', app).allowed).toBe(false);
          expect(can(actor, 'compound.read', app).allowed).toBe(false);
        }
      )
    );
  });

  it('nobody, whatever else they are, edits an application of a compound they do not serve', () => {
    fc.assert(
      fc.property(userArb(), applicationArb, (actor, app) => {
        fc.pre(!serves(actor, app));
        expect(can(actor, 'application.edit', app)).toEqual({ allowed: false, reason: 'role_required' });
        expect(can(actor, 'application.create', app)).toEqual({ allowed: false, reason: 'role_required' });
      })
    );
  });

  it('a user with no role in a fund is denied every non-public action of that fund', () => {
    fc.assert(
      fc.property(
        userArb({ platformAdmin: fc.constant(false) }),
        fundId,
        applicationArb,
        fc.constantFrom('p1', 'p2', 'p3', 'p4'),
        (actor, fund, app, targetId) => {
          const outsider: User = { ...actor, memberships: actor.memberships.filter((m) => m.fundId !== fund) };
          for (const question of fundQuestions(fund, app, { userId: targetId })) {
            expect(ask(outsider, question).allowed, question.action).toBe(false);
          }
        }
      )
    );
  });

  it('anonymous visitors are sent to sign in for every non-public action', () => {
    fc.assert(
      fc.property(fundId, applicationArb, (fund, app) => {
        for (const question of fundQuestions(fund, app, { userId: 'p1' })) {
          expect(ask(ANONYMOUS, question)).toEqual({ allowed: false, reason: 'sign_in_required' });
        }
      })
    );
  });

  it('a leader never votes where they have a conflict of interest', () => {
    fc.assert(
      fc.property(userArb(), applicationArb, (actor, app) => {
        if (hasConflictOfInterest(actor, app)) expect(can(actor, 'application.vote', app).allowed).toBe(false);
      })
    );
  });

  it('a leader of the applicant unit, or on the compound’s committee, is refused for the conflict', () => {
    const linked = userArb({ memberships: fc.array(membershipArb, { minLength: 1, maxLength: 5 }) }).chain((actor) =>
      fc.record({
        actor: fc.constant(actor),
        link: fc.constantFrom(...actor.memberships),
        compound: fc.constantFrom(...COMPOUNDS),
        unit: fc.option(fc.constantFrom(...UNITS), { nil: null })
      })
    );
    fc.assert(
      fc.property(linked, ({ actor, link, compound, unit }) => {
        fc.pre(link.unitId !== null || link.compoundId !== null);
        const app: ApplicationRef = {
          fundId: link.fundId,
          compoundId: link.compoundId ?? compound,
          applicantUnitId: link.unitId ?? unit,
          status: 'in_review'
        };
        // Entering a leader seat in the fund makes the conflict the reason (unless a second factor
        // must be enrolled first); the vote is refused either way.
        const leaderInFund: User = {
          ...actor,
          totpEnrolled: true,
          memberships: [
            ...actor.memberships,
            { fundId: link.fundId, role: 'leader', unitId: 'u-other', compoundId: null }
          ]
        };
        expect(hasConflictOfInterest(leaderInFund, app)).toBe(true);
        expect(can(leaderInFund, 'application.vote', app)).toEqual({ allowed: false, reason: 'conflict_of_interest' });
      })
    );
  });

  it('nobody but a leader of the fund votes, platform administrators included', () => {
    fc.assert(
      fc.property(userArb(), applicationArb, (actor, app) => {
        if (can(actor, 'application.vote', app).allowed) {
          expect(holdsRole(actor, app.fundId, 'leader')).toBe(true);
          expect(app.status).toBe('in_review');
        }
        if (!holdsRole(actor, app.fundId, 'leader')) {
          expect(can(actor, 'application.vote', app)).toEqual({ allowed: false, reason: 'role_required' });
        }
      })
    );
  });

  it('a leadership seat is held by the fund’s leaders alone, as a page used to check the memberships itself', () => {
    fc.assert(
      fc.property(userArb(), applicationArb, (actor, app) => {
        const seat = can(actor, 'fund.leadership.seat', { fundId: app.fundId });
        const leads = actor.memberships.some((item) => item.fundId === app.fundId && item.role === 'leader');
        // The one difference: a leader who must first enrol the fund's second factor is sent to do
        // so, as on every page of the fund, before any page asks whether they sit.
        const expected = !leads
          ? { allowed: false, reason: 'role_required' }
          : mustEnrolSecondFactor(actor, app.fundId)
            ? { allowed: false, reason: 'second_factor_enrolment_required' }
            : { allowed: true };
        expect(seat).toEqual(expected);
      })
    );
  });

  it('nobody but a platform administrator sets up a fund, whatever roles they hold', () => {
    fc.assert(
      fc.property(userArb(), (actor) => {
        const decision = can(actor, 'platform.funds.manage', null);
        expect(decision).toEqual(actor.platformAdmin ? { allowed: true } : { allowed: false, reason: 'role_required' });
      })
    );
  });

  it('a supervisor is denied every write action', () => {
    const supervisorIn = (fund: string) =>
      userArb({ platformAdmin: fc.constant(false) }).map((actor) => ({
        ...actor,
        memberships: [
          ...actor.memberships.filter((m) => m.fundId !== fund),
          { fundId: fund, role: 'supervisor' as const, unitId: null, compoundId: null }
        ]
      }));
    fc.assert(
      fc.property(
        fundId.chain((fund) => fc.tuple(fc.constant(fund), supervisorIn(fund))),
        applicationArb,
        fc.constantFrom('p1', 'p2', 'p3', 'p4'),
        ([fund, actor], app, targetId) => {
          const application = { ...app, fundId: fund };
          const writes: Question[] = [
            { action: 'fund.members.manage', resource: { fundId: fund } },
            {
              action: 'user.manage',
              resource: { fundId: fund, userId: targetId, platformAdmin: false, fundIds: [fund] }
            },
            { action: 'application.create', resource: application },
            { action: 'application.edit', resource: application },
            { action: 'application.precheck', resource: application },
            { action: 'application.vote', resource: application }
          ];
          for (const question of writes) expect(ask(actor, question).allowed, question.action).toBe(false);
        }
      )
    );
  });

  it('a draft is read only by the compound’s committee and the supervisor', () => {
    fc.assert(
      fc.property(userArb(), applicationArb, (actor, app) => {
        const draft: ApplicationRef = { ...app, status: 'draft' };
        const decision = can(actor, 'application.read', draft);
        // A platform administrator acts as every fund's supervisor.
        const readers = serves(actor, draft) || holdsRole(actor, draft.fundId, 'supervisor') || actor.platformAdmin;
        if (decision.allowed) expect(readers).toBe(true);
        if (readers && !mustEnrolSecondFactor(actor, draft.fundId)) expect(decision.allowed).toBe(true);
      })
    );
  });

  it('a required second factor gates exactly the leaders and administrators who have not enrolled', () => {
    fc.assert(
      fc.property(userArb(), fundId, applicationArb, (actor, fund, app) => {
        const gated = mustEnrolSecondFactor(actor, fund);
        const leadsOrAdministers = holdsRole(actor, fund, 'leader') || holdsRole(actor, fund, 'fund_admin');
        expect(gated).toBe(!actor.totpEnrolled && actor.fundsRequiringTotp.includes(fund) && leadsOrAdministers);
        for (const question of fundQuestions(fund, app, { userId: 'p4' })) {
          const decision = ask(actor, question);
          if (gated) expect(decision.allowed, question.action).toBe(false);
          else expect(decision).not.toEqual({ allowed: false, reason: 'second_factor_enrolment_required' });
        }
      })
    );
  });

  it('user.manage: never oneself, never a platform administrator unless one is, never beyond one’s funds', () => {
    fc.assert(
      fc.property(
        userArb(),
        fc.record({
          userId: fc.constantFrom('p1', 'p2', 'p3'),
          platformAdmin: fc.boolean(),
          fundIds: fc.subarray(FUNDS, { minLength: 1 })
        }),
        (actor, target) => {
          const resource = { ...target, fundId: target.fundIds[0] ?? 'f1' };
          const decision = can(actor, 'user.manage', resource);
          if (target.userId === actor.userId) {
            expect(decision).toEqual({ allowed: false, reason: 'own_account_is_managed_elsewhere' });
          }
          if (!actor.platformAdmin && target.platformAdmin) expect(decision.allowed).toBe(false);
          if (!actor.platformAdmin && target.fundIds.some((fund) => !holdsRole(actor, fund, 'fund_admin'))) {
            expect(decision.allowed).toBe(false);
          }
        }
      )
    );
  });
});

describe('who may: the roles a refusal names', () => {
  it('names the roles the rules allow, asked of the rules themselves', () => {
    expect(rolesThatMay('application.vote', application(A, 'in_review'))).toEqual(['leader']);
    // In any state: a vote on an approved application is the leaders' (the state is another refusal).
    expect(rolesThatMay('application.vote', application(A, 'approved'))).toEqual(['leader']);
    expect(rolesThatMay('application.precheck', application(A, 'submitted'))).toEqual(['fund_admin']);
    expect(rolesThatMay('application.edit', application(A, 'draft'))).toEqual(['committee']);
    expect(rolesThatMay('project.raise', application(A, 'active'))).toEqual(['fund_admin', 'committee']);
    expect(rolesThatMay('fund.office.read', { fundId: F })).toEqual(['fund_admin', 'leader', 'supervisor']);
    expect(rolesThatMay('platform.funds.manage', null)).toEqual(['platform_admin']);
  });

  it('names a role only if someone holding it alone is not refused for the role', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fundQuestions(F, application(A, 'in_review'), { userId: 'p4' })), (question) => {
        const roles = rolesThatMay(question.action, question.resource as never);
        for (const role of FUND_ROLES) {
          const holder = user('holder', [
            { fundId: F, role, unitId: null, compoundId: role === 'committee' ? A : null }
          ]);
          const decision = ask(holder, question);
          const mayAct = decision.allowed || decision.reason === 'state_does_not_allow_it';
          expect(roles.includes(role), `${question.action} ${role}`).toBe(mayAct);
        }
      })
    );
  });
});

describe('a refusal for the state alone', () => {
  it('still gates a leader who has not enrolled the second factor the fund requires', () => {
    const unenrolled = user('leader-on-a', [leader(F, U1), committee(F, A)], { fundsRequiringTotp: [F] });
    expect(can(unenrolled, 'application.edit', application(A, 'submitted'))).toEqual({
      allowed: false,
      reason: 'second_factor_enrolment_required'
    });
    const enrolled = { ...unenrolled, totpEnrolled: true };
    expect(can(enrolled, 'application.edit', application(A, 'submitted'))).toEqual({
      allowed: false,
      reason: 'state_does_not_allow_it'
    });
  });
});
