import { localized } from '$lib/i18n';
import { accountRoles } from '$lib/server/people/account-view';
import { officerRegions } from '$lib/server/regions/admin';
import { roleName } from '$lib/server/people/account-messages';
import { countUserSessions } from '$lib/server/auth/session';
import { sql } from '$lib/server/platform/database';
import { requireUser } from '$lib/server/access/guard';
import { can, mustEnrolSecondFactor } from '$lib/server/access/policy';
import type { PageServerLoad } from './$types';

const NOTICES = ['password', 'totp'] as const;

interface AccountFund {
  slug: string;
  name: string;
  membersLink: boolean;
  officeLink: boolean;
  applicationsLink: boolean;
  reviewLink: boolean;
  roles: {
    key: string;
    role: string;
    unitName: string | null;
    compoundName: string | null;
    compoundId: string | null;
  }[];
}

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event);
  const { actor, locale } = event.locals;
  const roles = await accountRoles(sql(), user.id);
  // Links appear only where the policy would let the user through; the pages ask it again.
  const funds = new Map<string, AccountFund>();
  for (const role of roles) {
    let fund = funds.get(role.fundId);
    if (fund === undefined) {
      fund = {
        slug: role.fundSlug,
        name: localized(locale, role.fundName),
        membersLink: can(actor, 'fund.members.read', { fundId: role.fundId }).allowed,
        officeLink: can(actor, 'fund.office.read', { fundId: role.fundId }).allowed,
        applicationsLink: can(actor, 'fund.read_private', { fundId: role.fundId }).allowed,
        reviewLink: false,
        roles: []
      };
      funds.set(role.fundId, fund);
    }
    const compoundId = role.compoundId;
    // A committee member reaches the applications list through the compound they serve.
    if (role.role === 'committee' && compoundId !== null) {
      fund.applicationsLink ||= can(actor, 'application.create', { fundId: role.fundId, compoundId }).allowed;
    }
    // The review queue is open to every office reader, but only leaders and the administrator
    // act in it, so only they are pointed there.
    if (role.role === 'leader' || role.role === 'fund_admin') {
      fund.reviewLink ||= can(actor, 'fund.office.read', { fundId: role.fundId }).allowed;
    }
    fund.roles.push({
      key: `${role.role}:${role.unitName ?? ''}:${compoundId ?? ''}`,
      role: roleName(role.role),
      unitName: role.unitName,
      compoundName: role.compoundName,
      compoundId:
        compoundId !== null && can(actor, 'compound.read', { fundId: role.fundId, compoundId }).allowed
          ? compoundId
          : null
    });
  }
  const totpRequired =
    actor.kind === 'user' && [...funds.keys()].some((fundId) => mustEnrolSecondFactor(actor, fundId));
  const changed = event.url.searchParams.get('changed');
  return {
    displayName: user.displayName,
    loginName: user.loginName,
    platformAdmin: user.platformAdmin,
    platformFundsLink: can(actor, 'platform.funds.manage', null).allowed,
    platformCalendarLink: can(actor, 'platform.calendar.manage', null).allowed,
    platformScheduleLink: can(actor, 'platform.schedule.read', null).allowed,
    platformRegionsLink: can(actor, 'platform.regions.manage', null).allowed,
    // A region officer's regions, each fund linked to its office pages where the policy lets them read.
    regions: (await officerRegions(sql(), user.id)).map((region) => ({
      slug: region.slug,
      name: localized(locale, { zh: region.nameZh, en: region.nameEn }),
      funds: region.funds.map((fund) => ({
        slug: fund.slug,
        name: localized(locale, { zh: fund.nameZh, en: fund.nameEn }),
        officeLink: can(actor, 'fund.office.read', { fundId: fund.id }).allowed
      }))
    })),
    totpEnrolled: user.totpEnrolled,
    totpRequired,
    sessions: await countUserSessions(sql(), user.id, new Date()),
    funds: [...funds.values()],
    notice: NOTICES.find((notice) => notice === changed) ?? null,
    welcome: event.url.searchParams.has('welcome')
  };
};
