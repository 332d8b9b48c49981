import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { failureStatusOf, fieldErrorsOf } from './form-errors';

const Form = v.object({
  amount: v.pipe(v.string(), v.minLength(1)),
  memo: v.pipe(v.string(), v.maxLength(3)),
  key: v.pipe(v.string(), v.uuid())
});

const messages = { amount: () => 'amount?', memo: () => 'memo?', form: () => 'form?' };

describe('fieldErrorsOf', () => {
  it('gives each field its message once, and what the page does not show to the form', () => {
    const parsed = v.safeParse(Form, { amount: '', memo: 'too long', key: 'not a uuid' }, { abortEarly: false });
    if (parsed.success) throw new Error('the form should be refused');
    expect(fieldErrorsOf(parsed.issues, messages)).toEqual({ amount: 'amount?', memo: 'memo?', form: 'form?' });
  });

  it('says nothing of fields that passed', () => {
    const parsed = v.safeParse(Form, { amount: '1', memo: 'ok', key: 'x' });
    if (parsed.success) throw new Error('the form should be refused');
    expect(fieldErrorsOf(parsed.issues, messages)).toEqual({ form: 'form?' });
  });
});

describe('failureStatusOf', () => {
  it('tells an input to correct from a refusal no correction changes, one row per kind', () => {
    const rows: [code: string, status: number][] = [
      ['amount_must_be_positive', 400],
      ['return_needs_comments', 400],
      ['code_is_taken', 400],
      ['pool_cannot_cover_the_match', 409],
      ['application_is_not_in_review', 409],
      ['payout_is_not_waiting', 409],
      ['form_was_already_used_for_something_else', 409],
      ['not_allowed', 403],
      ['voter_is_recused', 403],
      ['project_not_found', 404],
      ['item_is_not_in_this_fund', 404],
      ['evaluation_is_throttled', 429],
      ['code_is_throttled', 429],
      ['code_is_unknown', 400],
      ['signoffs_are_not_asked', 409]
    ];
    expect(rows.map(([code]) => [code, failureStatusOf(code)])).toEqual(rows);
  });
});
