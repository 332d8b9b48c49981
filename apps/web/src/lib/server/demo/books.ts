import { ACCOUNTS, CHART_MINFEI_2026, allocate, money, subAccountCode, type PostCommand } from '@gongjian/ledger';
import type { Transaction } from '../db/client';
import { openChartIn, openIn, postBatchIn } from '../books/commands';

/** The pilot's eleven grid units (网格单位), which put up the start capital together. */
export const DEMO_GRID_UNITS = Array.from({ length: 11 }, (_, index) => `grid-${String(index + 1).padStart(2, '0')}`);
export const DEMO_START_CAPITAL = money('100000');

/**
 * The demo fund's books: the 民非 chart, one restricted-income sub-account per grid unit, and the
 * start capital of 100,000.00 split evenly to the fen by `allocate` (ten × 9,090.91 and one ×
 * 9,090.90), each unit's contribution booked Dr 1002.01 / Cr 4101.01.U-<unit> through the posting
 * path. Idempotency keys make a second run write nothing.
 */
export async function seedDemoBooks(transaction: Transaction, fundId: string): Promise<void> {
  await openChartIn(transaction, { fundId, chart: CHART_MINFEI_2026 });
  const shares = allocate(
    DEMO_START_CAPITAL,
    DEMO_GRID_UNITS.map(() => 1n)
  );
  if (!shares.ok) throw new Error(`demo seed: allocate refused the start capital (${shares.code})`);
  const commands: PostCommand[] = [];
  for (const [index, unit] of DEMO_GRID_UNITS.entries()) {
    const code = subAccountCode({ parent: ACCOUNTS.donationsRestricted, dimension: 'unit', id: unit });
    if (!code.ok) throw new Error(`demo seed: ${unit} is not a valid unit id`);
    const opened = await openIn(transaction, { fundId, command: { code: code.value } });
    if (!opened.ok) throw new Error(`demo seed: opening ${code.value} was refused (${opened.code})`);
    const amount = shares.value[index];
    if (amount === undefined) throw new Error('demo seed: allocate returned fewer parts than units');
    commands.push({
      date: '2026-03-01',
      memo: '网格单位出资：启动资金',
      idempotencyKey: `demo-start-capital-${unit}`,
      postings: [
        { account: ACCOUNTS.pool, side: 'debit', amount },
        { account: code.value, side: 'credit', amount }
      ]
    });
  }
  const posted = await postBatchIn(transaction, { fundId, commands });
  if (!posted.ok) throw new Error(`demo seed: the start capital was refused (${posted.code})`);
}
