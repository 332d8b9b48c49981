import type { Rows } from './statement-file';

/*
 * The column mapping: which column of a bank's statement holds the date, the amount (one signed
 * column, or a debit and a credit column), the balance, the counterparty, the description and
 * the bank's serial number. It names columns by their header text, so a bank that reorders its
 * columns still maps; it is chosen on an account's first import and kept. Banks put a few title
 * lines (the bank's name, the account number, the period) above the header, so the header is the
 * first row of the first few that holds every mapped column.
 */

export const MAPPING_FIELDS = [
  'date',
  'amount',
  'debit',
  'credit',
  'balance',
  'counterparty',
  'description',
  'serial'
] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/** Header texts by field; '' for a field the bank's statement does not have. */
export type ColumnMapping = Readonly<Record<MappingField, string>>;

/** How far down a statement the header may be. */
const HEADER_ROWS_MAX = 30;
/** The longest header text kept. */
export const HEADER_LENGTH_MAX = 40;

/** The words Chinese banks (and a few English exports) use for each column, most specific first. */
const SYNONYMS: Readonly<Record<MappingField, readonly string[]>> = {
  date: ['交易日期', '记账日期', '入账日期', '交易时间', '日期', 'transaction date', 'date'],
  amount: ['交易金额', '发生额', '金额', 'amount'],
  debit: ['借方发生额', '借方金额', '支出金额', '付款金额', '支出', '借方', 'debit', 'withdrawal'],
  credit: ['贷方发生额', '贷方金额', '收入金额', '收款金额', '收入', '贷方', 'credit', 'deposit'],
  balance: ['账户余额', '联机余额', '账面余额', '余额', 'balance'],
  counterparty: ['对方户名', '对方账户名称', '对方名称', '对方单位', '收/付方名称', '对方账户名', 'counterparty'],
  description: ['摘要', '交易摘要', '用途', '附言', '备注', 'description', 'memo'],
  serial: ['交易流水号', '流水号', '凭证号', '交易参考号', 'serial', 'reference']
};

export function headerText(cell: string): string {
  return cell.normalize('NFKC').replace(/\s+/g, '').toLowerCase().slice(0, HEADER_LENGTH_MAX);
}

/** The mapping's required columns: a date, a balance, and an amount in one column or two. */
export function requiredColumns(mapping: ColumnMapping): MappingField[] {
  const amounts: MappingField[] = mapping.amount !== '' ? ['amount'] : ['debit', 'credit'];
  return ['date', ...amounts, 'balance'];
}

export interface Located {
  /** Index of the header row in the rows. */
  headerIndex: number;
  /** Column index per mapped field. */
  columns: Partial<Record<MappingField, number>>;
}

/**
 * Finds the header row for a mapping, or names the required columns it could not find (in the
 * row that had the most of them).
 */
export function locateHeader(
  rows: Rows,
  mapping: ColumnMapping
): { ok: true; located: Located } | { ok: false; missing: MappingField[] } {
  const wanted = MAPPING_FIELDS.filter((field) => mapping[field] !== '');
  const required = requiredColumns(mapping);
  let best: MappingField[] = required;
  for (let index = 0; index < Math.min(rows.length, HEADER_ROWS_MAX); index += 1) {
    const headers = (rows[index] ?? []).map(headerText);
    const columns: Partial<Record<MappingField, number>> = {};
    for (const field of wanted) {
      const column = headers.indexOf(headerText(mapping[field]));
      if (column !== -1) columns[field] = column;
    }
    const missing = required.filter((field) => !Object.hasOwn(columns, field));
    if (missing.length === 0) return { ok: true, located: { headerIndex: index, columns } };
    if (missing.length < best.length) best = missing;
  }
  return { ok: false, missing: best };
}

/**
 * A mapping guessed from the statement's header: for each field left blank in `given`, the first
 * header that one of the field's words names. A separate debit and credit column wins over one
 * amount column, because a statement with both calls its debit column 借方发生额, not 金额.
 */
export function guessMapping(rows: Rows, given: Partial<ColumnMapping>): ColumnMapping {
  let bestMapping: ColumnMapping = completed(given, {});
  let bestScore = -1;
  for (let index = 0; index < Math.min(rows.length, HEADER_ROWS_MAX); index += 1) {
    const headers = (rows[index] ?? []).map((cell) => cell.trim()).filter((cell) => cell !== '');
    const guessed: Partial<Record<MappingField, string>> = {};
    const taken = new Set<string>();
    for (const field of [
      'debit',
      'credit',
      'date',
      'balance',
      'counterparty',
      'description',
      'serial',
      'amount'
    ] as const) {
      const header = SYNONYMS[field]
        .map((word) => headers.find((cell) => !taken.has(cell) && headerText(cell) === headerText(word)))
        .find((cell) => cell !== undefined);
      if (header !== undefined) {
        guessed[field] = header;
        taken.add(header);
      }
    }
    if (guessed.debit !== undefined && guessed.credit !== undefined) delete guessed.amount;
    const score = Object.keys(guessed).length;
    if (score > bestScore) {
      bestScore = score;
      bestMapping = completed(given, guessed);
    }
  }
  return bestMapping;
}

function completed(given: Partial<ColumnMapping>, guessed: Partial<Record<MappingField, string>>): ColumnMapping {
  const field = (name: MappingField) => (given[name] ?? '').trim() || (guessed[name] ?? '');
  const mapping = Object.fromEntries(MAPPING_FIELDS.map((name) => [name, field(name)])) as Record<MappingField, string>;
  // One amount column, or two: when a person named one column, the guessed pair is dropped.
  if ((given.amount ?? '').trim() !== '') return { ...mapping, debit: '', credit: '' };
  if (mapping.debit !== '' && mapping.credit !== '') return { ...mapping, amount: '' };
  return mapping;
}

/** A kept mapping read back from the database's jsonb, or null when it is not one. */
export function mappingFrom(value: unknown): ColumnMapping | null {
  if (typeof value !== 'object' || value === null) return null;
  const mapping: Record<string, string> = {};
  for (const field of MAPPING_FIELDS) {
    const text: unknown = Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : '';
    mapping[field] = typeof text === 'string' ? text : '';
  }
  return mapping as ColumnMapping;
}
