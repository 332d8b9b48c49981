import { afterAll, describe, expect, inject, it } from 'vitest';
import * as books from '../../apps/web/src/lib/server/books';
import { clientsFor, contribution, createFund } from '../support/books';

const { owner, app } = clientsFor(inject('databaseUrl'), 8);

afterAll(async () => {
  await Promise.all([owner.end(), app.end()]);
});

const KEYS = 1_000;
const REPLAYS = 3;
const KEYS_AT_ONCE = 25;

describe('idempotency keys', () => {
  it('turn 1,000 keyed requests, each replayed 3 times (a third of them concurrently), into exactly 1,000 entries', async () => {
    const fundId = await createFund(owner, 'idempotency');
    const amountOf = (index: number) => `${index + 1}.${String(index % 100).padStart(2, '0')}`;
    const request = (index: number) =>
      books.post(app, { fundId, command: contribution(amountOf(index), `key-${index}`) });
    const answersOf = async (index: number) => {
      if (index % 3 === 0) return await Promise.all(Array.from({ length: REPLAYS + 1 }, () => request(index)));
      const answers = [];
      for (let attempt = 0; attempt <= REPLAYS; attempt += 1) answers.push(await request(index));
      return answers;
    };
    const mismatches: number[] = [];
    for (let start = 0; start < KEYS; start += KEYS_AT_ONCE) {
      const indexes = Array.from({ length: Math.min(KEYS_AT_ONCE, KEYS - start) }, (_, offset) => start + offset);
      await Promise.all(
        indexes.map(async (index) => {
          const answers = await answersOf(index);
          const ids = new Set(answers.map((answer) => (answer.ok ? answer.value.id : answer.code)));
          if (ids.size !== 1 || !answers.every((answer) => answer.ok)) mismatches.push(index);
        })
      );
    }
    expect(mismatches).toEqual([]);
    const [count] = await owner<{ entries: string; keys: string }[]>`
      select count(*)::text as entries, count(distinct idempotency_key)::text as keys from entries where fund_id = ${fundId}`;
    expect(count).toEqual({ entries: String(KEYS), keys: String(KEYS) });

    const reused = await books.post(app, { fundId, command: contribution('999.99', 'key-7') });
    expect(reused).toMatchObject({ ok: false, code: 'idempotency_key_reused', idempotencyKey: 'key-7' });
    expect((await books.verifyBooks(owner)).findings.filter((finding) => finding.fundId === fundId)).toEqual([]);
  });
});
