import { ROUNDING_DIRECTIONS, parseAmountInput } from '@gongjian/ledger';
import { m } from '$lib/paraglide/messages';
import {
  CATEGORIES_MAX,
  CATEGORY_KEY,
  VOTE_WORKING_DAYS_MAX,
  NEED_SUPPORTS_TO_OFFICE_DEFAULT,
  NEED_SUPPORTS_TO_OFFICE_MAX,
  RESIDENT_SIGNOFFS_MAX,
  fundPolicyToJson,
  parseFundPolicy,
  type FundPolicy
} from '$lib/server/fund/fund-policy';
import { policyRefusalMessage } from '$lib/server/fund/policy-refusals';

/**
 * The policy form as flat text fields (a browser without JavaScript posts nothing else), to and
 * from the policy's JSON form. Every field is checked before the policy's own checks run, so a
 * form with several mistakes shows them all at once.
 */

/** Empty category rows offered below the existing ones, for adding without JavaScript. */
export const EXTRA_CATEGORY_ROWS = 3;

export interface CategoryRowValues {
  key: string;
  zh: string;
  en: string;
  ratio: string;
  cap: string;
}

export interface PolicyFormValues {
  ratioDefault: string;
  capPerProject: string;
  capPerCompoundPerYear: string;
  selfRaisedShareMin: string;
  roundingUnit: string;
  /** 'down' (向下取整) or 'half_up' (四舍五入). */
  roundingDirection: string;
  bandMin: string;
  bandMax: string;
  releaseMode: string;
  noticeWorkingDays: string;
  quorum: string;
  majority: string;
  presentShareMin: string;
  agreeShareMin: string;
  secondApproverAbove: string;
  holdBackShare: string;
  /** Empty for no minimum participation before a payout. */
  participationMin: string;
  /** Empty for no vote period (no deadline shown to the leadership group). */
  voteWorkingDays: string;
  needSupportsToOffice: string;
  /** Empty when no sign-off by resident representatives is asked. */
  residentSignoffs: string;
  note: string;
  categories: CategoryRowValues[];
}

type TopField = Exclude<keyof PolicyFormValues, 'categories'>;

const RATIO_FIELDS = [
  'ratioDefault',
  'selfRaisedShareMin',
  'bandMin',
  'bandMax',
  'majority',
  'presentShareMin',
  'agreeShareMin',
  'holdBackShare'
] as const satisfies readonly TopField[];
const AMOUNT_FIELDS = ['roundingUnit', 'secondApproverAbove'] as const satisfies readonly TopField[];
const OPTIONAL_AMOUNT_FIELDS = ['capPerProject', 'capPerCompoundPerYear'] as const satisfies readonly TopField[];
const OPTIONAL_RATIO_FIELDS = ['participationMin'] as const satisfies readonly TopField[];
const TOP_FIELDS: readonly TopField[] = [
  ...RATIO_FIELDS,
  ...OPTIONAL_RATIO_FIELDS,
  ...AMOUNT_FIELDS,
  ...OPTIONAL_AMOUNT_FIELDS,
  'releaseMode',
  'roundingDirection',
  'noticeWorkingDays',
  'quorum',
  'voteWorkingDays',
  'needSupportsToOffice',
  'residentSignoffs',
  'note'
];

const RATIO = /^(0(\.[0-9]{1,8})?|1(\.0{1,8})?|\.[0-9]{1,8})$/;

/** The form's field name of a category row's column. */
export const categoryField = (column: keyof CategoryRowValues, row: number): string => `cat-${column}-${row}`;

export function valuesOfPolicy(policy: FundPolicy | null): PolicyFormValues {
  if (policy === null) {
    return {
      ratioDefault: '0.6',
      capPerProject: '',
      capPerCompoundPerYear: '',
      selfRaisedShareMin: '0.2',
      roundingUnit: '1.00',
      roundingDirection: 'down',
      bandMin: '0.3',
      bandMax: '0.8',
      releaseMode: 'proportional',
      noticeWorkingDays: '5',
      quorum: '3',
      majority: '0.5',
      presentShareMin: '0.5',
      agreeShareMin: '0.5',
      secondApproverAbove: '10000.00',
      holdBackShare: '0.5',
      participationMin: '',
      voteWorkingDays: '',
      needSupportsToOffice: String(NEED_SUPPORTS_TO_OFFICE_DEFAULT),
      residentSignoffs: '',
      note: '',
      categories: []
    };
  }
  const json = fundPolicyToJson(policy);
  return {
    ratioDefault: json.match.ratioDefault,
    capPerProject: json.match.capPerProject ?? '',
    capPerCompoundPerYear: json.match.capPerCompoundPerYear ?? '',
    selfRaisedShareMin: json.match.selfRaisedShareMin,
    roundingUnit: json.match.roundingUnit,
    roundingDirection: json.match.roundingDirection ?? 'down',
    bandMin: json.match.overrideBand.ratioMin,
    bandMax: json.match.overrideBand.ratioMax,
    releaseMode: json.match.releaseMode,
    noticeWorkingDays: String(json.noticeWorkingDays),
    quorum: String(json.vote.quorum),
    majority: json.vote.majority,
    presentShareMin: json.ownersConsent.presentShareMin,
    agreeShareMin: json.ownersConsent.agreeShareMin,
    secondApproverAbove: json.secondApproverAbove,
    holdBackShare: json.holdBackShare,
    participationMin: json.participationMin ?? '',
    voteWorkingDays:
      json.voteWorkingDays === undefined || json.voteWorkingDays === null ? '' : String(json.voteWorkingDays),
    needSupportsToOffice: String(json.needSupportsToOffice ?? NEED_SUPPORTS_TO_OFFICE_DEFAULT),
    residentSignoffs:
      json.residentSignoffs === undefined || json.residentSignoffs === null ? '' : String(json.residentSignoffs),
    note: '',
    categories: Object.entries(json.match.categories).map(([key, category]) => ({
      key,
      zh: json.categoryLabels[key]?.zh ?? '',
      en: json.categoryLabels[key]?.en ?? '',
      ratio: category.ratio ?? '',
      cap: category.capPerProject ?? ''
    }))
  };
}

/** What was typed, trimmed and cut to a sane length, for checking and for echoing back. */
export function valuesOfForm(form: Record<string, FormDataEntryValue>): PolicyFormValues {
  const text = (name: string, max = 40) => {
    const value = form[name];
    return typeof value === 'string' ? value.trim().slice(0, max) : '';
  };
  const categories: CategoryRowValues[] = [];
  for (let row = 0; row < CATEGORIES_MAX + EXTRA_CATEGORY_ROWS; row += 1) {
    if (!(categoryField('key', row) in form)) break;
    categories.push({
      key: text(categoryField('key', row)),
      zh: text(categoryField('zh', row)),
      en: text(categoryField('en', row)),
      ratio: text(categoryField('ratio', row)),
      cap: text(categoryField('cap', row))
    });
  }
  const values = Object.fromEntries(TOP_FIELDS.map((field) => [field, text(field, field === 'note' ? 600 : 40)]));
  return { ...(values as Record<TopField, string>), categories };
}

/**
 * An amount as typed, read by the ledger's one rule for typed amounts (parseAmountInput, so
 * "30,000" reads here as on every money form), in the policy's JSON form ("30000.00"); null when
 * it is not an amount.
 */
const policyAmount = (text: string): string | null => {
  const parsed = parseAmountInput(text, { zero: 'allowed' });
  return parsed.ok ? parsed.value.toString() : null;
};
/** The amount of a field that passed the checks above. */
const plainAmount = (text: string): string => policyAmount(text) ?? text;
/** A ratio as typed; ".6" reads as "0.6". */
const plainRatio = (text: string) => (text.startsWith('.') ? `0${text}` : text);

export type PolicyFromForm = { ok: true; policy: FundPolicy } | { ok: false; errors: Record<string, string> };

/** A category row with anything typed in it, and its row on the form. */
type FilledRow = { row: CategoryRowValues; index: number };

/** A whole number of one or two digits as typed; 0 when it is not one. */
const smallNumber = (text: string): number => (/^[0-9]{1,2}$/.test(text) ? Number(text) : 0);

const roundingDirectionOf = (text: string) => ROUNDING_DIRECTIONS.find((direction) => direction === text);

export function policyFromValues(values: PolicyFormValues): PolicyFromForm {
  const rows = values.categories
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => Object.values(row).some((value) => value !== ''));
  const errors = { ...topFieldErrors(values), ...categoryErrors(rows) };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const parsed = parseFundPolicy(policyJsonOf(values, rows));
  if (parsed.ok) return { ok: true, policy: parsed.value };
  const rowOf = (key: string | undefined) => rows.find(({ row }) => row.key === key)?.index ?? 0;
  const { field, message } = policyRefusalMessage(parsed, formFieldOf(parsed.field, rowOf));
  return { ok: false, errors: { [field]: message } };
}

/** What is wrong with the fields above the categories, each checked before the policy's own checks. */
function topFieldErrors(values: PolicyFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of RATIO_FIELDS) {
    if (!RATIO.test(values[field])) errors[field] = m.policy_error_ratio();
  }
  for (const field of AMOUNT_FIELDS) {
    if (policyAmount(values[field]) === null) errors[field] = m.policy_error_amount();
  }
  for (const field of OPTIONAL_AMOUNT_FIELDS) {
    if (values[field] !== '' && policyAmount(values[field]) === null) errors[field] = m.policy_error_amount();
  }
  for (const field of OPTIONAL_RATIO_FIELDS) {
    if (values[field] !== '' && !RATIO.test(values[field])) errors[field] = m.policy_error_ratio();
  }
  if (values.releaseMode !== 'proportional' && values.releaseMode !== 'all_when_target_met') {
    errors['releaseMode'] = m.policy_error_release_mode();
  }
  if (roundingDirectionOf(values.roundingDirection) === undefined) {
    errors['roundingDirection'] = m.policy_error_rounding_direction();
  }
  const days = smallNumber(values.noticeWorkingDays);
  if (days < 1 || days > 30) errors['noticeWorkingDays'] = m.policy_error_days();
  if (smallNumber(values.quorum) < 1) errors['quorum'] = m.policy_error_quorum();
  const voteDays = smallNumber(values.voteWorkingDays);
  if (values.voteWorkingDays !== '' && (voteDays < 1 || voteDays > VOTE_WORKING_DAYS_MAX)) {
    errors['voteWorkingDays'] = m.todo_policy_error_vote_days({ max: String(VOTE_WORKING_DAYS_MAX) });
  }
  const supports = smallNumber(values.needSupportsToOffice);
  if (supports < 1 || supports > NEED_SUPPORTS_TO_OFFICE_MAX) {
    errors['needSupportsToOffice'] = m.lists_policy_error_supports({ max: String(NEED_SUPPORTS_TO_OFFICE_MAX) });
  }
  const signoffs = smallNumber(values.residentSignoffs);
  if (values.residentSignoffs !== '' && (signoffs < 1 || signoffs > RESIDENT_SIGNOFFS_MAX)) {
    errors['residentSignoffs'] = m.lists_policy_error_signoffs({ max: String(RESIDENT_SIGNOFFS_MAX) });
  }
  if (values.note.length > 500) errors['note'] = m.policy_error_note();
  return errors;
}

/** What is wrong with the category rows that have anything typed in them. */
function categoryErrors(rows: readonly FilledRow[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { row, index } of rows) {
    if (!CATEGORY_KEY.test(row.key)) errors[categoryField('key', index)] = m.policy_error_category_key();
    else if (seen.has(row.key)) errors[categoryField('key', index)] = m.policy_error_category_repeated();
    seen.add(row.key);
    if (row.zh === '' || row.zh.length > 30) errors[categoryField('zh', index)] = m.policy_error_category_label();
    if (row.en === '' || row.en.length > 30) errors[categoryField('en', index)] = m.policy_error_category_label();
    if (row.ratio !== '' && !RATIO.test(row.ratio)) errors[categoryField('ratio', index)] = m.policy_error_ratio();
    if (row.cap !== '' && policyAmount(row.cap) === null) errors[categoryField('cap', index)] = m.policy_error_amount();
  }
  if (rows.length > CATEGORIES_MAX)
    errors[categoryField('key', rows[CATEGORIES_MAX]?.index ?? 0)] = m.policy_error_too_many();
  return errors;
}

/** The policy's JSON form of fields that passed the checks above. */
function policyJsonOf(values: PolicyFormValues, rows: readonly FilledRow[]) {
  const amountOrNull = (text: string) => (text === '' ? null : plainAmount(text));
  return {
    match: {
      ratioDefault: plainRatio(values.ratioDefault),
      capPerProject: amountOrNull(values.capPerProject),
      categories: Object.fromEntries(
        rows.map(({ row }) => [
          row.key,
          {
            ...(row.ratio === '' ? {} : { ratio: plainRatio(row.ratio) }),
            ...(row.cap === '' ? {} : { capPerProject: plainAmount(row.cap) })
          }
        ])
      ),
      capPerCompoundPerYear: amountOrNull(values.capPerCompoundPerYear),
      selfRaisedShareMin: plainRatio(values.selfRaisedShareMin),
      roundingUnit: plainAmount(values.roundingUnit),
      roundingDirection: roundingDirectionOf(values.roundingDirection) ?? 'down',
      overrideBand: { ratioMin: plainRatio(values.bandMin), ratioMax: plainRatio(values.bandMax) },
      releaseMode: values.releaseMode
    },
    categoryLabels: Object.fromEntries(rows.map(({ row }) => [row.key, { zh: row.zh, en: row.en }])),
    noticeWorkingDays: smallNumber(values.noticeWorkingDays),
    vote: { quorum: smallNumber(values.quorum), majority: plainRatio(values.majority) },
    ownersConsent: {
      presentShareMin: plainRatio(values.presentShareMin),
      agreeShareMin: plainRatio(values.agreeShareMin)
    },
    secondApproverAbove: plainAmount(values.secondApproverAbove),
    holdBackShare: plainRatio(values.holdBackShare),
    participationMin: values.participationMin === '' ? null : plainRatio(values.participationMin),
    ...(values.voteWorkingDays === '' ? {} : { voteWorkingDays: smallNumber(values.voteWorkingDays) }),
    // Written only when it differs from the default, as fundPolicyToJson writes it, so that a policy
    // adopted again with the same rules has the same JSON.
    ...(smallNumber(values.needSupportsToOffice) === NEED_SUPPORTS_TO_OFFICE_DEFAULT
      ? {}
      : { needSupportsToOffice: smallNumber(values.needSupportsToOffice) }),
    ...(values.residentSignoffs === '' ? {} : { residentSignoffs: smallNumber(values.residentSignoffs) })
  };
}

/** The JSON paths whose form field has another name; a Map, as the path comes from a category key a person typed. */
const FIELD_OF_PATH = new Map<string, TopField>([
  ['match.overrideBand.ratioMin', 'bandMin'],
  ['match.overrideBand.ratioMax', 'bandMax'],
  ['vote.quorum', 'quorum'],
  ['vote.majority', 'majority'],
  ['ownersConsent.presentShareMin', 'presentShareMin'],
  ['ownersConsent.agreeShareMin', 'agreeShareMin']
]);

/** The form field a JSON path of the policy is typed into. */
function formFieldOf(path: string | null, rowOf: (key: string | undefined) => number): string {
  const parts = (path ?? '').split('.');
  if (parts[0] === 'match' && parts[1] === 'categories') {
    return categoryField(parts[3] === 'capPerProject' ? 'cap' : 'ratio', rowOf(parts[2]));
  }
  if (parts[0] === 'categoryLabels') return categoryField(parts[2] === 'en' ? 'en' : 'zh', rowOf(parts[1]));
  const mapped = FIELD_OF_PATH.get(path ?? '');
  if (mapped !== undefined) return mapped;
  const last = parts[parts.length - 1] ?? '';
  return (TOP_FIELDS as readonly string[]).includes(last) ? last : 'ratioDefault';
}
