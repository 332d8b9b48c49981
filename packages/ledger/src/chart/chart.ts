import { assert } from '../checks/assert.js';
import { MESSAGES } from '../checks/messages.js';
import { ok, type Result } from '../result.js';
import { FLAGS_NONE, isAccountCode, normalSideOf, parentCodeOf, subAccountCode, type Account } from './account.js';
import { ACCOUNTS, CHART_MINFEI_2026_DATA, type ChartData } from './minfei-2026.js';

export type Chart = {
  readonly standard: ChartData['standard'];
  readonly accounts: readonly Account[];
};

/** Builds a chart from seed data; a parent must be listed before its sub-accounts. */
export function chartFromData(data: ChartData): Chart {
  const byCode = new Map<string, Account>();
  for (const item of data.accounts) {
    const parent = parentCodeOf(item.code);
    const parentAccount = parent === null ? undefined : byCode.get(parent);
    assert(isAccountCode(item.code) && !byCode.has(item.code), MESSAGES.chartInvalid);
    assert(parent === null || parentAccount?.kind === item.kind, MESSAGES.chartInvalid);
    byCode.set(item.code, {
      code: item.code,
      name: { zh: item.zh, en: item.en },
      kind: item.kind,
      normalSide: normalSideOf(item.kind),
      restriction: item.restriction ?? parentAccount?.restriction ?? null,
      flags: {
        ...FLAGS_NONE,
        mustNotGoNegative: item.mustNotGoNegative ?? false,
        availableMustNotGoNegative: item.availableMustNotGoNegative ?? false
      },
      parent
    });
  }
  return { standard: data.standard, accounts: [...byCode.values()] };
}

/** The default chart: 民间非营利组织会计制度 (财会〔2024〕25号, in force from 2026-01-01). */
export const CHART_MINFEI_2026: Chart = chartFromData(CHART_MINFEI_2026_DATA);

/** The accounts of one project, by the conventions of the event → entries table in the README. */
export type ProjectAccounts = {
  /** 1002.02.P-<id>: the project's bank sub-account, holding its match and self-raised money. */
  readonly funds: string;
  /** 2209.P-<id>: self-raised money the fund holds for the households until it is spent or refunded. */
  readonly selfRaised: string;
  /** 5101.P-<id>: the fund's own cost of the project, which is the match it spent. */
  readonly cost: string;
};

export function projectAccounts(projectId: string): Result<ProjectAccounts, 'account_code_must_be_well_formed'> {
  const funds = subAccountCode({ parent: ACCOUNTS.projectFunds, dimension: 'project', id: projectId });
  const selfRaised = subAccountCode({ parent: ACCOUNTS.payablesOther, dimension: 'project', id: projectId });
  const cost = subAccountCode({ parent: ACCOUNTS.costsProgramme, dimension: 'project', id: projectId });
  if (!funds.ok) return funds;
  if (!selfRaised.ok) return selfRaised;
  if (!cost.ok) return cost;
  return ok({ funds: funds.value, selfRaised: selfRaised.value, cost: cost.value });
}
