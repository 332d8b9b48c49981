import type { AccountKind, Restriction } from './account.js';

/**
 * Seed data: the default chart of accounts of a fund, shaped after 民间非营利组织会计制度 as revised
 * by 财会〔2024〕25号 (in force from 2026-01-01). Only the accounts a co-building fund uses are
 * listed; a fund may open more. Sub-accounts split bank deposits into the matching pool and the
 * project accounts, and income into restricted and unrestricted money, because the statement of
 * activities reports the two in separate columns.
 */
export type ChartAccountData = {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
  readonly kind: AccountKind;
  readonly restriction?: Restriction;
  readonly mustNotGoNegative?: boolean;
  readonly availableMustNotGoNegative?: boolean;
};

export type ChartData = {
  readonly standard: {
    readonly name: string;
    readonly revision: string;
    readonly effective: string;
  };
  readonly accounts: readonly ChartAccountData[];
};

export const CHART_MINFEI_2026_DATA = {
  standard: {
    name: '民间非营利组织会计制度',
    revision: '财会〔2024〕25号',
    effective: '2026-01-01'
  },
  accounts: [
    { code: '1001', zh: '现金', en: 'Cash', kind: 'asset', mustNotGoNegative: true },
    { code: '1002', zh: '银行存款', en: 'Bank deposits', kind: 'asset', mustNotGoNegative: true },
    {
      code: '1002.01',
      zh: '银行存款—基金池',
      en: 'Bank deposits: matching pool',
      kind: 'asset',
      mustNotGoNegative: true,
      availableMustNotGoNegative: true
    },
    {
      code: '1002.02',
      zh: '银行存款—项目资金',
      en: 'Bank deposits: project funds',
      kind: 'asset',
      mustNotGoNegative: true
    },
    { code: '2209', zh: '其他应付款', en: 'Other payables', kind: 'liability' },
    { code: '3101', zh: '非限定性净资产', en: 'Unrestricted net assets', kind: 'net_assets_unrestricted' },
    { code: '3102', zh: '限定性净资产', en: 'Restricted net assets', kind: 'net_assets_restricted' },
    { code: '4101', zh: '捐赠收入', en: 'Donation income', kind: 'income' },
    {
      code: '4101.01',
      zh: '捐赠收入—限定性收入',
      en: 'Donation income: restricted',
      kind: 'income',
      restriction: 'restricted'
    },
    {
      code: '4101.02',
      zh: '捐赠收入—非限定性收入',
      en: 'Donation income: unrestricted',
      kind: 'income',
      restriction: 'unrestricted'
    },
    { code: '4201', zh: '会费收入', en: 'Membership dues', kind: 'income', restriction: 'unrestricted' },
    { code: '4401', zh: '政府补助收入', en: 'Government subsidy income', kind: 'income' },
    {
      code: '4401.01',
      zh: '政府补助收入—限定性收入',
      en: 'Government subsidy income: restricted',
      kind: 'income',
      restriction: 'restricted'
    },
    {
      code: '4401.02',
      zh: '政府补助收入—非限定性收入',
      en: 'Government subsidy income: unrestricted',
      kind: 'income',
      restriction: 'unrestricted'
    },
    { code: '4601', zh: '投资收益', en: 'Investment income', kind: 'income', restriction: 'unrestricted' },
    { code: '4901', zh: '其他收入', en: 'Other income', kind: 'income', restriction: 'unrestricted' },
    { code: '5101', zh: '业务活动成本', en: 'Programme costs', kind: 'expense' },
    { code: '5201', zh: '管理费用', en: 'Administrative expenses', kind: 'expense' },
    { code: '5401', zh: '其他费用', en: 'Other expenses', kind: 'expense' }
  ]
} as const satisfies ChartData;

/** The codes the event → entries table relies on, named so that callers never spell them. */
export const ACCOUNTS = {
  cash: '1001',
  bank: '1002',
  pool: '1002.01',
  projectFunds: '1002.02',
  payablesOther: '2209',
  netAssetsUnrestricted: '3101',
  netAssetsRestricted: '3102',
  donationsRestricted: '4101.01',
  donationsUnrestricted: '4101.02',
  duesMembership: '4201',
  subsidiesRestricted: '4401.01',
  subsidiesUnrestricted: '4401.02',
  incomeInvestment: '4601',
  incomeOther: '4901',
  costsProgramme: '5101',
  expensesAdministrative: '5201',
  expensesOther: '5401'
} as const;
