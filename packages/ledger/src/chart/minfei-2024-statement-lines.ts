/**
 * Data: the lines of the three statements of 民间非营利组织会计制度 and which accounts feed each.
 *
 * The line names and 行次 follow the formats 会民非01表 (资产负债表), 会民非02表 (业务活动表) and
 * 会民非03表 (现金流量表) as published with the 2004 制度 (财会〔2004〕7号), which the chart's revision
 * 财会〔2024〕25号 (in force from 2026-01-01) keeps in structure. The revised formats' own text could
 * not be obtained when this table was written, so a line the 2024 revision added or renamed is not
 * here yet; `version` says so, and a fund's printed statement names it.
 *
 * An account feeds the line whose prefix is the longest that matches its code (the account itself
 * or any of its sub-accounts). An account no prefix matches falls to the section's catch-all line,
 * so that the balance sheet still balances when a fund opens an account this table does not name.
 * Account codes are those of the 制度's chart (see minfei-2026.ts for the ones a fund opens).
 */

/** An account (and its sub-accounts) feeding a line; `sign` applies to its debit-minus-credit. */
export type LineSource = { readonly prefix: string; readonly sign: 1 | -1 };

/** Another line added into a total, with a sign. */
export type LineTerm = { readonly key: string; readonly sign: 1 | -1 };

export type FormatLineData = {
  readonly key: string;
  /** 行次, or null for a heading. */
  readonly row: number | null;
  readonly zh: string;
  readonly en: string;
  /** 0 for a section or total, 1 for an item, 2 for an item under another. */
  readonly level: 0 | 1 | 2;
  readonly sources?: readonly LineSource[];
  readonly sum?: readonly LineTerm[];
};

/** A cash flow rule: cash moved against an account (by prefix), netted, goes in or out. */
export type CashRuleData = { readonly prefix: string; readonly inflow: string; readonly outflow: string };

const item = (
  key: string,
  row: number,
  zh: string,
  en: string,
  sources: readonly LineSource[] = [],
  level: 1 | 2 = 1
) => ({ key, row, zh, en, level, sources }) as const satisfies FormatLineData;
const total = (key: string, row: number | null, zh: string, en: string, sum: readonly LineTerm[]) =>
  ({ key, row, zh, en, level: 0, sum }) as const satisfies FormatLineData;
const heading = (key: string, zh: string, en: string) => ({ key, row: null, zh, en, level: 0 }) as const;
const debit = (...prefixes: string[]): LineSource[] => prefixes.map((prefix) => ({ prefix, sign: 1 }));
const credit = (...prefixes: string[]): LineSource[] => prefixes.map((prefix) => ({ prefix, sign: -1 }));
const plus = (...keys: string[]): LineTerm[] => keys.map((key) => ({ key, sign: 1 }));

export const MINFEI_STATEMENT_FORMATS = {
  standard: '民间非营利组织会计制度',
  version:
    '财会〔2024〕25号; lines and 行次 as in the 2004 formats 会民非01–03表 (2024 revision text not yet compared)',
  balanceSheet: {
    code: '会民非01表',
    /** Where an asset or liability account that no line names is reported. */
    fallback: { asset: 'otherCurrentAssets', liability: 'otherCurrentLiabilities' },
    lines: [
      heading('assets', '资产', 'Assets'),
      heading('currentAssets', '流动资产：', 'Current assets:'),
      item('cash', 1, '货币资金', 'Cash and bank deposits', debit('1001', '1002', '1009')),
      item('shortTermInvestments', 2, '短期投资', 'Short-term investments', debit('1101', '1102')),
      item('receivables', 3, '应收款项', 'Receivables', debit('1111', '1121', '1122', '1131')),
      item('prepayments', 4, '预付账款', 'Prepayments', debit('1141')),
      item('inventories', 8, '存货', 'Inventories', debit('1201', '1202')),
      item('prepaidExpenses', 9, '待摊费用', 'Prepaid expenses', debit('1301')),
      item('longTermDebtCurrent', 15, '一年内到期的长期债权投资', 'Long-term debt investments due within a year'),
      item('otherCurrentAssets', 18, '其他流动资产', 'Other current assets'),
      total(
        'currentAssetsTotal',
        20,
        '流动资产合计',
        'Total current assets',
        plus(
          'cash',
          'shortTermInvestments',
          'receivables',
          'prepayments',
          'inventories',
          'prepaidExpenses',
          'longTermDebtCurrent',
          'otherCurrentAssets'
        )
      ),
      heading('longTermInvestments', '长期投资：', 'Long-term investments:'),
      item('longTermEquity', 21, '长期股权投资', 'Long-term equity investments', debit('1401')),
      item('longTermDebt', 24, '长期债权投资', 'Long-term debt investments', debit('1402', '1421')),
      total(
        'longTermInvestmentsTotal',
        30,
        '长期投资合计',
        'Total long-term investments',
        plus('longTermEquity', 'longTermDebt')
      ),
      heading('fixedAssets', '固定资产：', 'Fixed assets:'),
      item('fixedAssetsCost', 31, '固定资产原价', 'Fixed assets at cost', debit('1501')),
      item('depreciation', 32, '减：累计折旧', 'Less: accumulated depreciation', credit('1502')),
      total('fixedAssetsNet', 33, '固定资产净值', 'Fixed assets, net', [
        { key: 'fixedAssetsCost', sign: 1 },
        { key: 'depreciation', sign: -1 }
      ]),
      item('constructionInProgress', 34, '在建工程', 'Construction in progress', debit('1505')),
      item('culturalAssets', 35, '文物文化资产', 'Heritage assets', debit('1506')),
      item('fixedAssetsDisposal', 38, '固定资产清理', 'Fixed assets in disposal', debit('1509')),
      total(
        'fixedAssetsTotal',
        40,
        '固定资产合计',
        'Total fixed assets',
        plus('fixedAssetsNet', 'constructionInProgress', 'culturalAssets', 'fixedAssetsDisposal')
      ),
      heading('intangibleAssets', '无形资产：', 'Intangible assets:'),
      item('intangibles', 41, '无形资产', 'Intangible assets', debit('1601')),
      heading('entrustedAssetsHeading', '受托代理资产：', 'Assets held as agent:'),
      item('entrustedAssets', 51, '受托代理资产', 'Assets held as agent', debit('1701')),
      total(
        'assetsTotal',
        60,
        '资产总计',
        'Total assets',
        plus('currentAssetsTotal', 'longTermInvestmentsTotal', 'fixedAssetsTotal', 'intangibles', 'entrustedAssets')
      ),
      heading('liabilities', '负债和净资产', 'Liabilities and net assets'),
      heading('currentLiabilities', '流动负债：', 'Current liabilities:'),
      item('shortTermLoans', 61, '短期借款', 'Short-term borrowings', credit('2101')),
      item('payables', 62, '应付款项', 'Payables', credit('2201', '2202', '2209')),
      item('wages', 63, '应付工资', 'Wages payable', credit('2204')),
      item('taxes', 65, '应交税金', 'Taxes payable', credit('2206')),
      item('advances', 66, '预收账款', 'Advances received', credit('2203')),
      item('accrued', 71, '预提费用', 'Accrued expenses', credit('2301')),
      item('provisions', 72, '预计负债', 'Provisions', credit('2401')),
      item('longTermLiabilitiesCurrent', 74, '一年内到期的长期负债', 'Long-term liabilities due within a year'),
      item('otherCurrentLiabilities', 78, '其他流动负债', 'Other current liabilities'),
      total(
        'currentLiabilitiesTotal',
        80,
        '流动负债合计',
        'Total current liabilities',
        plus(
          'shortTermLoans',
          'payables',
          'wages',
          'taxes',
          'advances',
          'accrued',
          'provisions',
          'longTermLiabilitiesCurrent',
          'otherCurrentLiabilities'
        )
      ),
      heading('longTermLiabilities', '长期负债：', 'Long-term liabilities:'),
      item('longTermLoans', 81, '长期借款', 'Long-term borrowings', credit('2501')),
      item('longTermPayables', 84, '长期应付款', 'Long-term payables', credit('2502')),
      item('otherLongTermLiabilities', 88, '其他长期负债', 'Other long-term liabilities'),
      total(
        'longTermLiabilitiesTotal',
        90,
        '长期负债合计',
        'Total long-term liabilities',
        plus('longTermLoans', 'longTermPayables', 'otherLongTermLiabilities')
      ),
      heading('entrustedLiabilitiesHeading', '受托代理负债：', 'Liabilities held as agent:'),
      item('entrustedLiabilities', 91, '受托代理负债', 'Liabilities held as agent', credit('2601')),
      total(
        'liabilitiesTotal',
        100,
        '负债合计',
        'Total liabilities',
        plus('currentLiabilitiesTotal', 'longTermLiabilitiesTotal', 'entrustedLiabilities')
      ),
      heading('netAssets', '净资产：', 'Net assets:'),
      // Income and expenses not yet closed into net assets are added here by restriction (a virtual close).
      item('netAssetsUnrestricted', 101, '非限定性净资产', 'Unrestricted net assets', credit('3101')),
      item('netAssetsRestricted', 105, '限定性净资产', 'Restricted net assets', credit('3102')),
      total(
        'netAssetsTotal',
        110,
        '净资产合计',
        'Total net assets',
        plus('netAssetsUnrestricted', 'netAssetsRestricted')
      ),
      total(
        'liabilitiesAndNetAssetsTotal',
        120,
        '负债和净资产总计',
        'Total liabilities and net assets',
        plus('liabilitiesTotal', 'netAssetsTotal')
      )
    ]
  },
  activities: {
    code: '会民非02表',
    fallback: { income: 'otherIncome', expense: 'otherExpenses' },
    lines: [
      heading('income', '一、收入', 'I. Income'),
      item('donations', 1, '其中：捐赠收入', 'of which: donations', credit('4101')),
      item('dues', 2, '会费收入', 'Membership dues', credit('4201')),
      item('services', 3, '提供服务收入', 'Service income', credit('4301')),
      item('sales', 4, '商品销售收入', 'Sales of goods', credit('4501')),
      item('subsidies', 5, '政府补助收入', 'Government subsidies', credit('4401')),
      item('investmentIncome', 6, '投资收益', 'Investment income', credit('4601')),
      item('otherIncome', 9, '其他收入', 'Other income', credit('4901')),
      total(
        'incomeTotal',
        11,
        '收入合计',
        'Total income',
        plus('donations', 'dues', 'services', 'sales', 'subsidies', 'investmentIncome', 'otherIncome')
      ),
      heading('expenses', '二、费用', 'II. Expenses'),
      item('programme', 12, '（一）业务活动成本', '(1) Programme costs', debit('5101')),
      item('administrative', 21, '（二）管理费用', '(2) Administrative expenses', debit('5201')),
      item('fundraising', 24, '（三）筹资费用', '(3) Fundraising costs', debit('5301')),
      item('otherExpenses', 28, '（四）其他费用', '(4) Other expenses', debit('5401')),
      total(
        'expensesTotal',
        35,
        '费用合计',
        'Total expenses',
        plus('programme', 'administrative', 'fundraising', 'otherExpenses')
      ),
      // Computed from the release entries (Dr 3102 / Cr 3101) that are not closing entries.
      item(
        'released',
        40,
        '三、限定性净资产转为非限定性净资产',
        'III. Restricted net assets released to unrestricted',
        [],
        1
      ),
      total(
        'change',
        45,
        '四、净资产变动额（若为净资产减少额，以“-”号填列）',
        'IV. Change in net assets (a decrease with “-”)',
        [
          { key: 'incomeTotal', sign: 1 },
          { key: 'expensesTotal', sign: -1 },
          { key: 'released', sign: 1 }
        ]
      )
    ]
  },
  cashFlow: {
    code: '会民非03表',
    /** The accounts whose balances are cash: 现金, 银行存款 and 其他货币资金 with their sub-accounts. */
    cashAccounts: ['1001', '1002', '1009'],
    fallback: { inflow: 'otherOperatingIn', outflow: 'otherOperatingOut' },
    rules: [
      { prefix: '4101', inflow: 'donationsIn', outflow: 'otherOperatingOut' },
      { prefix: '4201', inflow: 'duesIn', outflow: 'otherOperatingOut' },
      { prefix: '4301', inflow: 'servicesIn', outflow: 'otherOperatingOut' },
      { prefix: '2203', inflow: 'servicesIn', outflow: 'otherOperatingOut' },
      { prefix: '4501', inflow: 'salesIn', outflow: 'otherOperatingOut' },
      { prefix: '4401', inflow: 'subsidiesIn', outflow: 'otherOperatingOut' },
      { prefix: '5101', inflow: 'otherOperatingIn', outflow: 'grantsOut' },
      { prefix: '2204', inflow: 'otherOperatingIn', outflow: 'staffOut' },
      { prefix: '1201', inflow: 'otherOperatingIn', outflow: 'purchasesOut' },
      { prefix: '2202', inflow: 'otherOperatingIn', outflow: 'purchasesOut' },
      { prefix: '1101', inflow: 'investmentsRecoveredIn', outflow: 'investmentsOut' },
      { prefix: '1401', inflow: 'investmentsRecoveredIn', outflow: 'investmentsOut' },
      { prefix: '1402', inflow: 'investmentsRecoveredIn', outflow: 'investmentsOut' },
      { prefix: '4601', inflow: 'investmentIncomeIn', outflow: 'otherInvestingOut' },
      { prefix: '1509', inflow: 'disposalsIn', outflow: 'otherInvestingOut' },
      { prefix: '1501', inflow: 'disposalsIn', outflow: 'fixedAssetsOut' },
      { prefix: '1505', inflow: 'otherInvestingIn', outflow: 'fixedAssetsOut' },
      { prefix: '1506', inflow: 'otherInvestingIn', outflow: 'fixedAssetsOut' },
      { prefix: '1601', inflow: 'disposalsIn', outflow: 'fixedAssetsOut' },
      { prefix: '2101', inflow: 'loansIn', outflow: 'loansRepaidOut' },
      { prefix: '2501', inflow: 'loansIn', outflow: 'loansRepaidOut' },
      { prefix: '5301', inflow: 'otherFinancingIn', outflow: 'interestOut' }
    ] satisfies readonly CashRuleData[],
    lines: [
      heading('operating', '一、业务活动产生的现金流量：', 'I. Cash flows from activities:'),
      item('donationsIn', 1, '接受捐赠收到的现金', 'Cash received from donations'),
      item('duesIn', 2, '收取会费收到的现金', 'Cash received from membership dues'),
      item('servicesIn', 3, '提供服务收到的现金', 'Cash received for services'),
      item('salesIn', 4, '销售商品收到的现金', 'Cash received from sales of goods'),
      item('subsidiesIn', 5, '政府补助收到的现金', 'Cash received from government subsidies'),
      item('otherOperatingIn', 8, '收到的其他与业务活动有关的现金', 'Other cash received for activities'),
      total(
        'operatingIn',
        13,
        '现金流入小计',
        'Cash inflows',
        plus('donationsIn', 'duesIn', 'servicesIn', 'salesIn', 'subsidiesIn', 'otherOperatingIn')
      ),
      item('grantsOut', 14, '提供捐赠或者资助支付的现金', 'Cash paid as donations or grants'),
      item('staffOut', 15, '支付给员工以及为员工支付的现金', 'Cash paid to and for staff'),
      item('purchasesOut', 16, '购买商品、接受服务支付的现金', 'Cash paid for goods and services'),
      item('otherOperatingOut', 19, '支付的其他与业务活动有关的现金', 'Other cash paid for activities'),
      total(
        'operatingOut',
        23,
        '现金流出小计',
        'Cash outflows',
        plus('grantsOut', 'staffOut', 'purchasesOut', 'otherOperatingOut')
      ),
      total('operatingNet', 24, '业务活动产生的现金流量净额', 'Net cash from activities', [
        { key: 'operatingIn', sign: 1 },
        { key: 'operatingOut', sign: -1 }
      ]),
      heading('investing', '二、投资活动产生的现金流量：', 'II. Cash flows from investing:'),
      item('investmentsRecoveredIn', 25, '收回投资所收到的现金', 'Cash received from investments recovered'),
      item('investmentIncomeIn', 26, '取得投资收益所收到的现金', 'Cash received as investment income'),
      item(
        'disposalsIn',
        27,
        '处置固定资产和无形资产所收回的现金',
        'Cash received from disposals of fixed and intangible assets'
      ),
      item('otherInvestingIn', 30, '收到的其他与投资活动有关的现金', 'Other cash received for investing'),
      total(
        'investingIn',
        34,
        '现金流入小计',
        'Cash inflows',
        plus('investmentsRecoveredIn', 'investmentIncomeIn', 'disposalsIn', 'otherInvestingIn')
      ),
      item('fixedAssetsOut', 35, '购建固定资产和无形资产所支付的现金', 'Cash paid for fixed and intangible assets'),
      item('investmentsOut', 36, '对外投资所支付的现金', 'Cash paid for investments'),
      item('otherInvestingOut', 39, '支付的其他与投资活动有关的现金', 'Other cash paid for investing'),
      total(
        'investingOut',
        43,
        '现金流出小计',
        'Cash outflows',
        plus('fixedAssetsOut', 'investmentsOut', 'otherInvestingOut')
      ),
      total('investingNet', 44, '投资活动产生的现金流量净额', 'Net cash from investing', [
        { key: 'investingIn', sign: 1 },
        { key: 'investingOut', sign: -1 }
      ]),
      heading('financing', '三、筹资活动产生的现金流量：', 'III. Cash flows from financing:'),
      item('loansIn', 45, '借款所收到的现金', 'Cash received from borrowings'),
      item('otherFinancingIn', 48, '收到的其他与筹资活动有关的现金', 'Other cash received for financing'),
      total('financingIn', 50, '现金流入小计', 'Cash inflows', plus('loansIn', 'otherFinancingIn')),
      item('loansRepaidOut', 51, '偿还借款所支付的现金', 'Cash paid to repay borrowings'),
      item('interestOut', 52, '偿付利息所支付的现金', 'Cash paid as interest'),
      item('otherFinancingOut', 55, '支付的其他与筹资活动有关的现金', 'Other cash paid for financing'),
      total(
        'financingOut',
        58,
        '现金流出小计',
        'Cash outflows',
        plus('loansRepaidOut', 'interestOut', 'otherFinancingOut')
      ),
      total('financingNet', 59, '筹资活动产生的现金流量净额', 'Net cash from financing', [
        { key: 'financingIn', sign: 1 },
        { key: 'financingOut', sign: -1 }
      ]),
      item('exchangeRate', 60, '四、汇率变动对现金的影响额', 'IV. Effect of exchange rates on cash'),
      total(
        'netIncrease',
        61,
        '五、现金及现金等价物净增加额',
        'V. Net increase in cash and cash equivalents',
        plus('operatingNet', 'investingNet', 'financingNet', 'exchangeRate')
      )
    ]
  }
} as const;
