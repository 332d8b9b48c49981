import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LIST_DELIVERIES, LIST_ITEM_STATUSES, NEED_SOURCES, NEED_STATUSES, RESOURCE_KINDS } from '@gongjian/ledger';
import { describe, expect, it } from 'vitest';

// The database repeats the ledger's words for the three lists in its checks, so that it refuses
// a word the ledger does not know. This test keeps the two the same: a word added to one only
// fails here, not in production.
const migration = readFileSync(fileURLToPath(new URL('../../sql/023_three_lists.sql', import.meta.url)), 'utf8');

/** The quoted words of the check named `constraint`. */
function wordsOf(constraint: string): string[] {
  const match = new RegExp(`constraint ${constraint}\\s+check \\(\\w+ in \\(([^)]*)\\)\\)`).exec(migration);
  const list = match?.[1];
  if (list === undefined) throw new Error(`no check ${constraint} in 023_three_lists.sql`);
  return [...list.matchAll(/'([a-z_]+)'/g)].map((word) => word[1] ?? '');
}

describe('the three lists: the database and the ledger know the same words', () => {
  it.each([
    ['need_source_is_known', NEED_SOURCES],
    ['need_status_is_known', NEED_STATUSES],
    ['resource_kind_is_known', RESOURCE_KINDS],
    ['list_item_delivery_is_known', LIST_DELIVERIES],
    ['list_item_status_is_known', LIST_ITEM_STATUSES]
  ])('%s', (constraint, words) => {
    expect(wordsOf(constraint)).toEqual([...words]);
  });
});
