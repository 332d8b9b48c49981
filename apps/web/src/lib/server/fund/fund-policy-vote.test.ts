import { describe, expect, it } from 'vitest';
import { DEMO_POLICY_JSON, fundPolicyToJson, parseFundPolicy, VOTE_WORKING_DAYS_MAX } from './fund-policy';

/*
 * The optional vote period (voteWorkingDays, issue 17): unset by default and absent from the JSON
 * of a policy that sets none, so that policies adopted before it read and write as they did.
 */

describe('the vote period of a policy', () => {
  it('is unset by default, and a policy without one keeps its JSON', () => {
    const parsed = parseFundPolicy(DEMO_POLICY_JSON);
    expect(parsed.ok && parsed.value.voteWorkingDays).toBe(null);
    if (!parsed.ok) return;
    expect(fundPolicyToJson(parsed.value)).toEqual(DEMO_POLICY_JSON);
    expect('voteWorkingDays' in fundPolicyToJson(parsed.value)).toBe(false);
  });

  it('reads and writes a set period unchanged', () => {
    const parsed = parseFundPolicy({ ...DEMO_POLICY_JSON, voteWorkingDays: 5 });
    expect(parsed.ok && parsed.value.voteWorkingDays).toBe(5);
    if (!parsed.ok) return;
    expect(fundPolicyToJson(parsed.value)).toEqual({ ...DEMO_POLICY_JSON, voteWorkingDays: 5 });
  });

  it('refuses a period that is not a whole number of days from 1 to the maximum', () => {
    for (const days of [0, -1, 2.5, VOTE_WORKING_DAYS_MAX + 1, '5']) {
      expect(parseFundPolicy({ ...DEMO_POLICY_JSON, voteWorkingDays: days })).toMatchObject({
        ok: false,
        code: 'policy_is_malformed',
        field: 'voteWorkingDays'
      });
    }
  });
});
