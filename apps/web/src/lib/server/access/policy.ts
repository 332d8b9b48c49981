/**
 * Who may do what: the one authorization policy. Every load function, form action and endpoint
 * asks `can(actor, action, resource)` (through lib/server/access/guard.ts in routes, or directly in a use
 * case when the answer depends on rows it reads), and nothing else decides access. It is pure: the
 * actor and the resource are plain data, so the rules can be tested exhaustively without a server.
 */

import { GRANT_STATES, type ApplicationState } from '@gongjian/ledger';

export const FUND_ROLES = ['fund_admin', 'leader', 'committee', 'supervisor'] as const;
export type FundRole = (typeof FUND_ROLES)[number];

/** A role in one fund; a leadership member sits for a unit, a committee member serves a compound. */
export interface Membership {
  fundId: string;
  role: FundRole;
  unitId: string | null;
  compoundId: string | null;
}

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      platformAdmin: boolean;
      memberships: readonly Membership[];
      totpEnrolled: boolean;
      /** Funds whose administrator requires a second factor of leaders and administrators. */
      fundsRequiringTotp: readonly string[];
      /**
       * The funds of the regions (streets, counties) this person is a region officer of: they read
       * every fund of them as a supervisor does and write nothing (READ_ACTIONS). Absent means none.
       */
      regionFundIds?: readonly string[];
    };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** An application's state: the ledger's state machine names them (APPLICATION_STATES). */
export type ApplicationStatus = ApplicationState;

export interface FundRef {
  fundId: string;
}
export interface CompoundRef {
  fundId: string;
  compoundId: string;
}
export interface ApplicationRef {
  fundId: string;
  compoundId: string;
  /** The contributing unit that applies, when a unit rather than (or with) a compound applies. */
  applicantUnitId: string | null;
  status: ApplicationStatus;
}
export interface NoticeRef {
  fundId: string;
  /** Whether the notice period is running today; objections are taken only then. */
  noticeOpen: boolean;
}
export interface UserRef {
  userId: string;
  platformAdmin: boolean;
  /** Every fund in which the user holds a role; managing them needs rights in all of these. */
  fundIds: readonly string[];
}

/** Each action and the resource it is asked about. */
export interface Resources {
  /** The public side: fund pages, ledger, notices. */
  'public.read': null;
  /** One's own account: password, second factor, sign-out. */
  'account.use': null;
  /** The fund office's private pages. */
  'fund.read_private': FundRef;
  'fund.members.read': FundRef;
  /** Invitations, removing roles, requiring a second factor. */
  'fund.members.manage': FundRef;
  /** Disabling a user or issuing a password-reset link. */
  'user.manage': UserRef & FundRef;
  'compound.read': CompoundRef;
  /** The fund office home: balances, pledges and the registers, read-only. */
  'fund.office.read': FundRef;
  /** Fund set-up: the profile, the versioned policy, the unit and compound registers, money in. */
  'fund.office.manage': FundRef;
  /** Adding and editing the households of one compound: personal data, never public. */
  'compound.households.manage': CompoundRef;
  'application.create': CompoundRef;
  'application.read': ApplicationRef;
  'application.edit': ApplicationRef;
  'application.precheck': ApplicationRef;
  'application.vote': ApplicationRef;
  /** Withdrawing one's own compound's application before it is decided. */
  'application.withdraw': ApplicationRef;
  /** Filing an objection against an approved application while its notice is open: anyone may. */
  'objection.file': NoticeRef;
  /**
   * A seat on the fund's leadership group, asked by pages that show a leader what only a leader
   * sees (the vote's section, why they are recused); the vote and the confirmation have their own.
   */
  'fund.leadership.seat': FundRef;
  /** Dismissing or upholding an objection. */
  'objection.decide': FundRef;
  /** The public notice (公示) of an approved application. */
  'notice.read': FundRef;
  /** Setting up a new fund on this installation: the platform's business, not any one fund's. */
  'platform.funds.manage': null;
  /** Keeping the tree of counties and streets, attaching funds to streets, appointing region officers. */
  'platform.regions.manage': null;
  /** Entering a year's public holidays and make-up working days, which every fund's notices count by. */
  'platform.calendar.manage': null;
  /** The scheduler's last runs (the on-time steps of every fund): the platform's business. */
  'platform.schedule.read': null;
  /** An approved grant's project page: its money, spending, acceptance and close. */
  'project.read': ApplicationRef;
  /** Recording households' self-raised payments and printing their receipts. */
  'project.raise': ApplicationRef;
  /** Asking for a tranche of the match to be paid out. */
  'project.payout.request': ApplicationRef;
  /** The second approver of a payout above the policy's threshold (four eyes). */
  'project.payout.approve': ApplicationRef;
  /** Recording what the project spent, against its budget lines. */
  'project.expense': ApplicationRef;
  /** Recording the acceptance check (验收) with photos. */
  'project.accept.record': ApplicationRef;
  /** Confirming an acceptance check recorded by the fund office. */
  'project.accept.confirm': ApplicationRef;
  /** Issuing the households' one-time evaluation codes. */
  'project.evaluation.codes': ApplicationRef;
  /** Closing the project's books, or cancelling the grant. */
  'project.close': ApplicationRef;
  /** Marking a project's receipt, invoice or photo as checked for personal data, which publishes it. */
  'attachment.privacy_check': ApplicationRef;
  /** The books as an accountant reads them: 科目余额表, 明细账, bank reconciliation, contributors' statements. */
  'books.read': FundRef;
  /** Reversing a wrong entry (冲销) and posting its correction (更正). */
  'books.correct': FundRef;
  /** The second person who confirms a correction above the policy's four-eyes threshold. */
  'books.correct.confirm': FundRef;
  /** Closing a month or a year (结账), which locks its entries for good. */
  'books.close_period': FundRef;
  /** Importing bank statements and matching their lines to the books (银行对账). */
  'bank.reconcile': FundRef;
  /** The auditor's package: one archive of a period's books, statements, vouchers and files. */
  'books.audit_package': FundRef;
  /** The audit trail on screen: every recorded event of the fund, who did what, when and on what. */
  'audit.read': FundRef;
  /** Record a need on the residents' behalf (from paper, a residents' meeting, a home visit). */
  'need.record': CompoundRef;
  /** Triage a need of the compound: accept, merge or decline it, with a public reason. */
  'need.triage': CompoundRef;
  /** Mark an anonymous need as spam: the office alone, as for objections. */
  'need.spam': FundRef;
  /** Record what the co-building units offer, and what a resource has given. */
  'resource.manage': FundRef;
  /** Place an order on the project list, and record a direct delivery. */
  'list.manage': FundRef;
}

export type Action = keyof Resources;

export type DenyReason =
  | 'sign_in_required'
  | 'role_required'
  | 'second_factor_enrolment_required'
  | 'conflict_of_interest'
  | 'state_does_not_allow_it'
  | 'own_account_is_managed_elsewhere';

export type Decision = { allowed: true } | { allowed: false; reason: DenyReason };

const ALLOW: Decision = { allowed: true };
const deny = (reason: DenyReason): Decision => ({ allowed: false, reason });

type User = Extract<Actor, { kind: 'user' }>;

type Rule<A extends Action> = (user: User, resource: Resources[A]) => Decision;

const rules: { [A in Action]: Rule<A> } = {
  'public.read': () => ALLOW,
  'account.use': () => ALLOW,
  'fund.read_private': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'leader', 'supervisor']),
  'fund.members.read': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'supervisor']),
  'fund.members.manage': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  'user.manage': (user, target) => {
    if (target.userId === user.userId) return deny('own_account_is_managed_elsewhere');
    if (user.platformAdmin) return ALLOW;
    if (target.platformAdmin) return deny('role_required');
    // A fund administrator manages only people who have roles in no fund but theirs; otherwise
    // the administrator of one fund could take over a leader of another.
    const funds = new Set([target.fundId, ...target.fundIds]);
    for (const fundId of funds) {
      const decision = holds(user, fundId, ['fund_admin']);
      if (!decision.allowed) return decision;
    }
    return ALLOW;
  },
  'compound.read': (user, { fundId, compoundId }) =>
    servesCompound(user, fundId, compoundId) ? ALLOW : holds(user, fundId, ['fund_admin', 'leader', 'supervisor']),
  'fund.office.read': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'leader', 'supervisor']),
  // The supervisor watches and never keeps the books, so set-up belongs to the administrator alone.
  'fund.office.manage': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  // A committee knows its own households best; the administrator keeps every compound's register.
  'compound.households.manage': (user, { fundId, compoundId }) =>
    servesCompound(user, fundId, compoundId) ? ALLOW : holds(user, fundId, ['fund_admin']),
  'application.create': (user, { fundId, compoundId }) =>
    servesCompound(user, fundId, compoundId) ? ALLOW : deny('role_required'),
  'application.read': (user, application) => {
    if (servesCompound(user, application.fundId, application.compoundId)) return ALLOW;
    // A draft is the committee's work in progress; only the supervisor, who reads everything,
    // sees it before it is submitted.
    if (application.status === 'draft') return holds(user, application.fundId, ['supervisor']);
    return holds(user, application.fundId, ['fund_admin', 'leader', 'supervisor']);
  },
  'application.edit': (user, application) => {
    if (!servesCompound(user, application.fundId, application.compoundId)) return deny('role_required');
    return application.status === 'draft' || application.status === 'returned'
      ? ALLOW
      : deny('state_does_not_allow_it');
  },
  'application.precheck': (user, application) => {
    const decision = holds(user, application.fundId, ['fund_admin']);
    if (!decision.allowed) return decision;
    return application.status === 'submitted' ? ALLOW : deny('state_does_not_allow_it');
  },
  'application.vote': (user, application) => {
    const decision = holds(user, application.fundId, ['leader']);
    if (!decision.allowed) return decision;
    if (hasConflictOfInterest(user, application)) return deny('conflict_of_interest');
    return application.status === 'in_review' ? ALLOW : deny('state_does_not_allow_it');
  },
  'application.withdraw': (user, application) => {
    if (!servesCompound(user, application.fundId, application.compoundId)) return deny('role_required');
    return WITHDRAWABLE.includes(application.status) ? ALLOW : deny('state_does_not_allow_it');
  },
  'objection.file': (_user, notice) => objectionWindow(notice),
  'fund.leadership.seat': (user, { fundId }) => holds(user, fundId, ['leader']),
  'objection.decide': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  'notice.read': () => ALLOW,
  // A fund administrator acts inside one fund; creating a fund belongs to whoever runs the platform.
  'platform.funds.manage': (user) => (user.platformAdmin ? ALLOW : deny('role_required')),
  // The regions span funds, so they are the platform's business, as setting up a fund is.
  'platform.regions.manage': (user) => (user.platformAdmin ? ALLOW : deny('role_required')),
  // The calendar is the whole installation's, so no fund's administrator may change it.
  'platform.calendar.manage': (user) => (user.platformAdmin ? ALLOW : deny('role_required')),
  'platform.schedule.read': (user) => (user.platformAdmin ? ALLOW : deny('role_required')),
  'project.read': (user, project) => {
    const decision = servesCompound(user, project.fundId, project.compoundId)
      ? ALLOW
      : holds(user, project.fundId, ['fund_admin', 'leader', 'supervisor']);
    if (!decision.allowed) return decision;
    return GRANT_LIFE.includes(project.status) ? ALLOW : deny('state_does_not_allow_it');
  },
  // The committee collects the money at the doors; the office may record what was handed in there.
  'project.raise': (user, project) =>
    inState(committeeOrAdmin(user, project), project, ['approved', 'active', 'accepted']),
  'project.payout.request': (user, project) =>
    inState(holds(user, project.fundId, ['fund_admin']), project, ['active', 'accepted']),
  // The second pair of eyes is another administrator or a leadership member without a conflict.
  'project.payout.approve': (user, project) =>
    inState(unconflictedReviewer(user, project), project, ['active', 'accepted']),
  'project.expense': (user, project) => inState(committeeOrAdmin(user, project), project, ['active', 'accepted']),
  'project.accept.record': (user, project) => inState(holds(user, project.fundId, ['fund_admin']), project, ['active']),
  'project.accept.confirm': (user, project) => {
    const decision = holds(user, project.fundId, ['leader']);
    if (!decision.allowed) return decision;
    if (hasConflictOfInterest(user, project)) return deny('conflict_of_interest');
    return inState(ALLOW, project, ['active']);
  },
  'project.evaluation.codes': (user, project) =>
    inState(committeeOrAdmin(user, project), project, ['accepted', 'closed']),
  'project.close': (user, project) =>
    inState(holds(user, project.fundId, ['fund_admin']), project, ['approved', 'active', 'accepted']),
  // The committee took the receipts at the doors and knows whose names are on them; the
  // administrator keeps every compound's evidence. A file once public stays so, whatever the state.
  'attachment.privacy_check': (user, project) => inState(committeeOrAdmin(user, project), project, GRANT_LIFE),
  // The office keeps the books and the supervisor checks them; leaders and committees read the public side.
  'books.read': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'supervisor']),
  'books.correct': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  // As with a payout, the second pair of eyes is another administrator or a leadership member;
  // the use case makes sure it is not the person who asked.
  'books.correct.confirm': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'leader']),
  'books.close_period': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  'bank.reconcile': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  'books.audit_package': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'supervisor']),
  // The supervisor watches the office through the trail; the office reads it to answer for itself.
  'audit.read': (user, { fundId }) => holds(user, fundId, ['fund_admin', 'supervisor']),
  // The committee hears its residents first; the office keeps every compound's list.
  'need.record': (user, { fundId, compoundId }) =>
    servesCompound(user, fundId, compoundId) ? ALLOW : holds(user, fundId, ['fund_admin']),
  'need.triage': (user, { fundId, compoundId }) =>
    servesCompound(user, fundId, compoundId) ? ALLOW : holds(user, fundId, ['fund_admin']),
  'need.spam': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  'resource.manage': (user, { fundId }) => holds(user, fundId, ['fund_admin']),
  'list.manage': (user, { fundId }) => holds(user, fundId, ['fund_admin'])
};

/** The states of a grant's life after approval, in which it is a project with money of its own. */
const GRANT_LIFE: readonly ApplicationStatus[] = GRANT_STATES;

function inState(decision: Decision, project: ApplicationRef, states: readonly ApplicationStatus[]): Decision {
  if (!decision.allowed) return decision;
  return states.includes(project.status) ? ALLOW : deny('state_does_not_allow_it');
}

function committeeOrAdmin(user: User, project: ApplicationRef): Decision {
  return servesCompound(user, project.fundId, project.compoundId) ? ALLOW : holds(user, project.fundId, ['fund_admin']);
}

function unconflictedReviewer(user: User, project: ApplicationRef): Decision {
  if (holds(user, project.fundId, ['fund_admin']).allowed) return ALLOW;
  const decision = holds(user, project.fundId, ['leader']);
  if (!decision.allowed) return decision;
  return hasConflictOfInterest(user, project) ? deny('conflict_of_interest') : ALLOW;
}

/** Once leadership has decided, the committee can no longer take the application back. */
const WITHDRAWABLE: readonly ApplicationStatus[] = ['draft', 'submitted', 'in_review', 'returned'];

/** Residents object without an account, so only the notice period limits who may file. */
function objectionWindow(notice: NoticeRef): Decision {
  return notice.noticeOpen ? ALLOW : deny('state_does_not_allow_it');
}

/**
 * The actions that only read: a region officer may take exactly these in the funds of their region.
 * Every other action writes (or, as a leadership seat, acts for a unit), and the officer is refused
 * it; policy.test.ts goes through every action not listed here to prove it.
 */
export const READ_ACTIONS = [
  'public.read',
  'account.use',
  'notice.read',
  'fund.read_private',
  'fund.members.read',
  'fund.office.read',
  'compound.read',
  'application.read',
  'project.read',
  'books.read',
  'books.audit_package',
  'audit.read'
] as const satisfies readonly Action[];

function isReadAction(action: Action): boolean {
  return (READ_ACTIONS as readonly Action[]).includes(action);
}

/**
 * The user as the rules see them for this action: a region officer reads a fund of their region
 * as its supervisor would (who reads everything, drafts included, and writes nothing), so the read
 * rules need no case of their own. For any other action, or a fund outside the region, the user
 * is unchanged, so a write never sees the stand-in role.
 */
function asRegionOfficer<A extends Action>(user: User, action: A, resource: Resources[A]): User {
  const fundId = fundOf(resource);
  if (fundId === null || !isReadAction(action) || !(user.regionFundIds ?? []).includes(fundId)) return user;
  const supervisor: Membership = { fundId, role: 'supervisor', unitId: null, compoundId: null };
  return { ...user, memberships: [...user.memberships, supervisor] };
}

export function can<A extends Action>(actor: Actor, action: A, resource: Resources[A]): Decision {
  if (action === 'public.read' || action === 'notice.read') return ALLOW;
  // A resident objecting to a notice needs no account and no second factor: the notice is public.
  if (action === 'objection.file') return objectionWindow(resource as NoticeRef);
  if (actor.kind === 'anonymous') return deny('sign_in_required');
  const rule: Rule<A> = rules[action];
  const decision = rule(asRegionOfficer(actor, action, resource), resource);
  // The second-factor rule binds the person, not the role they happen to act in: a leadership
  // member who also serves on a committee, or a platform administrator who is also a fund's
  // administrator, must enrol before acting in that fund at all. A refusal for the state alone
  // means the role is held, so it is gated too: the command gate (guard.authorizeCommand) lets
  // such a refusal through to the use case, and it must not let an un-enrolled person through.
  const fundId = fundOf(resource);
  const roleHeld = decision.allowed || decision.reason === 'state_does_not_allow_it';
  if (roleHeld && fundId !== null && mustEnrolSecondFactor(actor, fundId)) {
    return deny('second_factor_enrolment_required');
  }
  return decision;
}

/** A role as a refusal names it: a role in the fund, or the platform's administrator. */
export type RoleThatMay = FundRole | 'platform_admin';

/**
 * Who could do this to this resource in a state that allows it, for a refusal that says who may
 * (the 403 page). It is found by asking the rules above with one stand-in person per role (a
 * committee member of the resource's own compound, a leader of no applying unit), so the answer
 * cannot drift from the rules. The platform administrator is named only where no role in the
 * fund may: elsewhere it acts as the fund's administrator, whom the answer names already.
 */
export function rolesThatMay<A extends Action>(action: A, resource: Resources[A]): RoleThatMay[] {
  const rule: Rule<A> = rules[action];
  const mayAct = (user: User) => {
    const decision = rule(user, resource);
    return decision.allowed || decision.reason === 'state_does_not_allow_it';
  };
  const fundId = fundOf(resource);
  const compoundId = resource !== null && 'compoundId' in resource ? resource.compoundId : null;
  const inFund = FUND_ROLES.filter(
    (role) =>
      fundId !== null &&
      mayAct(standIn(false, [{ fundId, role, unitId: null, compoundId: role === 'committee' ? compoundId : null }]))
  );
  if (inFund.length > 0) return inFund;
  return mayAct(standIn(true, [])) ? ['platform_admin'] : [];
}

function standIn(platformAdmin: boolean, memberships: Membership[]): User {
  return {
    kind: 'user',
    userId: 'stand-in',
    platformAdmin,
    memberships,
    totpEnrolled: true,
    fundsRequiringTotp: []
  };
}

function fundOf(resource: Resources[Action]): string | null {
  return resource === null ? null : resource.fundId;
}

/**
 * A leadership member may not vote on an application from a compound they also serve on the
 * committee of, or one that their own unit brings.
 */
export function hasConflictOfInterest(user: User, application: ApplicationRef): boolean {
  return user.memberships.some(
    (membership) =>
      membership.fundId === application.fundId &&
      ((membership.compoundId !== null && membership.compoundId === application.compoundId) ||
        (membership.unitId !== null && membership.unitId === application.applicantUnitId))
  );
}

/** The roles a session of this user is strict for: 12 hours absolute instead of 30 days sliding. */
export function needsStrictSession(user: {
  platformAdmin: boolean;
  memberships: readonly Membership[];
  regionFundIds?: readonly string[];
}): boolean {
  // A region officer reads private pages as a supervisor does, so their session is as strict.
  if ((user.regionFundIds ?? []).length > 0) return true;
  return user.platformAdmin || user.memberships.some((membership) => membership.role !== 'committee');
}

/** Whether the user must enrol a second factor before acting in this fund. */
export function mustEnrolSecondFactor(user: User, fundId: string): boolean {
  return (
    !user.totpEnrolled &&
    user.fundsRequiringTotp.includes(fundId) &&
    user.memberships.some(
      (membership) => membership.fundId === fundId && (membership.role === 'fund_admin' || membership.role === 'leader')
    )
  );
}

function servesCompound(user: User, fundId: string, compoundId: string): boolean {
  return user.memberships.some(
    (membership) =>
      membership.fundId === fundId && membership.role === 'committee' && membership.compoundId === compoundId
  );
}

/**
 * The user holds one of these roles in the fund. A platform administrator acts as every fund's
 * administrator and supervisor, but never takes a leadership seat or a committee's place: votes
 * and applications belong to the people the fund's members chose.
 */
function holds(user: User, fundId: string, roles: readonly FundRole[]): Decision {
  const asPlatformAdmin = user.platformAdmin && (roles.includes('fund_admin') || roles.includes('supervisor'));
  const held = asPlatformAdmin || user.memberships.some((m) => m.fundId === fundId && roles.includes(m.role));
  if (!held) return deny('role_required');
  if (mustEnrolSecondFactor(user, fundId)) return deny('second_factor_enrolment_required');
  return ALLOW;
}
