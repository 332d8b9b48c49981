/**
 * @gongjian/ledger: the pure accounting core of Gongjian.
 *
 * Nothing in this package performs I/O, reads the clock or draws random numbers, so the same
 * inputs always give the same outputs and the package runs unchanged in Node and in a browser.
 * This file is the whole public surface; everything else is internal.
 */

export { CNY, type Currency } from './currency.js';
export type { Ok, Rejection, Result } from './result.js';
export { LedgerAssertionError } from './checks/assert.js';
// The one rule for a calendar day (YYYY-MM-DD, a real day, years 1900 to 9999): the books use it,
// and so does every date a form or a URL brings to the server.
export { isDate } from './journal/limits.js';

// Money
export { Money, MoneyError, money, type MoneyParseCode } from './money/money.js';
export type { MoneyFormatOptions, MoneyLocale } from './money/format.js';
export { amountInWords, type AmountInWordsOptions } from './money/words.js';
export { allocate, ALLOCATION_PARTS_MAX, type AllocateCode, type Weight } from './money/allocate.js';
export { AMOUNT_INPUT_MAX, parseAmountInput, type AmountInputCode, type AmountInputOptions } from './money/input.js';
export { CHINA_OFFSET_MS, checkBookDate, chinaDateOf, type BookDateCode } from './money/days.js';

// Chart of accounts
export {
  exportNameOf,
  subAccountCode,
  type Account,
  type AccountFlags,
  type AccountKind,
  type AccountName,
  type Dimension,
  type Restriction,
  type Side
} from './chart/account.js';
export { ACCOUNTS, CHART_MINFEI_2026_DATA, type ChartAccountData, type ChartData } from './chart/minfei-2026.js';
export { CHART_MINFEI_2026, chartFromData, projectAccounts, type Chart, type ProjectAccounts } from './chart/chart.js';

// Decisions: loaded state and a command in, a typed rejection or the rows to write out.
export {
  decideClose,
  decideOpen,
  type CloseCode,
  type OpenCode,
  type OpenCommand,
  type OpenDecision
} from './chart/open.js';
export { decidePost, type EntryDecision, type PostCode, type PostState } from './journal/post.js';
export { checkOpenPeriod, type PeriodCode } from './journal/periods.js';
export {
  decideReverse,
  type ReverseCode,
  type ReverseCommand,
  type ReverseDecision,
  type ReverseState
} from './journal/reverse.js';
export {
  closingEntries,
  decideMonthClose,
  decideYearClose,
  isMonth,
  monthEnd,
  monthLabel,
  monthOf,
  nextMonth,
  nextMonthToClose,
  planRestrictionRelease,
  unrestrictedCounterpartOf,
  type ClosingEntry,
  type Month,
  type PeriodCloseCode,
  type PeriodCloseState,
  type RestrictedBalances
} from './journal/closing.js';
export {
  decideExpiry,
  decideHold,
  decideRelease,
  remainingOf,
  type Hold,
  type HoldCode,
  type HoldCommand,
  type HoldDecision,
  type HoldStatus,
  type HoldStatusCode
} from './journal/holds.js';
export { decideSettle, type SettleCode, type SettleCommand, type SettleDecision } from './journal/settle.js';
export { availableOf, balanceOf, type AccountState, type BalanceChange } from './journal/state.js';
export type {
  ChainHead,
  DecisionContext,
  Entry,
  EntryReferences,
  HashFunction,
  PostCommand,
  Posting,
  Settlement
} from './journal/types.js';

// The hash chain
export { canonicalBody, canonicalEntry } from './journal/canonical.js';
export { HASH_GENESIS, sha256Pure } from './journal/hash.js';
export { verifyChain, type ChainCode, type ChainVerdict, type VerifyChainOptions } from './journal/chain.js';
// The voucher number an entry shows: stored, or computed from its seq (记字第N号).
export { entryVoucherNumber, voucherNumberOf } from './journal/voucher.js';

// The in-memory books of one fund
export { Book, type BookContext, type BookOptions, type EntryIdCode } from './book.js';

// Matching
export {
  ROUNDING_DIRECTIONS,
  categoryPolicyOf,
  checkMatchPolicy,
  policyHasCategory,
  type MatchCategoryPolicy,
  type MatchPolicy,
  type MatchPolicyCode,
  type ReleaseMode,
  type RoundingDirection
} from './match/policy.js';
export {
  computeMatch,
  ratioShareOf,
  type MatchCode,
  type MatchDecision,
  type MatchLimit,
  type MatchRequest,
  type MatchStep
} from './match/compute.js';
export { matchFinal, matchReleasable, type MatchFinal } from './match/release.js';
export { explainMatch } from './match/explain.js';

// Grants: the application's life, the leadership vote, the notice period and owners' consent.
export {
  APPLICATION_EVENTS,
  APPLICATION_STATES,
  APPLICATION_TRANSITIONS,
  applicationEventsFrom,
  decideTransition,
  noticeIsRunning,
  type ApplicationCode,
  type ApplicationCompleteness,
  type ApplicationDecision,
  type ApplicationEvent,
  type ApplicationEventName,
  type ApplicationState,
  type ApplicationTransition
} from './grants/application.js';
export {
  VOTE_CHOICES,
  checkVotePolicy,
  decideVote,
  isConflicted,
  tallyVotes,
  type Vote,
  type VoteApplicant,
  type VoteChoice,
  type VoteCode,
  type VoteCounts,
  type VotePolicy,
  type VotePolicyCode,
  type VoteSeat,
  type VoteState,
  type VoteTally
} from './grants/vote.js';
export {
  WORKING_DAYS_MAX,
  addWorkingDays,
  dateAfterDays,
  isWeekend,
  isWorkingDay,
  workingCalendar,
  yearsUncoveredBetween,
  type CalendarYear,
  type WorkingCalendar,
  type WorkingDaysEnd
} from './grants/working-days.js';
export { voteDeadline } from './grants/vote-deadline.js';
export {
  VOTE_REMINDER_WORKING_DAYS,
  noticeObjectionsReminder,
  reminderIsDue,
  voteReminder,
  workingDayBefore,
  type Reminder
} from './grants/reminders.js';
export {
  GRANTED_STATES,
  GRANT_STATES,
  QUOTA_STATES,
  countsAgainstQuota,
  isGrantState,
  decideQuotaAtApproval,
  quotaLeft,
  quotaYearBounds,
  quotaYearOf,
  type GrantState,
  type QuotaCode
} from './grants/quota.js';
export { participationOf, type Participation } from './grants/participation.js';
export { CONCENTRATION_PLACES, concentrationOf, type Concentration } from './grants/concentration.js';
export {
  BUDGET_LINES_MAX,
  QUANTITY_MAX,
  budgetTotal,
  lineAmount,
  parseBudgetLines,
  parseQuantity,
  parseUnitPrice,
  selfRaiseShares,
  type BudgetCode,
  type BudgetLine,
  type BudgetLineCode,
  type BudgetLineInput,
  type QuantityCode,
  type ShareGroup,
  type UnitPriceCode
} from './grants/budget.js';
export {
  CALENDAR_HOLIDAYS_MAX,
  CALENDAR_LIST_LENGTH_MAX,
  CALENDAR_RANGE_DAYS_MAX,
  CALENDAR_YEAR_MAX,
  CALENDAR_YEAR_MIN,
  calendarListText,
  checkCalendarYear,
  type CalendarYearCode,
  type CalendarYearField,
  type CalendarYearInput,
  type CalendarYearProblem
} from './grants/calendar-year.js';
export {
  checkOwnersConsent,
  type OwnersConsent,
  type OwnersConsentCode,
  type OwnersConsentPolicy,
  type OwnersMeeting
} from './grants/owners-consent.js';

export {
  costForFinalMatch,
  decideExpense,
  decidePayout,
  decideSecondApproval,
  matchDueOf,
  acceptanceCompletion,
  payoutReleasable,
  planClosing,
  refundsOf,
  type AcceptanceCompletion,
  type ClosingCode,
  type ClosingFigures,
  type ClosingPlan,
  type ExpenseCode,
  type ExpenseSplit,
  type HouseholdPaid,
  type PayoutCode,
  type PayoutDecision,
  type PayoutPolicy,
  type PlannedEntry,
  type ProjectFigures,
  type Releasable,
  type ReleaseLimit,
  type SecondApprovalCode,
  type SpendingFigures,
  type SurplusMode
} from './grants/project.js';
export {
  decideSelfRaisedPayment,
  selfRaiseRemainingOf,
  decideSelfRaisedBatch,
  plannedSharesOf,
  shareStillDueOf,
  SELF_RAISE_BATCH_MAX,
  type SelfRaisedBatchCode,
  type SelfRaisedBatchLine,
  type SelfRaisedBatchLineCode,
  type SelfRaisedBatchLineRefusal,
  type SelfRaisedPaymentCode,
  type SelfRaisedPaymentCommand,
  type SelfRaisedPaymentFigures
} from './grants/self-raise.js';
export {
  revisionDiff,
  type FieldChange,
  type LineChange,
  type RevisionDiff,
  type RevisionSide
} from './grants/revision-diff.js';

// Reports
export type { Period } from './reports/totals.js';
export {
  trialBalance,
  trialBalanceOfTotals,
  type TrialBalance,
  type TrialBalanceRow
} from './reports/trial-balance.js';
export {
  statementOfActivities,
  statementOfFinancialPosition,
  type ActivityLine,
  type StatementLine,
  type StatementOfActivities,
  type StatementOfFinancialPosition
} from './reports/statements.js';
export { sourcesAndUses, type SourcesAndUses } from './reports/cash.js';
export {
  MINFEI_STATEMENT_FORMATS,
  type CashRuleData,
  type FormatLineData,
  type LineSource,
  type LineTerm
} from './chart/minfei-2024-statement-lines.js';
export { CASH_ACCOUNT_ROOTS, isCashAccount, movementKey, movementsOf, type Movement } from './reports/movements.js';
export {
  activitiesComparative,
  minfeiActivities,
  minfeiBalanceSheet,
  minfeiCashFlow,
  minfeiStatements,
  statementAmount,
  statementBoundaries,
  yearBefore,
  type FinancialStatement,
  type MinfeiStatements,
  type MinfeiStatementsInput,
  type StatementAccount,
  type StatementColumn,
  type StatementPeriod,
  type StatementRow
} from './reports/minfei-statements.js';
export {
  contributorStatement,
  generalLedger,
  type ContributorStatement,
  type GeneralLedger,
  type LedgerLine
} from './reports/ledger.js';
export { projectStatement, type ProjectStatement } from './reports/project.js';
export {
  accountBalances,
  accountLedger,
  compareAccountCodes,
  type AccountBalanceRow,
  type AccountBalances,
  type AccountLedger,
  type AccountLedgerLine,
  type AccountLedgerSum,
  type Balance,
  type BalanceDirection,
  type SidesTotal
} from './reports/account-books.js';

// Exports
export { toHledger, type ExportInput } from './export/hledger.js';
export { toBeancount } from './export/beancount.js';
export { entriesToCsv, toCsv } from './export/csv.js';

// Bank reconciliation (银行对账): statement lines, the balance check, the matcher, the 调节表.
export {
  BANK_TEXT_LENGTH_MAX,
  parseBankAmount,
  parseBankDate,
  parseBankLine,
  signedAmountOfLine,
  type BankCells,
  type BankDirection,
  type BankLine,
  type BankLineCode
} from './bank/lines.js';
export { bankLineFingerprints, checkBankBalances, type BankBalanceCode, type BankStatement } from './bank/statement.js';
export {
  BANK_MATCH_WINDOW_DAYS,
  counterpartySimilarity,
  matchBankLines,
  type BankMatchInput,
  type BankMatchItem,
  type BankMatchPair
} from './bank/match.js';
export {
  decideReconciled,
  reconciliationOf,
  type BankItem,
  type ReconciledCode,
  type Reconciliation,
  type ReconciliationInput
} from './bank/reconcile.js';
export { openingBalancesEntry } from './export/opening.js';
export { dayAfter, dayBefore } from './export/periods.js';
export {
  LIST_DELIVERIES,
  LIST_ITEM_ACTIONS,
  LIST_ITEM_STATUSES,
  NEED_ACTIONS,
  NEED_SOURCES,
  NEED_STATUSES,
  NEED_SUPPORTABLE,
  RESOURCE_KINDS,
  moveNeed,
  needActionsFrom,
  needAtOffice,
  listItemStatusOf,
  moveListItem,
  needActionForListItem,
  type ListDelivery,
  type ListItemAction,
  type ListItemMoveCode,
  type ListItemStatus,
  type NeedAction,
  type NeedMoveCode,
  type NeedSource,
  type NeedStatus,
  type ResourceKind
} from './grants/three-lists.js';
export {
  DELIBERATION_STAGES,
  deliberationStageOf,
  transitionStageOf,
  type DeliberationStage,
  type DeliberationStep
} from './grants/deliberation.js';
export {
  IN_KIND_STANDARD,
  inKindDisclosure,
  recognitionOf,
  type DisclosureLine,
  type InKindContribution,
  type Recognition
} from './grants/in-kind.js';
